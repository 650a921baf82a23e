"""The one answer to "is this output path on the local filesystem, or in an object store?"."""

from __future__ import annotations


def is_local(path: str) -> bool:
    """True for a local path (absolute or relative), False for a URL of any Beam filesystem (gs://,
    s3://, ...): object stores have no directories, renames that are copies, and no fsync or flock."""
    return "://" not in path
