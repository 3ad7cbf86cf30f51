"""The warehouse's files: the analysts' snapshot, the writer's private store, and its lock.

Analysts open the published snapshot read-only. The writer works on the store beside it
and, after each successful session, copies the store over the snapshot atomically — so a
reader holding the snapshot open never blocks a write, and keeps seeing the file it opened.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
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
    lock: Path  # warehouse/littrack.duckdb.lock: held by the one writer
    review_db: Path  # warehouse/littrack.review.sqlite: reviewers, sessions, decision events
    decisions_export: Path  # warehouse/littrack.decisions/: Parquet segments the decision views read

    @classmethod
    def beside(cls, published: Path) -> WarehouseFiles:
        return cls(
            published=published,
            store=published.with_name(f"{published.stem}.store{published.suffix}"),
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
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
            return False
        raise
    return True


def remove_warehouse(published: Path) -> None:
    """Delete a warehouse and every file beside it (for the demo, which starts afresh)."""
    files = WarehouseFiles.beside(Path(published))
    remove_unfinished_publications(files)
    wal = files.store.with_name(f"{files.store.name}.wal")
    review = [files.review_db.with_name(files.review_db.name + suffix) for suffix in ("", "-wal", "-shm")]
    for path in (files.published, files.store, wal, files.lock, *review):
        path.unlink(missing_ok=True)
    shutil.rmtree(files.decisions_export, ignore_errors=True)  # its events belong to the old one


def remove_unfinished_publications(files: WarehouseFiles) -> None:
    """Delete snapshot copies a killed writer left half-written (call while holding the lock)."""
    for leftover in files.published.parent.glob(f"{files.publishing_prefix}*"):
        leftover.unlink(missing_ok=True)


def publish(files: WarehouseFiles) -> None:
    """Copy the (closed, checkpointed) store over the analysts' snapshot, atomically."""
    partial = files.published.with_name(f"{files.publishing_prefix}{os.getpid()}")
    try:
        _clone_or_copy(files.store, partial)
        with open(partial, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, files.published)
        fsync_folder(files.published.parent)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise WarehouseError(f"could not publish the warehouse to {files.published}: {exc}") from None


_FICLONE = 0x40049409  # Linux ioctl: the new file shares the source's blocks, copy-on-write
_NO_CLONE = {errno.EOPNOTSUPP, errno.ENOTTY, errno.EXDEV, errno.EINVAL, errno.ENOSYS}


def _clone_or_copy(source: Path, target: Path) -> None:
    """A reflink where the filesystem has them (XFS, btrfs, bcachefs: constant time, and disk
    used only by the blocks the next run changes); elsewhere (ext4) a kernel-side copy, about
    1.5 s per GB (see bench/nightly.py)."""
    with open(source, "rb") as original, open(target, "wb") as clone:
        try:
            fcntl.ioctl(clone.fileno(), _FICLONE, original.fileno())
            return
        except OSError as exc:
            if exc.errno not in _NO_CLONE:
                raise
    shutil.copyfile(source, target)


def fsync_folder(folder: Path) -> None:
    """Make a rename or a new file in `folder` durable (the folder entry itself is fsync'd)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
