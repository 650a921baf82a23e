"""The output directory: staging, atomic commits, recovery of interrupted ones, and the committed view.

A writer (a run, or a compaction) writes every new file under ``<output>/_staging/<id>/`` with the same
layout as the tables. When all of it is written, ``commit`` decides where each file goes (a name no file
in the tables has yet) and writes the manifest ``_staging/<id>/_COMMIT.json``: the moves to make and the
files to remove (a compaction's merged inputs). Writing the manifest is the commit point: it is written to
a temporary name and renamed, so it exists whole or not at all. Then the files are moved into place, the
removed files deleted, the manifest filed under ``_commits/`` (the commit log) and the staging directory
deleted.

Whatever instant a writer is killed at:
- before the manifest exists, nothing of it is in the tables; the next writer deletes its staging
  directory (``recover``) and does the work again;
- after, the next writer finishes the moves and removals from the manifest (``recover``), so nothing is
  lost and nothing is written twice.

Readers that list files through ``committed_table_files`` (``outputs.tables``: ``communique query``,
``report``, the run's own check of what is already written) never see part of a commit: while a
manifest is pending they see the tables as before it until every move is done, and as after it from
then on (moves come before removals). Tools that glob the Parquet files directly see the files as they
are on disk; a commit is a few renames, and an interrupted one is finished by the next run or
``communique compact``.

Everything goes through Beam's FileSystems, so the output may be a local path, gs://, s3://, ...
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import signal
from collections.abc import Callable, Iterable

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from outputs.paths import is_local
from outputs.tablefiles import FILE_SUFFIX, file_num_rows
from schemas import TABLES

STAGING = "_staging"
STATE = "_state"
COMMITS = "_commits"
MANIFEST = "_COMMIT.json"
MANIFEST_PARTIAL = MANIFEST + ".partial"
MANIFEST_FORMAT = 2
COMMITS_KEPT = 200  # entries of the commit log kept for inspection; older ones are pruned
# Test-only: the name of a point at which the process kills itself with SIGKILL (see crash_point).
CRASH_ENV = "COMMUNIQUE_TEST_CRASH_AT"
_SNAPSHOT_ATTEMPTS = 20

_LOG = logging.getLogger(__name__)


class CommitIncomplete(RuntimeError):
    """A commit passed its commit point (the manifest is written, so its output is committed) but
    applying it failed: the next writer (a run, or ``communique compact``) finishes it."""

    def __init__(self, writer_id: str, error: BaseException):
        super().__init__(f"the commit of {writer_id} is made but moving its files into place failed "
                         f"({type(error).__name__}: {error}); the next 'communique run' or 'communique "
                         "compact' finishes it, and until then readers see the tables as before it")
        self.writer_id = writer_id


class UnsafeManifest(ValueError):
    """A manifest names a path that is not a table file of this output directory (or, for a move's
    source, not a file of its own staging directory): written by something other than communique, so
    nothing of it is applied."""


def crash_point(name: str) -> None:
    """Kills this process with SIGKILL when the environment variable COMMUNIQUE_TEST_CRASH_AT is
    ``name``. The crash tests use it to stop a real ``communique`` at an exact point of a commit."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _join(root: str, relative: str) -> str:
    return FileSystems.join(root, *relative.split("/"))


def _relative(root: str, path: str) -> str:
    prefix = root.rstrip("/\\")
    if path.startswith(prefix):
        return path[len(prefix):].lstrip("/\\").replace("\\", "/")
    return os.path.relpath(path, root).replace("\\", "/")


def _matched(pattern: str) -> list[str]:
    return sorted(metadata.path for metadata in FileSystems.match([pattern])[0].metadata_list)


def _read_json(path: str) -> dict | None:
    """A JSON document written by this module, or None when it is missing or unreadable."""
    try:
        with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
            return json.loads(handle.read().decode("utf-8"))
    except (OSError, ValueError):  # BeamIOError is an OSError
        return None


