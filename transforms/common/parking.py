"""Large values parked in files while a grouping decides about them, so the grouping carries a reference.

A GroupByKey holds all of its input until the last element has arrived, and Beam's in-process runner
holds it in memory, several times its encoded size. Deduplication groups whole documents by article id
only to keep one copy of each; the documents themselves can wait on disk. ``Parking.park`` writes a
value (pickled, compressed) into the bundle's own file and returns a small ``ParkedRef``;
``ParkedReader.fetch`` reads it back.

The files live under the run's staging directory (``park_directory``), which is on storage every worker
reaches (the output directory must be shared on a cluster) and is deleted with the staging directory when
the run commits or when a later writer clears an interrupted attempt. A file is closed in
``finish_bundle``, so a reference may be read only after it has crossed a GroupByKey (the end of the
bundle that wrote it comes before any consumer of the grouping starts).

Without a directory a value is "parked" inline: the reference is the packed bytes themselves (the
streaming front and small tests, whose groups are small).
"""

from __future__ import annotations

import pickle
import uuid
import zlib
from typing import Any

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

PARKED_DIRECTORY = "_parked"
_SUFFIX = ".parked"


def park_directory(staging_root: str) -> str:
    """Where a run parks values: beside its staged table files, never moved into the tables."""
    return FileSystems.join(staging_root, PARKED_DIRECTORY)


# Where one parked value is: (a file of the park directory, byte offset, size). A plain tuple, which
# Beam's default coder writes compactly (a NamedTuple would be pickled: a fifth larger, 3x slower).
ParkedRef = tuple[str, int, int]


def _packed(value: Any) -> bytes:
    return zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)


def _unpacked(packed: bytes) -> Any:
    return pickle.loads(zlib.decompress(packed))


class Parking:
    """The writing side, owned by one DoFn: ``start_bundle``, ``park`` per value, ``finish_bundle``."""

    def __init__(self, directory: str | None):
        self._directory = directory
        self._handle = None
        self._file = ""
        self._offset = 0

    def start_bundle(self) -> None:
        self._handle = None

    def park(self, value: Any) -> ParkedRef | bytes:
        packed = _packed(value)
        if self._directory is None:
            return packed
        if self._handle is None:
            # A fresh name per bundle (not an id of any row): a retried bundle never writes into a file
            # that an earlier attempt's references point at.
            self._file = uuid.uuid4().hex + _SUFFIX
            self._handle = FileSystems.create(FileSystems.join(self._directory, self._file),
                                              compression_type=CompressionTypes.UNCOMPRESSED)
            self._offset = 0
        self._handle.write(packed)
        ref = (self._file, self._offset, len(packed))
        self._offset += len(packed)
        return ref

    def finish_bundle(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


class ParkedReader:
    """The reading side: ``fetch`` a parked value; files stay open until ``close`` (end of bundle)."""

    def __init__(self, directory: str | None):
        self._directory = directory
        self._open: dict[str, Any] = {}

    def fetch(self, ref: ParkedRef | bytes) -> Any:
        if isinstance(ref, bytes):
            return _unpacked(ref)
        file, offset, size = ref
        handle = self._open.get(file)
        if handle is None:
            if self._directory is None:
                raise ValueError(f"a value parked in file {file!r} cannot be read without the park "
                                 "directory; give the reader the directory the writer used")
            handle = FileSystems.open(FileSystems.join(self._directory, file),
                                      compression_type=CompressionTypes.UNCOMPRESSED)
            self._open[file] = handle
        handle.seek(offset)
        data = handle.read(size)
        if len(data) != size:
            raise OSError(f"parked file {file!r} ends before byte {offset + size:,} "
                          f"({len(data):,} of {size:,} bytes read); it was cut short or replaced")
        return _unpacked(data)

    def close(self) -> None:
        for handle in self._open.values():
            handle.close()
        self._open = {}
