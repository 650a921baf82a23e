"""The streaming form of the pipeline's front: polling the inputs on a clock, and deduplicating across
polls with per-key state.

    ticks ─ PollSources ─ Normalize ─ window ─ Deduplicate ─ FirstSighting ─ window ─ sentences ... events

``PollSources`` turns each tick (a timestamp from ``PeriodicImpulse``, or ``TestStream`` in the tests)
into raw items: the seeds directory is listed again and only files not seen before (by name, size and
modification time) are read; every feed is fetched and parsed again, and the entries already seen are
dropped later by article id. ``FirstSighting`` keeps one element per key for the lifetime of the job
(Beam user state in the global window, so it spans windows and polls) and skips the keys already in the
tables when the job started.
"""

from __future__ import annotations

import datetime as dt
import os
import typing
from collections.abc import Callable, Iterable, Iterator

import apache_beam as beam
from apache_beam.coders import BooleanCoder
from apache_beam.io.filesystems import FileSystems
from apache_beam.transforms import window as beam_window
from apache_beam.transforms.userstate import ReadModifyWriteStateSpec

from outputs.paths import is_local
from transforms.common.beam import DOCUMENTS, counter
from transforms.common.rejects import REJECTS
from transforms.normalize.dedup import Deduplicate, SkipWrittenDocuments
from transforms.normalize.stage import Normalize
from transforms.sources import fetch
from transforms.sources.feeds import MAX_ENTRIES
from transforms.sources.feeds_stage import FEED_FETCHES, FEED_ITEMS, ReadFeedFn
from transforms.sources.stage import (
    ReadSeedFileFn,
    RejectListedFn,
    RejectUnsupportedFn,
    classify_seed_path,
    list_seed_dir,
)

SEED, UNSUPPORTED, FEED, UNUSABLE = "seed", "unsupported", "feed", "unusable"


def _seed_dir_entries(seeds_dir: str) -> Iterator[tuple]:
    """(kind, path, relative path, size, modification time) of the inputs of the seeds directory; an
    entry that cannot be read (see ``list_seed_dir``) is (UNUSABLE, reason, relative path, detail, None)."""
    root = seeds_dir.rstrip("/") or "/"
    if not is_local(root):
        for metadata in FileSystems.match([FileSystems.join(root, "**")])[0].metadata_list:
            relative = metadata.path[len(root):].lstrip("/\\").replace("\\", "/")
            kind = classify_seed_path(relative)
            if kind != "ignored":
                yield kind, metadata.path, relative, metadata.size_in_bytes, metadata.last_updated_in_seconds
        return
    listing = list_seed_dir(root)
    for kind in (SEED, FEED, UNSUPPORTED):
        for path, relative in listing[kind]:
            try:
                info = os.stat(path)
                size, modified = info.st_size, info.st_mtime
            except OSError:
                size = modified = None  # gone since the listing: reading it will say so
            yield kind, path, relative, size, modified
    for relative, reason, detail in listing[UNUSABLE]:
        yield UNUSABLE, reason, relative, detail, None


class _ListInputsFn(beam.DoFn):
    """tick -> (kind, path, relative path, size, modification time) for every input, listed now."""

    def __init__(self, seeds_dir: str | None, feed_uris: list[str]):
        self._seeds_dir = seeds_dir
        self._feed_uris = list(feed_uris)
        self._polls = counter("polls")

    def process(self, tick) -> Iterator[tuple]:
        self._polls.inc()
        if self._seeds_dir:
            yield from _seed_dir_entries(self._seeds_dir)
        for uri in self._feed_uris:
            yield FEED, uri, uri, None, None


