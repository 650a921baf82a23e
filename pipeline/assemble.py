"""The communique pipeline, stage by stage:

    sources → normalize → deduplicate → annotate (sentences → dates → entities → events) → sinks

Every stage is a composite transform from a stage package of ``transforms``; each hands its documents to
the next and its rejects to the rejects table. Nothing here touches a record.
"""

from __future__ import annotations

import apache_beam as beam

from outputs.commit import OutputDir
from pipeline.options import RunConfig
from transforms.annotating import Annotate
from transforms.common.beam import DOCUMENTS, OUTCOMES
from transforms.common.parking import park_directory
from transforms.common.progress import Progress
from transforms.common.rejects import REJECTS, NumberRepeatedRejects, StampRejects
from transforms.common.written import WrittenKeys
from transforms.normalize.dedup import Deduplicate, SkipWrittenRows
from transforms.normalize.stage import Normalize
from transforms.sinks.stage import WriteTables
from transforms.sources.accounting import CompleteFeedFetches
from transforms.sources.feeds_stage import FEED_FETCHES, FEED_ITEMS
from transforms.sources.pages_stage import PageBudget
from transforms.sources.stage import SEED_ITEMS, ReadSources


def build_pipeline(pipeline: beam.Pipeline, config: RunConfig, feed_state: dict | None = None):
    """Adds the whole job to ``pipeline``; returns the PCollection of (staged file, rows)."""
    output = OutputDir(config.output_dir)
    run = (config.run_id, config.started_at)
    # What earlier runs wrote is joined with this run's keys by the runner (transforms.common.written).
    def written(table: str, column: str) -> WrittenKeys:
        return WrittenKeys(config.output_dir, table, column)

    sources = pipeline | "Sources" >> ReadSources(
        seeds_dir=config.seeds_dir, feed_uris=list(config.feed_uris), run_id=config.run_id,
        run_started_at=config.started_at, feed_state=feed_state, fetch_articles=config.fetch_articles,
        timeout_s=config.feed_timeout_s, max_bytes=config.max_feed_bytes,
        known_article_ids=written("articles", "article_id"), refused_feeds=config.refused_feeds,
        page_budget=PageBudget.from_now(config.max_pages, config.pages_deadline_s,
                                        config.allow_private_addresses))
    # Seed files and feeds are normalized apart and meet only as small references in the grouping
    # that deduplicates them: no step holds every document of the run (transforms.common.parking).
    normalized = {source: sources[tag] | f"Normalize{source}" >> Normalize(*run)
                  for source, tag in (("Seeds", SEED_ITEMS), ("Feeds", FEED_ITEMS))}
    read = {source: normalized[source][DOCUMENTS] | f"ProgressRead{source}" >> Progress(f"read ({label})")
            for source, label in (("Seeds", "seed files"), ("Feeds", "feeds"))}
    fresh = read | "Deduplicate" >> Deduplicate(written("articles", "article_id"),
                                                park_directory(output.staging_root(config.run_id)))
    coded = fresh[DOCUMENTS] | "Annotate" >> Annotate()

    rejects = (
        (sources[REJECTS], *(normalized[source][REJECTS] for source in normalized), coded[REJECTS])
        | "AllRejects" >> beam.Flatten()
        | "StampRejects" >> StampRejects(*run)
        | "OneRowPerItem" >> NumberRepeatedRejects()
        | "NewRejects" >> SkipWrittenRows(written("rejects", "reject_id"), "reject_id")
    )
    outcomes = (*(normalized[source][OUTCOMES] for source in normalized), fresh[OUTCOMES])
    feed_fetches = {
        "feed_fetches": sources[FEED_FETCHES],
        "outcomes": outcomes | "AllOutcomes" >> beam.Flatten(),
    } | "FeedAccounting" >> CompleteFeedFetches()

    return {
        "documents": coded[DOCUMENTS] | "ProgressCoded" >> Progress("coded"),
        "rejects": rejects, "feed_fetches": feed_fetches,
    } | "Sinks" >> WriteTables(output.staging_root(config.run_id), config.run_id, config.rows_per_file)
