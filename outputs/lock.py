"""One writer at a time per output directory.

``communique run``, ``watch`` (for each poll) and ``compact`` hold the lock of the output directory while
they recover, write and commit. A second writer does not wait: ``acquire`` raises ``OutputLocked`` at once,
naming the holder (pid, host, command, start time), and the command exits with ``EXIT_LOCKED``.

Local directories: the lock is ``<output>/_LOCK``, held with ``flock`` (the kernel releases it when the
holder dies, however it dies) and holding a JSON record of the holder. A record found in a file whose
``flock`` is free was left by a process that is gone: it is taken over with a warning naming that process.
A record naming a live process on this host is honoured even so (a holder that could not take ``flock``,
e.g. on a filesystem without it).

Object stores (gs://, s3://, any non-local Beam filesystem) have no locks: the record is an object,
``<output>/_LOCK``, written and removed through Beam's FileSystems. A record from this host whose process
is gone (by pid, and by the process start time where /proc shows it, so a reused pid is not mistaken for
the holder) is stale and taken over with a warning; a record from another host is honoured until someone
who knows that host's run is gone deletes the object (the message says how). Runs started on this host
are also serialised by a local ``flock`` keyed by the output URL, so two cron jobs on one machine never
race for the object.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import fcntl
import hashlib
import json
import logging
import os
import socket
import tempfile

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from outputs.paths import is_local

LOCK_NAME = "_LOCK"
_LOG = logging.getLogger(__name__)
_LOCAL_GUARDS = os.path.join(tempfile.gettempdir(), "communique-locks")


def _process_start(pid: int) -> str | None:
    """The start time of ``pid`` in clock ticks since boot (Linux /proc), or None where unknown."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            stat = handle.read()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces; field 22 is the start time.
    fields = stat[stat.rfind(")") + 2:].split()
    return fields[19] if len(fields) > 19 else None


@dataclasses.dataclass(frozen=True)
class LockHolder:
    """Who holds (or held) a lock."""

    pid: int
    host: str
    command: str
    acquired_at: str
    process_start: str | None = None

    @classmethod
    def me(cls, command: str) -> LockHolder:
        return cls(pid=os.getpid(), host=socket.gethostname(), command=command,
                   acquired_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                   process_start=_process_start(os.getpid()))

    @classmethod
    def from_json(cls, data: bytes) -> LockHolder | None:
        """The holder in a lock record, or None when the record is empty or unreadable (a writer killed
        while writing it)."""
        try:
            fields = json.loads(data.decode("utf-8"))
            return cls(pid=int(fields["pid"]), host=str(fields["host"]), command=str(fields["command"]),
                       acquired_at=str(fields["acquired_at"]), process_start=fields.get("process_start"))
        except (ValueError, KeyError, TypeError, AttributeError):
            return None

    def to_json(self) -> bytes:
        return json.dumps(dataclasses.asdict(self), sort_keys=True).encode("utf-8")

    def describe(self) -> str:
        return f"pid {self.pid} on host {self.host} ({self.command}, since {self.acquired_at})"

    def is_gone(self) -> bool:
        """True when the holder ran on this host and its process no longer exists. A holder on another
        host is never known to be gone."""
        if self.host != socket.gethostname():
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass  # alive, owned by someone else
        started = _process_start(self.pid)
        return self.process_start is not None and started is not None and started != self.process_start


class OutputLocked(RuntimeError):
    """Another writer holds the output directory."""

    def __init__(self, output_dir: str, lock_path: str, holder: LockHolder | None, advice: str = ""):
        self.output_dir, self.lock_path, self.holder = output_dir, lock_path, holder
        who = holder.describe() if holder else "another communique process"
        message = (f"the output directory {output_dir!r} is in use by {who}; try again when it has "
                   f"finished.{advice}")
        super().__init__(message)


def _read_fd(fd: int) -> bytes:
    chunks, offset = [], 0
    while chunk := os.pread(fd, 65536, offset):
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


