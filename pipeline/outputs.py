"""The output directory: staging, atomic commit, and recovery of interrupted runs.

A run writes every file under ``<output>/_staging/<run_id>/`` with the same layout as the tables. When
the pipeline has succeeded, the driver writes a manifest (``_COMMIT.json``) listing every move, then
moves the files into place and deletes the staging directory. A run killed before the manifest exists
left nothing visible, and its staging directory is deleted by the next run; a run killed while moving
is finished by the next run from its manifest, so no row is lost or written twice.
"""

from __future__ import annotations

import json
import logging
import os

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from transforms.tablefiles import FILE_SUFFIX, file_num_rows

STAGING = "_staging"
STATE = "_state"
MANIFEST = "_COMMIT.json"

_LOG = logging.getLogger(__name__)


def _ensure_dir(path: str) -> None:
    if "://" in path:
        return  # object stores have no directories
    os.makedirs(path, exist_ok=True)


class OutputDir:
    def __init__(self, root: str):
        self.root = root

    def staging_root(self, run_id: str) -> str:
        return FileSystems.join(self.root, STAGING, run_id)

    def state_path(self, name: str) -> str:
        return FileSystems.join(self.root, STATE, name)

    def staged_files(self, run_id: str) -> list[str]:
        pattern = FileSystems.join(self.staging_root(run_id), "**")
        return sorted(m.path for m in FileSystems.match([pattern])[0].metadata_list
                      if m.path.endswith(FILE_SUFFIX))

    def staged_tables(self, run_id: str) -> dict[str, list[str]]:
        """Staged files by table name."""
        prefix = self.staging_root(run_id)
        tables: dict[str, list[str]] = {}
        for path in self.staged_files(run_id):
            table = path[len(prefix):].lstrip("/\\").replace("\\", "/").split("/", 1)[0]
            tables.setdefault(table, []).append(path)
        return tables

    def staged_row_counts(self, run_id: str) -> dict[str, int]:
        return {table: sum(file_num_rows(path) for path in paths)
                for table, paths in sorted(self.staged_tables(run_id).items())}

    def discard(self, run_id: str) -> None:
        staging = self.staging_root(run_id)
        if FileSystems.exists(staging):
            FileSystems.delete([staging])

    def commit(self, run_id: str) -> None:
        """Moves every staged file into the tables; idempotent through the manifest."""
        staging = self.staging_root(run_id)
        moves = [(path, FileSystems.join(self.root, path[len(staging):].lstrip("/\\")))
                 for path in self.staged_files(run_id)]
        with FileSystems.create(FileSystems.join(staging, MANIFEST),
                                compression_type=CompressionTypes.UNCOMPRESSED) as handle:
            handle.write(json.dumps({"run_id": run_id, "moves": moves}).encode("utf-8"))
        self._apply(staging, moves)

    def _apply(self, staging: str, moves: list[list[str]]) -> None:
        for source, destination in moves:
            if not FileSystems.exists(source):
                continue  # moved before an interruption
            _ensure_dir(os.path.dirname(destination) if "://" not in destination else destination)
            FileSystems.rename([source], [destination])
        FileSystems.delete([staging])

    def recover(self) -> list[str]:
        """Finishes or discards the staging directories that interrupted runs left. Returns the ids of
        runs whose commit was completed."""
        staging_parent = FileSystems.join(self.root, STAGING)
        if not FileSystems.exists(staging_parent):
            return []
        completed = []
        runs = {m.path[len(staging_parent):].lstrip("/\\").split("/", 1)[0].split("\\", 1)[0]
                for m in FileSystems.match([FileSystems.join(staging_parent, "**")])[0].metadata_list}
        for run_id in sorted(r for r in runs if r):
            staging = self.staging_root(run_id)
            manifest = FileSystems.join(staging, MANIFEST)
            if FileSystems.exists(manifest):
                with FileSystems.open(manifest, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
                    moves = json.loads(handle.read().decode("utf-8"))["moves"]
                _LOG.warning("completing the commit of interrupted run %s", run_id)
                self._apply(staging, moves)
                completed.append(run_id)
            else:
                _LOG.warning("discarding the uncommitted output of interrupted run %s", run_id)
                FileSystems.delete([staging])
        return completed