class _FirstSightingFn(beam.DoFn):
    """(key, element) -> element, the first time the key is seen in this job and not in ``load_known``."""

    SEEN = ReadModifyWriteStateSpec("seen", BooleanCoder())

    def __init__(self, name: str, load_known: Callable[[], Iterable[str]] | None):
        self._load_known = load_known
        self._known: frozenset = frozenset()
        self._repeats = counter(f"repeats_{name}")

    def setup(self) -> None:
        self._known = frozenset(self._load_known()) if self._load_known else frozenset()

    def process(self, keyed: tuple, seen=beam.DoFn.StateParam(SEEN)) -> Iterator:  # noqa: B008 (Beam's way)
        key, element = keyed
        if key in self._known or seen.read():
            self._repeats.inc()
            return
        seen.write(True)
        yield element


class FirstSighting(beam.PTransform):
    """Keeps the first element of each ``key_of(element)`` for the whole job, across windows; drops the
    keys ``load_known()`` returns (e.g. the ids already in the tables, read once per worker).

    The input must be in the global window (state is kept per key and window).
    """

    def __init__(self, name: str, key_of: Callable, load_known: Callable[[], Iterable[str]] | None = None):
        super().__init__()
        self._name = name
        self._key_of = key_of
        self._load_known = load_known

    def expand(self, elements):
        key_of = self._key_of
        return (
            elements
            | "Key" >> beam.Map(lambda element: (key_of(element), element)).with_output_types(
                tuple[str, typing.Any])
            | "KeepFirst" >> beam.ParDo(_FirstSightingFn(self._name, self._load_known))
        )


def _reject_id(row: dict) -> str:
    return row["reject_id"]


def _kind_is(kind: str):
    return lambda entry: entry[0] == kind


def _path_pair(entry: tuple) -> tuple[str, str]:
    return entry[1], entry[2]


def _file_version(entry: tuple) -> str:
    _, _, relative, size, modified = entry
    return f"{relative}\x1f{size}\x1f{modified}"


class ReadListedInputs(beam.PTransform):
    """Listed inputs (kind, path, relative path, size, modification time), in the global window -> a
    dict of PCollections: FEED_ITEMS (raw items) and REJECTS (reject rows). A seed file is read once
    per version (name, size, modification time); a feed every time it is listed."""

    def __init__(self, *, run_id: str, run_started_at: dt.datetime, timeout_s: float = 20.0,
                 max_bytes: int = 20_000_000):
        super().__init__()
        self._run = (run_id, run_started_at)
        self._limits = fetch.FetchLimits(timeout_s=timeout_s, max_bytes=max_bytes)

    def expand(self, listed):
        run = self._run
        seeds = (
            listed
            | "OnlySeedFiles" >> beam.Filter(_kind_is(SEED))
            | "NewSeedFiles" >> FirstSighting("seed_files", _file_version)
            | "SeedPaths" >> beam.Map(_path_pair)
            | "ReadSeedFiles" >> beam.ParDo(ReadSeedFileFn(*run)).with_outputs(REJECTS, main=FEED_ITEMS)
        )
        unsupported = (
            listed
            | "OnlyUnsupported" >> beam.Filter(_kind_is(UNSUPPORTED))
            | "NewUnsupported" >> FirstSighting("unsupported_files", _file_version)
            | "UnsupportedPaths" >> beam.Map(_path_pair)
            | "RejectUnsupported" >> beam.ParDo(RejectUnsupportedFn(*run))
        )
        unusable = (
            listed
            | "OnlyUnusable" >> beam.Filter(_kind_is(UNUSABLE))
            | "NewUnusable" >> FirstSighting("unusable_inputs", _file_version)
            | "UnusableEntries" >> beam.Map(lambda entry: (entry[2], entry[1], entry[3]))
            | "RejectUnusable" >> beam.ParDo(RejectListedFn(*run, "inputs_unusable"))
        )
        feeds = (
            listed
            | "OnlyFeeds" >> beam.Filter(_kind_is(FEED))
            | "FeedUris" >> beam.Map(lambda entry: entry[1])
            | "ReadFeeds" >> beam.ParDo(ReadFeedFn(*run, {}, self._limits, MAX_ENTRIES))
            .with_outputs(REJECTS, FEED_FETCHES, main=FEED_ITEMS)
        )
        return {
            FEED_ITEMS: (seeds[FEED_ITEMS], feeds[FEED_ITEMS]) | "AllItems" >> beam.Flatten(),
            REJECTS: (seeds[REJECTS], unsupported, unusable, feeds[REJECTS])
            | "AllSourceRejects" >> beam.Flatten(),
        }