def _write_whole(path: str, payload: bytes) -> None:
    """Writes ``payload`` so that ``path`` exists whole or not at all (temporary name, then rename)."""
    partial = path + ".partial"
    with FileSystems.create(partial, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        handle.write(payload)
    if is_local(partial):
        with open(partial, "rb") as handle:  # the rename must not overtake the data on a power cut
            os.fsync(handle.fileno())
    FileSystems.rename([partial], [path])


def _delete_tree(path: str) -> None:
    if is_local(path):
        if os.path.exists(path):
            FileSystems.delete([path])
        return
    files = _matched(FileSystems.join(path, "**"))  # object stores: the objects under the prefix
    if files:
        FileSystems.delete(files)


def _ensure_parent(path: str) -> None:
    if is_local(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)


def _is_table_file(relative: str) -> bool:
    """``<table>/<partition>/<name>.parquet`` with a known table and no part that climbs or is empty."""
    parts = relative.split("/")
    return (len(parts) == 3 and parts[0] in TABLES and "\\" not in relative and ":" not in relative
            and all(part not in ("", ".", "..") for part in parts) and relative.endswith(FILE_SUFFIX))


def _check_manifest(manifest: dict, run_id: str, manifest_path: str) -> None:
    """Raises ``UnsafeManifest`` unless every move goes from this writer's staging directory to a table
    file and every removal is a table file: a forged manifest must not move or delete anything else."""
    own_staging = f"{STAGING}/{run_id}/"
    problems = []
    try:
        moves, removes = manifest["moves"], manifest["removes"]
        for source, destination in moves:
            if not (isinstance(source, str) and source.startswith(own_staging)
                    and _is_table_file(source[len(own_staging):])):
                problems.append(f"move source {source!r}")
            if not (isinstance(destination, str) and _is_table_file(destination)):
                problems.append(f"move destination {destination!r}")
        problems.extend(f"removal {path!r}" for path in removes
                        if not (isinstance(path, str) and _is_table_file(path)))
    except (KeyError, TypeError, ValueError) as error:
        problems.append(f"its structure ({type(error).__name__}: {error})")
    if problems:
        raise UnsafeManifest(
            f"the commit manifest {manifest_path} names paths that are not table files of this output "
            f"directory: {', '.join(problems[:3])}{' …' if len(problems) > 3 else ''}. communique never "
            "writes such a manifest; nothing of it was applied. If you did not put it there, delete "
            f"{FileSystems.split(manifest_path)[0]} and run again.")


def _free_name(relative: str, taken: set[str]) -> str:
    """``relative``, or the same name with ``-1``, ``-2``... before the suffix if that is taken."""
    candidate, stem, suffix, number = relative, relative, "", 0
    if relative.endswith(FILE_SUFFIX):
        stem, suffix = relative[:-len(FILE_SUFFIX)], FILE_SUFFIX
    while candidate in taken:
        number += 1
        candidate = f"{stem}-{number}{suffix}"
    return candidate


class OutputDir:
    """The tables under ``root`` and the writers' staging directories beside them."""

    def __init__(self, root: str):
        self.root = root.rstrip("/") or "/"

    # -- staging --------------------------------------------------------------------------------------

    def staging_root(self, run_id: str) -> str:
        return FileSystems.join(self.root, STAGING, run_id)

    def state_path(self, name: str) -> str:
        return FileSystems.join(self.root, STATE, name)

    def staged_files(self, run_id: str) -> list[str]:
        pattern = FileSystems.join(self.staging_root(run_id), "**")
        return [path for path in _matched(pattern) if path.endswith(FILE_SUFFIX)]

    def staged_tables(self, run_id: str) -> dict[str, list[str]]:
        """Staged files by table name."""
        prefix = self.staging_root(run_id)
        tables: dict[str, list[str]] = {}
        for path in self.staged_files(run_id):
            tables.setdefault(_relative(prefix, path).split("/", 1)[0], []).append(path)
        return tables

    def staged_row_counts(self, run_id: str) -> dict[str, int]:
        return {table: sum(file_num_rows(path) for path in paths)
                for table, paths in sorted(self.staged_tables(run_id).items())}

    def discard(self, run_id: str) -> None:
        """Deletes the staging directory of ``run_id`` (an uncommitted attempt)."""
        _delete_tree(self.staging_root(run_id))

    # -- committing -----------------------------------------------------------------------------------

    def _existing_table_files(self, tables: Iterable[str]) -> set[str]:
        existing: set[str] = set()
        for table in tables:
            pattern = FileSystems.join(self.root, table, "*", f"*{FILE_SUFFIX}")
            existing.update(_relative(self.root, path) for path in _matched(pattern))
        return existing

    def commit(self, run_id: str, removes: Iterable[str] = ()) -> dict:
        """Moves every staged file of ``run_id`` into the tables and deletes ``removes`` (paths of table
        files), atomically: see the module docstring. Returns the manifest. The caller holds the lock."""
        staging = self.staging_root(run_id)
        staged = [_relative(staging, path) for path in self.staged_files(run_id)]
        taken = self._existing_table_files({relative.split("/", 1)[0] for relative in staged})
        moves = []
        for relative in staged:
            destination = _free_name(relative, taken)
            taken.add(destination)
            moves.append([f"{STAGING}/{run_id}/{relative}", destination])
        manifest = {
            "format": MANIFEST_FORMAT, "id": run_id, "moves": moves,
            "removes": sorted(_relative(self.root, path) for path in removes),
            "committed_at": dt.datetime.now(dt.timezone.utc).isoformat(),
        }
        crash_point("before_manifest")
        manifest_path = FileSystems.join(staging, MANIFEST)
        _ensure_parent(manifest_path)
        partial = manifest_path + ".partial"
        with FileSystems.create(partial, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
            handle.write(json.dumps(manifest, indent=1).encode("utf-8"))
        if is_local(partial):
            with open(partial, "rb") as handle:
                os.fsync(handle.fileno())
        crash_point("manifest_partial")
        FileSystems.rename([partial], [manifest_path])  # the commit point
        crash_point("committed")
        try:
            self._apply(run_id, manifest)
        except Exception as error:  # committed all the same: say so, whatever stopped the moves
            raise CommitIncomplete(run_id, error) from error
        return manifest

    def _apply(self, run_id: str, manifest: dict) -> None:
        """Finishes the commit described by ``manifest``; safe to repeat after an interruption."""
        for done, (source, destination) in enumerate(manifest["moves"]):
            crash_point(f"moved:{done}")
            source_path, destination_path = _join(self.root, source), _join(self.root, destination)
            if not FileSystems.exists(source_path):
                continue  # moved before an interruption
            _ensure_parent(destination_path)
            FileSystems.rename([source_path], [destination_path])
        for done, relative in enumerate(manifest["removes"]):
            crash_point(f"removed:{done}")
            path = _join(self.root, relative)
            if FileSystems.exists(path):
                FileSystems.delete([path])
        crash_point("applied")
        self._file_in_log(run_id, manifest)
        _delete_tree(self.staging_root(run_id))
        crash_point("cleaned")

    def _file_in_log(self, run_id: str, manifest: dict) -> None:
        stamp = manifest.get("committed_at", "").replace(":", "").replace("-", "")[:15] or "0"
        log_path = FileSystems.join(self.root, COMMITS, f"{stamp}-{run_id}.json")
        if not FileSystems.exists(log_path):
            _ensure_parent(log_path)
            _write_whole(log_path, json.dumps(manifest, indent=1).encode("utf-8"))
        logged = _matched(FileSystems.join(self.root, COMMITS, "*.json"))
        if len(logged) > COMMITS_KEPT:
            FileSystems.delete(logged[:len(logged) - COMMITS_KEPT])

    # -- recovery -------------------------------------------------------------------------------------

    def pending_ids(self) -> list[str]:
        """Ids of the writers that left a staging directory (interrupted, or still writing)."""
        staging_parent = FileSystems.join(self.root, STAGING)
        found = {_relative(staging_parent, path).split("/", 1)[0]
                 for path in _matched(FileSystems.join(staging_parent, "**"))}
        return sorted(run_id for run_id in found if run_id)

    def _manifest(self, run_id: str) -> dict | None:
        """The manifest of ``run_id``'s pending commit, None when there is none; raises
        ``UnsafeManifest`` when it names a path outside what a commit may touch."""
        manifest_path = FileSystems.join(self.staging_root(run_id), MANIFEST)
        manifest = _read_json(manifest_path)
        if manifest is not None and manifest.get("format") != MANIFEST_FORMAT:
            manifest = self._upgrade(manifest)
        if manifest is not None:
            _check_manifest(manifest, run_id, manifest_path)
        return manifest

    def _upgrade(self, manifest: dict) -> dict:
        """A manifest of the first format (absolute paths, moves only) in the current one."""
        return {"format": MANIFEST_FORMAT, "id": manifest.get("run_id", ""), "removes": [],
                "moves": [[_relative(self.root, source), _relative(self.root, destination)]
                          for source, destination in manifest.get("moves", [])]}

    def recover(self) -> list[str]:
        """Finishes the commits that interrupted writers had reached, and deletes the staging
        directories of those that had not. The caller holds the lock. Returns the ids of the commits
        finished."""
        completed = []
        for run_id in self.pending_ids():
            manifest = self._manifest(run_id)
            if manifest is not None:
                _LOG.warning("completing the commit of interrupted writer %s", run_id)
                self._apply(run_id, manifest)
                completed.append(run_id)
            else:
                _LOG.warning("discarding the uncommitted output of interrupted writer %s", run_id)
                self.discard(run_id)
        return completed

    # -- the committed view ---------------------------------------------------------------------------

    def _log_snapshot(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        pending = tuple(_matched(FileSystems.join(self.root, STAGING, "*", MANIFEST)))
        logged = tuple(_matched(FileSystems.join(self.root, COMMITS, "*.json")))
        return pending, logged

    def _hidden(self, manifest_paths: Iterable[str]) -> set[str]:
        """Files (relative to the root) that readers must not see while these commits are pending."""
        hidden: set[str] = set()
        for manifest_path in manifest_paths:
            run_id = _relative(FileSystems.join(self.root, STAGING), manifest_path).split("/", 1)[0]
            try:
                manifest = self._manifest(run_id)
            except UnsafeManifest as unsafe:
                _LOG.warning("ignoring %s", unsafe)  # never applied: it hides nothing
                continue
            if manifest is None:
                continue  # finished and filed since it was listed; the snapshot check will notice
            if self.staged_files(run_id):
                hidden.update(destination for _, destination in manifest["moves"])  # as before
            else:
                hidden.update(manifest["removes"])  # as after
        return hidden

    def committed_files(self, list_files: Callable[[], list[str]]) -> list[str]:
        """``list_files()`` (table files under this root) without the files of pending commits, as the
        tables stood before or after each commit, never in between."""
        before = self._log_snapshot()
        for _ in range(_SNAPSHOT_ATTEMPTS):
            listed = list_files()
            hidden = self._hidden(before[0])
            after = self._log_snapshot()
            if after == before:
                return [path for path in listed if _relative(self.root, path) not in hidden]
            before = after  # a commit moved on while we listed: look again
        raise RuntimeError(f"the tables under {self.root} kept changing while being listed; try again")


def committed_table_files(root: str, list_files: Callable[[], list[str]]) -> list[str]:
    """The files of a table under ``root`` that readers may see (see ``OutputDir.committed_files``)."""
    return OutputDir(root).committed_files(list_files)
