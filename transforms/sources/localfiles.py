"""Local input files read without surprises: a walk of a directory that reports what it cannot use, and
an open that refuses anything but a regular file.

A FIFO opened for reading waits for a writer (for ever, with the output directory locked); a device may
never end; a symlink may point nowhere or into a loop; a directory may be unreadable; a file name may not
be UTF-8, and then it cannot be carried through Beam or stored in Parquet. Each of these is one input
the user must hear about (a reject), never a hang, a failed run or a silent skip.
"""

from __future__ import annotations

import dataclasses
import errno
import os
import posixpath
import stat

# reject reasons (see transforms.common.rejects.REASONS)
NOT_A_REGULAR_FILE = "not_a_regular_file"
BROKEN_LINK = "broken_link"
LINKED_DIRECTORY = "linked_directory"
UNREADABLE_DIRECTORY = "unreadable_directory"
BAD_FILE_NAME = "bad_file_name"
UNREADABLE_FILE = "unreadable_file"


class NotRegularFile(OSError):
    """The path is a FIFO, socket, device or directory: it is not read."""


@dataclasses.dataclass(frozen=True)
class Unusable:
    """An entry of a walked directory that is not read; ``relative`` is printable UTF-8."""

    relative: str
    reason: str
    detail: str


def printable(name: str) -> str:
    """``name`` as valid UTF-8 text: bytes of the file system name that are not UTF-8 shown as ``\\xNN``."""
    return os.fsencode(name).decode("utf-8", errors="backslashreplace")


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def walk_files(root: str) -> tuple[list[tuple[str, str]], list[Unusable]]:
    """The regular files under ``root`` as sorted (path, path relative to root) pairs, and the entries
    that cannot be read. Symlinks to files are followed; symlinks to directories are not (one could
    lead to / or back up the tree), each is reported instead."""
    files: list[tuple[str, str]] = []
    unusable: list[Unusable] = []
    pending = [(root, "")]
    while pending:
        directory, prefix = pending.pop()
        try:
            with os.scandir(directory) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as error:
            unusable.append(Unusable(printable(prefix.rstrip("/") or "."), UNREADABLE_DIRECTORY,
                                     f"The directory could not be listed ({error.strerror or error}); its "
                                     "files were not read. Check its permissions."))
            continue
        for entry in entries:
            relative = posixpath.join(prefix, entry.name) if prefix else entry.name
            found = _examine(entry, relative, pending)
            if isinstance(found, Unusable):
                unusable.append(found)
            elif found == _FILE:
                files.append((entry.path, relative))
    return sorted(files), sorted(unusable, key=lambda item: item.relative)


_FILE, _DIRECTORY = "file", "directory"


def _examine(entry: os.DirEntry, relative: str, pending: list) -> Unusable | str:
    """Why ``entry`` cannot be read, or ``_FILE`` for a regular file, or ``_DIRECTORY`` for a directory
    (queued in ``pending``)."""
    shown = printable(relative)
    if not _is_utf8(entry.path):
        return Unusable(shown, BAD_FILE_NAME, "The file name is not valid UTF-8, so it cannot be recorded; "
                        "rename the file (e.g. convmv -f latin1 -t utf-8).")
    try:
        info = os.stat(entry.path)  # follows symlinks
    except OSError as error:
        if error.errno == errno.ELOOP:
            return Unusable(shown, BROKEN_LINK, "The symbolic link leads into a loop; remove it.")
        if entry.is_symlink():
            return Unusable(shown, BROKEN_LINK, "The symbolic link points to nothing "
                            f"({error.strerror or error}); remove it or restore its target.")
        return Unusable(shown, UNREADABLE_FILE, f"The file vanished or cannot be examined "
                        f"({error.strerror or error}).")
    if stat.S_ISDIR(info.st_mode):
        if entry.is_symlink():
            return Unusable(shown, LINKED_DIRECTORY, "A symbolic link to a directory is not followed (it "
                            "could lead anywhere, or back up the tree); link or copy the files instead.")
        pending.append((entry.path, relative + "/"))
        return _DIRECTORY
    if not stat.S_ISREG(info.st_mode):
        return Unusable(shown, NOT_A_REGULAR_FILE, f"It is {_kind_of(info.st_mode)}, not a file; it is not "
                        "read (reading it could wait for ever). Move it out of the directory.")
    return _FILE


def read_regular_file(path: str, limit: int) -> bytes:
    """At most ``limit`` bytes of the local file ``path``. Raises ``NotRegularFile`` for a FIFO, socket,
    device or directory (without blocking on it), and OSError when it cannot be read."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(descriptor, "rb", buffering=0) as handle:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(errno.EINVAL, f"{printable(path)} is {_kind_of(mode)}")
        os.set_blocking(descriptor, True)
        chunks = []
        remaining = limit
        while remaining > 0:
            chunk = handle.read(min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