class PollSources(beam.PTransform):
    """Ticks -> what ``ReadListedInputs`` returns for the inputs listed at each tick (the seeds
    directory, listed again, and the feeds)."""

    def __init__(self, *, seeds_dir: str | None, feed_uris: list[str], run_id: str,
                 run_started_at: dt.datetime, timeout_s: float = 20.0, max_bytes: int = 20_000_000):
        super().__init__()
        self._seeds_dir = seeds_dir
        self._feed_uris = sorted(dict.fromkeys(feed_uris))
        self._read = ReadListedInputs(run_id=run_id, run_started_at=run_started_at, timeout_s=timeout_s,
                                      max_bytes=max_bytes)

    def expand(self, ticks):
        return (ticks
                | "ListInputs" >> beam.ParDo(_ListInputsFn(self._seeds_dir, self._feed_uris))
                | "ReadInputs" >> self._read)


class NewDocuments(beam.PTransform):
    """Raw items (global window) -> a dict: 'documents' (new articles, in fixed windows of
    ``window_s`` seconds) and REJECTS (the normalize rejects, in the same windows).

    Within a window, copies of one article become one (the copy the batch pipeline would keep); across
    windows, the first sighting wins; articles already in the tables are dropped. Unlike a batch run,
    which joins the batch's ids with the ids read back from the tables, this loads the written ids into
    each worker (``load_written_ids``, a picklable callable): ids read back from the tables fall in no
    window of the documents for a GroupByKey to join them in, and in the global window an unbounded
    GroupByKey would never fire.
    """

    def __init__(self, run_id: str, run_started_at: dt.datetime, window_s: float,
                 load_written_ids: Callable[[], Iterable[str]]):
        super().__init__()
        self._run = (run_id, run_started_at)
        self._window_s = window_s
        self._load_written_ids = load_written_ids

    def expand(self, items):
        normalized = items | "Normalize" >> Normalize(*self._run)
        unwritten = (
            normalized[DOCUMENTS]
            | "Window" >> beam.WindowInto(beam_window.FixedWindows(self._window_s))
            | "SkipWritten" >> SkipWrittenDocuments(self._load_written_ids)
        )
        deduplicated = unwritten[DOCUMENTS] | "DeduplicateInWindow" >> Deduplicate()
        documents = (
            deduplicated[DOCUMENTS]
            | "AcrossWindows" >> beam.WindowInto(beam_window.GlobalWindows())
            | "FirstSighting" >> FirstSighting("articles", lambda document: document.article_id)
            | "Rewindow" >> beam.WindowInto(beam_window.FixedWindows(self._window_s))
        )
        rejects = normalized[REJECTS] | "WindowRejects" >> beam.WindowInto(
            beam_window.FixedWindows(self._window_s))
        return {DOCUMENTS: documents, REJECTS: rejects}


class NewRejects(beam.PTransform):
    """Reject rows from every stage -> the ones not written before, in fixed windows of ``window_s``.

    Input: a tuple of PCollections of reject rows, in any windows (they are flattened here).
    """

    def __init__(self, window_s: float, load_written_ids: Callable[[], Iterable[str]]):
        super().__init__()
        self._window_s = window_s
        self._load_written_ids = load_written_ids

    def expand(self, rejects_by_stage):
        in_global_window = [
            rejects | f"AcrossWindows{index}" >> beam.WindowInto(beam_window.GlobalWindows())
            for index, rejects in enumerate(rejects_by_stage)
        ]
        return (
            in_global_window
            | "AllRejects" >> beam.Flatten()
            | "FirstSighting" >> FirstSighting("rejects", _reject_id, self._load_written_ids)
            | "Rewindow" >> beam.WindowInto(beam_window.FixedWindows(self._window_s))
        )
