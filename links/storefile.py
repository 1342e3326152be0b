"""Low-level safety of the HDF5 results store's file: the writer lock, the end-of-file check, the committed size.

- **Writer lock.** One writer at a time: ``fcntl.flock`` on a side file ``<store>.lock`` that holds the writer's
  PID and host while it writes (emptied on a clean release). A second writer gets "store ... is in use by PID
  ... on HOST", or waits up to a timeout. A record left in a free lock proves the writer died without releasing
  it; when its PID is gone (same host), the store may be repaired — never on any other evidence.
- **End-of-file check.** HDF5 itself compares the file size with the end-of-file address in the superblock, but
  not when a file is opened for SWMR reading (the mode needed for a file whose writer was killed). So the store
  reads the superblock first: a file shorter than its end-of-file address (closed files), or shorter than the
  size recorded after the last completed append (files left open by a writer), is refused as truncated.
- **Committed size.** Stores carry a 512-byte HDF5 user block (ignored by HDF5) in which the writer records the
  file size after every completed append: ``optolink.store committed=<bytes>``.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import pathlib
import socket
import time

USERBLOCK_SIZE = 512
_SIGNATURE = b"\x89HDF\r\n\x1a\n"
_COMMITTED = b"optolink.store committed="


class StoreInUseError(OSError):
    """Another writer holds the store's lock (or another program holds the HDF5 file open)."""


class StoreIntegrityError(ValueError):
    """The file is truncated or its superblock is damaged."""


def lock_path(path: pathlib.Path) -> pathlib.Path:
    return path.with_name(path.name + ".lock")


def pid_alive(pid: int) -> bool:
    """Whether a process with this PID exists on this host (a zombie counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


class StoreLock:
    """The advisory writer lock of the store at ``path`` (``fcntl.flock`` on ``<path>.lock``).

    ``acquire`` waits up to ``timeout`` seconds (0: refuse at once) and returns the record a previous holder
    left behind (``{"pid", "host", "since"}``; ``None`` after a clean release).
    """

    def __init__(self, path: str | os.PathLike, timeout: float = 0.0):
        self.path = pathlib.Path(path)
        self.lock_file = lock_path(self.path)
        self.timeout = float(timeout)
        self._fd: int | None = None
        self.previous: dict | None = None
        self.repaired = False  # set by the store when it repaired the file under this lock

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> dict | None:
        try:
            fd = os.open(self.lock_file, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        except OSError as exc:
            raise PermissionError(f"cannot write store {self.path}: cannot create its lock file {self.lock_file} "
                                  f"({exc.strerror}); is the directory writable?") from None
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    os.close(fd)
                    raise
                if time.monotonic() >= deadline:
                    holder = _read_record(fd)
                    os.close(fd)
                    who = (f"PID {holder.get('pid')} on {holder.get('host')} (since {holder.get('since')})"
                           if holder else "another process")
                    waited = f" after waiting {self.timeout:g} s" if self.timeout > 0 else ""
                    raise StoreInUseError(errno.EBUSY, f"store {self.path} is in use by {who}{waited}; wait for it "
                                          "to finish, pass a lock timeout to wait, or use another store") from None
                time.sleep(0.05)
        self.previous = _read_record(fd)
        record = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()}).encode()
        os.ftruncate(fd, 0)
        os.pwrite(fd, record, 0)
        os.fsync(fd)
        self._fd = fd
        return self.previous

    def previous_writer_dead(self) -> bool:
        """The record left in the (now held) lock proves a dead writer: same host and its PID is gone."""
        rec = self.previous
        if not rec or rec.get("host") != socket.gethostname() or not isinstance(rec.get("pid"), int):
            return False
        return rec["pid"] == os.getpid() or not pid_alive(rec["pid"])

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)  # an empty record: released cleanly
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc):
        self.release()


def _read_record(fd: int) -> dict | None:
    try:
        raw = os.pread(fd, 4096, 0)
        rec = json.loads(raw.decode()) if raw.strip() else None
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return rec if isinstance(rec, dict) else None


def superblock(path: pathlib.Path) -> dict | None:
    """The superblock's ``version``, ``offset`` (where it starts), ``base`` (the base address), ``flags``
    (file consistency flags: nonzero while a writer has the file open), ``eoa`` (the stored end-of-file address)
    and the file's ``size``; ``None`` when the file has no HDF5 signature where HDF5 looks for it (offset 0,
    512, 1024, 2048, ...)."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        base = 0
        while base + 8 <= size:
            fh.seek(base)
            head = fh.read(96)
            if head[:8] == _SIGNATURE:
                break
            base = 512 if base == 0 else base * 2
        else:
            return None
    if len(head) < 12:
        raise StoreIntegrityError(f"{path} is truncated inside the HDF5 superblock ({size} bytes)")
    version = head[8]
    if version >= 2:  # signature, version, sizes of offsets and lengths, flags, then 4 addresses
        so, flags, first = head[9], head[11], 12
    elif version in (0, 1):
        so, flags, first = head[13], int.from_bytes(head[20:24], "little"), 24 + (4 if version == 1 else 0)
    else:
        raise StoreIntegrityError(f"{path}: unknown HDF5 superblock version {version}")
    if so not in (2, 4, 8, 16) or len(head) < first + 3 * so:
        raise StoreIntegrityError(f"{path} is truncated or damaged inside the HDF5 superblock ({size} bytes)")
    base_address = int.from_bytes(head[first:first + so], "little")  # what the other addresses are relative to
    eoa = int.from_bytes(head[first + 2 * so:first + 3 * so], "little")
    return {"version": version, "offset": base, "base": base_address, "flags": flags, "eoa": eoa, "size": size}


def committed_size(path: pathlib.Path) -> int | None:
    """The file size the writer recorded after its last completed append (``None`` when not recorded)."""
    with open(path, "rb") as fh:
        head = fh.read(64)
    if not head.startswith(_COMMITTED):
        return None
    try:
        return int(head[len(_COMMITTED):].split(b"\n", 1)[0])
    except ValueError:
        return None


def record_committed(path: pathlib.Path, fd: int | None = None) -> None:
    """Record the current size of the file in its user block (the store must have one)."""
    own = fd is None
    if own:
        fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
    try:
        size = os.fstat(fd).st_size
        os.pwrite(fd, _COMMITTED + b"%020d\n" % size, 0)
    finally:
        if own:
            os.close(fd)


def check_integrity(path: pathlib.Path) -> dict:
    """Refuse a truncated HDF5 file before HDF5 opens it (a SWMR open skips this check and may hang or read
    garbage). Returns the superblock figures; raises StoreIntegrityError naming the sizes."""
    sb = superblock(path)
    if sb is None:
        raise StoreIntegrityError(f"{path} is not a readable HDF5 file (no HDF5 signature)")
    if sb["flags"] == 0:  # HDF5's own test (H5F__super_read: (size - base) + base < stored end of file)
        expected, why = sb["eoa"], "its HDF5 end-of-file address"
    else:  # left open by a writer: the superblock's end-of-file address is stale; use the committed size
        expected, why = committed_size(path) or 0, "the size recorded after its last completed append"
    if sb["size"] < expected:
        raise StoreIntegrityError(f"{path} is truncated: {sb['size']} bytes, but {why} is {expected} bytes "
                                  "(an incomplete copy?); refusing to read it")
    return sb


def is_writable(path: str | os.PathLike) -> bool:
    """Writable, and marked writable: a file or directory without any write permission bit counts as read-only
    even for a user (root) whom the system would let write it."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return bool(mode & 0o222) and os.access(path, os.W_OK)
