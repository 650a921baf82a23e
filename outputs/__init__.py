"""The output directory and everything that reads or writes it as a whole.

    paths       is_local(path): a local path, or an object store (gs://, s3://, any Beam filesystem)?
    tablefiles  the file layout (<table>/<partition>=<day>/part-<run>-NNNN.parquet) and Parquet I/O
    commit      OutputDir: staging, atomic commits, recovery, the committed view of the files
    tables      the committed tables: their files, a column, a whole table
    sql         DuckDB over the tables (a view per table) for `query`, `report` and event_daily
    lock        one writer at a time per output directory
    feedstate   per-feed HTTP validators kept between runs (<output>/_state/feeds.json)
    compact     merging the small files of each partition, as one commit per table
    event_daily the event_daily table, rebuilt from the committed events after each commit

Modules here import ``schemas`` and each other (in the order above), never ``transforms`` or
``pipeline``; everything else reaches the output directory through their public names.
"""
