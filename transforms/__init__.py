"""The stages of the communique pipeline, one sub-package per stage, in the order the data flows:

``sources`` (seed files, feeds, page fetches) -> ``normalize`` (articles, dedup) -> ``sentences`` ->
``dates`` -> ``entities`` -> ``events`` -> ``sinks`` (Parquet tables). ``common`` holds the record that
flows between them (``Document``), ids, reject rows and the Beam plumbing they share.

In each stage package the pure modules know nothing of Beam and are unit-tested on their own; its
``stage`` module wraps them in a composite ``beam.PTransform``.
"""