class OutputLock:
    """The lock of one output directory; use as a context manager::

        with OutputLock(output_dir, "communique run 1a2b"):
            ...  # recover, write, commit
    """

    def __init__(self, output_dir: str, command: str):
        self.output_dir = output_dir.rstrip("/") or "/"
        self.command = command
        self.path = FileSystems.join(self.output_dir, LOCK_NAME)
        self._fd: int | None = None
        self._guard_fd: int | None = None
        self._holder: LockHolder | None = None
        self.took_over: LockHolder | None = None  # the stale holder replaced, if any

    def __enter__(self) -> OutputLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()

    # -- acquiring ------------------------------------------------------------------------------------

    def acquire(self) -> None:
        """Takes the lock or raises ``OutputLocked`` at once."""
        if self._fd is not None or self._holder is not None:
            raise RuntimeError(f"{self.path} is already held by this OutputLock")
        self._holder = LockHolder.me(self.command)
        try:
            if is_local(self.output_dir):
                self._acquire_local()
            else:
                self._acquire_object()
        except BaseException:
            self._holder = None
            raise

    def _acquire_local(self) -> None:
        directory = self.output_dir
        path = os.path.join(directory, LOCK_NAME)
        os.makedirs(directory, exist_ok=True)
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as error:
                holder = LockHolder.from_json(_read_fd(fd))
                os.close(fd)
                if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise OutputLocked(self.output_dir, path, holder) from None
                raise
            # The holder before us unlinks the file as it releases it; if that happened between our
            # open and our flock, we hold a lock on a file nobody else will look at: start again.
            try:
                current = os.stat(path).st_ino
            except FileNotFoundError:
                current = None
            if current != os.fstat(fd).st_ino:
                os.close(fd)
                continue
            break
        previous = LockHolder.from_json(_read_fd(fd))
        if previous is not None and previous.pid != os.getpid() and not previous.is_gone() \
                and previous.host == socket.gethostname():
            os.close(fd)
            raise OutputLocked(self.output_dir, path, previous,
                               " (That process is alive but does not hold the file lock: is the output "
                               "on a filesystem without flock?)")
        if _has_content(fd):
            self._note_takeover(previous, path)
        os.ftruncate(fd, 0)
        os.pwrite(fd, self._holder.to_json(), 0)
        os.fsync(fd)
        self._fd = fd

    def _acquire_object(self) -> None:
        self._guard_fd = _local_guard(self.output_dir, self.command)
        try:
            if FileSystems.exists(self.path):
                with FileSystems.open(self.path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
                    previous = LockHolder.from_json(handle.read())
                if previous is not None and not previous.is_gone():
                    raise OutputLocked(
                        self.output_dir, self.path, previous,
                        f" If you know that run is no longer running, delete {self.path} and start again.")
                self._note_takeover(previous, self.path)
            with FileSystems.create(self.path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
                handle.write(self._holder.to_json())
        except BaseException:
            _release_guard(self._guard_fd)
            self._guard_fd = None
            raise

    def _note_takeover(self, previous: LockHolder | None, path: str) -> None:
        self.took_over = previous
        who = previous.describe() if previous else "a process that was killed while taking it"
        _LOG.warning("taking over the stale lock %s left by %s: that process is gone. Its uncommitted "
                     "output is discarded and an interrupted commit is completed.", path, who)

    # -- releasing ------------------------------------------------------------------------------------

    def release(self) -> None:
        """Gives the lock up (idempotent)."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            path = os.path.join(self.output_dir, LOCK_NAME)
            try:
                if os.stat(path).st_ino == os.fstat(fd).st_ino:
                    os.unlink(path)
            except FileNotFoundError:
                pass
            os.close(fd)  # releases the flock
        elif self._holder is not None and not is_local(self.output_dir):
            try:
                with FileSystems.open(self.path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
                    current = LockHolder.from_json(handle.read())
                if current == self._holder:
                    FileSystems.delete([self.path])
            except OSError as error:  # Beam raises BeamIOError (an IOError) for a missing object
                _LOG.warning("could not remove the lock %s: %s", self.path, error)
            finally:
                _release_guard(self._guard_fd)
                self._guard_fd = None
        self._holder = None


def _has_content(fd: int) -> bool:
    return os.fstat(fd).st_size > 0


def _local_guard(output_url: str, command: str) -> int:
    """A flock on a local file named after ``output_url``: one writer per output on this host."""
    os.makedirs(_LOCAL_GUARDS, exist_ok=True)
    name = hashlib.sha256(output_url.encode("utf-8")).hexdigest()[:24] + ".lock"
    path = os.path.join(_LOCAL_GUARDS, name)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        holder = LockHolder.from_json(_read_fd(fd))
        os.close(fd)
        raise OutputLocked(output_url, path, holder) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, LockHolder.me(command).to_json(), 0)
    return fd


def _release_guard(fd: int | None) -> None:
    if fd is not None:
        os.ftruncate(fd, 0)
        os.close(fd)
