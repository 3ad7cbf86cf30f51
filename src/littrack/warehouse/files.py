"""The warehouse's files: the analysts' snapshot, the writer's private store, and its lock.

Analysts open the published snapshot read-only. The writer works on the store beside it
and, after each successful session, copies the store over the snapshot atomically — so a
reader holding the snapshot open never blocks a write, and keeps seeing the file it opened.

The snapshot a publish replaces is kept as the spare (`littrack.duckdb.previous`). Where the
filesystem cannot clone files (ext4), the next publish brings the spare up to date by writing
only the blocks that differ from the store — a quiet night changes a few — unless a reader
still has it open; then it copies the whole store. The folder holds at most three copies.
"""

from __future__ import annotations

import errno
import fcntl
import mmap
import os
import shutil
import struct
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from littrack.warehouse.decisions_export import SEGMENT_GLOB
from littrack.warehouse.errors import WarehouseBusy, WarehouseError, WarehouseUnwritable

LOCK_POLL_SECONDS = 0.1


@dataclass(frozen=True)
class WarehouseFiles:
    published: Path  # warehouse/littrack.duckdb: what analysts open
    store: Path  # warehouse/littrack.store.duckdb: only the writer opens it
    spare: Path  # warehouse/littrack.duckdb.previous: the snapshot before, rewritten next time
    lock: Path  # warehouse/littrack.duckdb.lock: held by the one writer
    review_db: Path  # warehouse/littrack.review.sqlite: reviewers, sessions, decision events
    decisions_export: Path  # warehouse/littrack.decisions/: Parquet segments the decision views read

    @classmethod
    def beside(cls, published: Path) -> WarehouseFiles:
        return cls(
            published=published,
            store=published.with_name(f"{published.stem}.store{published.suffix}"),
            spare=published.with_name(f"{published.name}.previous"),
            lock=published.with_name(f"{published.name}.lock"),
            review_db=published.with_name(f"{published.stem}.review.sqlite"),
            decisions_export=published.with_name(f"{published.stem}.decisions"),
        )

    @property
    def placeholders(self) -> dict[str, str]:
        """Side files the derived views read, as absolute paths (see `views.install_views`)."""
        return {"decisions_export": str(self.decisions_export.resolve() / SEGMENT_GLOB)}

    @property
    def publishing_prefix(self) -> str:
        return f"{self.published.name}.publishing-"


def prepare_folder(files: WarehouseFiles) -> None:
    """Create the warehouse folder; fail with one line if it cannot be written."""
    folder = files.published.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # opening the lock file for writing proves the folder is writable before anything else
        files.lock.touch(exist_ok=True)
    except OSError as exc:
        raise WarehouseUnwritable(
            f"cannot write to the warehouse folder {folder}: {exc.strerror or exc}"
        ) from None


@contextmanager
def writer_lock(files: WarehouseFiles, timeout_seconds: float) -> Iterator[None]:
    """Hold the writer lock; wait at most `timeout_seconds` for another writer to let go.

    An flock is released by the OS when its holder dies, so a crashed run never wedges it.
    """
    with open(files.lock, "a") as handle:
        deadline = time.monotonic() + timeout_seconds
        while not _try_lock(handle):
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"the warehouse {files.published} is busy: another littrack run is writing "
                    f"to it (waited {timeout_seconds:g} s; see [warehouse] lock_timeout_seconds)"
                )
            time.sleep(LOCK_POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _try_lock(handle) -> bool:
    return _without_waiting(lambda: fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB))


def _without_waiting(take_lock) -> bool:
    """Call a non-blocking lock call: False if someone else holds the lock."""
    try:
        take_lock()
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


def remove_warehouse(published: Path) -> None:
    """Delete a warehouse and every file beside it (for the demo, which starts afresh)."""
    files = WarehouseFiles.beside(Path(published))
    remove_unfinished_publications(files)
    wal = files.store.with_name(f"{files.store.name}.wal")
    review = [files.review_db.with_name(files.review_db.name + suffix) for suffix in ("", "-wal", "-shm")]
    for path in (files.published, files.spare, files.store, wal, files.lock, *review):
        path.unlink(missing_ok=True)
    shutil.rmtree(files.decisions_export, ignore_errors=True)  # its events belong to the old one


