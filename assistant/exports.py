"""Old ONNX exports leave the machine-wide cache: each load marks its export as used, and making a new export
removes the exports of the same model that nothing has loaded for `UNUSED_DAYS`.

An export is keyed by its model's installed files (`onnx_encoder.export_folder`, `e5_export.export_folder`), so
every reinstall or fresh clone of the project makes a new one (109 MB for MiniLM); without this the cache only
grows. An export still in use elsewhere is marked at that installation's every start, so it stays; one removed
by mistake is made again by the next start that needs it. A folder another process is exporting into (its
`.lock` held) is never touched.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

UNUSED_DAYS = 30
USED = ".used"  # touched at every load of the export
LOCK = ".lock"  # held while an export is written (onnx_encoder.export_lock)


def mark_used(folder: Path) -> None:
    """Note that the export in `folder` was loaded now (a read-only cache is left as it is)."""
    try:
        (folder / USED).touch()
    except OSError:
        pass


def last_used(folder: Path) -> float:
    """When the export was last loaded or written (seconds since the epoch)."""
    times = []
    for path in (folder / USED, folder):
        try:
            times.append(path.stat().st_mtime)
        except OSError:
            pass
    return max(times, default=0.0)


def prune_unused(folder: Path, days: float = UNUSED_DAYS, now: float | None = None) -> list[Path]:
    """Remove the other exports of `folder`'s model (same name but for the key after the last '-') that nothing
    has used for `days`; returns what was removed."""
    now = time.time() if now is None else now
    model = folder.name.rsplit("-", 1)[0]
    removed = []
    for other in sorted(folder.parent.glob(f"{model}-*")):
        if other == folder or not other.is_dir() or other.name.rsplit("-", 1)[0] != model:
            continue
        if now - last_used(other) >= days * 86400 and _remove_unless_busy(other):
            removed.append(other)
    return removed


def _remove_unless_busy(folder: Path) -> bool:
    """Remove an export folder while holding its lock, so no process starts writing into it meanwhile; a folder
    whose lock another process holds is left. Whether it was removed."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no way to know who is writing
        return False
    try:
        fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return False
    try:
        shutil.rmtree(folder, ignore_errors=True)
    finally:
        os.close(fd)  # closing releases the lock
    return not folder.exists()
