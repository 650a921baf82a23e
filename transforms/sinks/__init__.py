"""Stage sinks: the documents and rejects written as Hive-partitioned Parquet tables."""