def remove_unfinished_publications(files: WarehouseFiles) -> None:
    """Delete snapshot copies a killed writer left half-written (call while holding the lock)."""
    for leftover in files.published.parent.glob(f"{files.publishing_prefix}*"):
        leftover.unlink(missing_ok=True)


def publish(files: WarehouseFiles) -> None:
    """Make the (closed, checkpointed) store the analysts' snapshot, atomically; the snapshot
    it replaces becomes the spare."""
    partial = files.published.with_name(f"{files.publishing_prefix}{os.getpid()}")
    previous = partial.with_name(f"{partial.name}-previous")
    try:
        _write_copy(files.store, partial, files.spare)
        if files.published.exists():
            os.link(files.published, previous)
        os.replace(partial, files.published)
        if previous.exists():
            os.replace(previous, files.spare)
        fsync_folder(files.published.parent)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        previous.unlink(missing_ok=True)
        raise WarehouseError(f"could not publish the warehouse to {files.published}: {exc}") from None


_FICLONE = 0x40049409  # Linux ioctl: the new file shares the source's blocks, copy-on-write
_NO_CLONE = {errno.EOPNOTSUPP, errno.ENOTTY, errno.EXDEV, errno.EINVAL, errno.ENOSYS}
_COMPARED_BYTES = 1 << 20


def _write_copy(source: Path, target: Path, spare: Path) -> None:
    """`target` as a durable copy of `source`: a reflink where the filesystem has them (XFS,
    btrfs, bcachefs: constant time); else the spare, renamed to `target` and rewritten where it
    differs; else (no spare, or a reader holds it) a kernel-side copy, about 1.5 s per GB."""
    if not (clone_file(source, target) or (spare.exists() and _rewrite_spare(source, spare, target))):
        shutil.copyfile(source, target)
    with open(target, "rb+") as handle:
        os.fsync(handle.fileno())


def clone_file(source: Path, target: Path) -> bool:
    """Make `target` a reflink of `source`; False (`target` empty) where the filesystem has none."""
    with open(source, "rb") as original, open(target, "wb") as clone:
        try:
            fcntl.ioctl(clone.fileno(), _FICLONE, original.fileno())
        except OSError as exc:
            if exc.errno not in _NO_CLONE:
                raise
            return False
    return True


def _rewrite_spare(source: Path, spare: Path, target: Path) -> bool:
    """Move the spare to `target` and make it equal `source`, writing only the blocks that
    differ; False (the spare dropped) when a reader still has it open."""
    os.replace(spare, target)  # under the publishing name: a crash leaves it to be removed
    with open(target, "rb+") as handle, open(source, "rb") as original:
        if not _lock_out_readers(handle):
            # a reader opened it when it was the snapshot: it keeps the file, we copy afresh
            target.unlink()
            return False
        size = os.fstat(original.fileno()).st_size
        handle.truncate(size)
        if size:
            with mmap.mmap(original.fileno(), size, access=mmap.ACCESS_READ) as new, \
                    mmap.mmap(handle.fileno(), size, access=mmap.ACCESS_READ) as old:
                for offset in range(0, size, _COMPARED_BYTES):
                    block = new[offset:offset + _COMPARED_BYTES]
                    if block != old[offset:offset + _COMPARED_BYTES]:
                        os.pwrite(handle.fileno(), block, offset)
    return True


def _lock_out_readers(handle) -> bool:
    """Take a write lock that conflicts with DuckDB's reader locks, our own process's too
    (an open-file-description lock): False if a reader has the file open. Held until closed,
    so no reader can open the file while it is rewritten."""
    if not hasattr(fcntl, "F_OFD_SETLK"):  # not Linux: readers cannot be seen, so copy
        return False
    whole_file = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
    return _without_waiting(lambda: fcntl.fcntl(handle.fileno(), fcntl.F_OFD_SETLK, whole_file))


def fsync_folder(folder: Path) -> None:
    """Make a rename or a new file in `folder` durable (the folder entry itself is fsync'd)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
