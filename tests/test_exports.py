"""Old ONNX exports leave the cache (assistant/exports.py): pure file logic on folders made here; the real export's
pruning and marking run in test_e5_onnx.py (a damaged export rebuilt by app.ensure_index)."""

from __future__ import annotations

import fcntl
import os
import time

from assistant.exports import UNUSED_DAYS, last_used, mark_used, prune_unused

DAY = 86400


def export(root, name, days_ago):
    folder = root / name
    folder.mkdir()
    (folder / "model.onnx").write_bytes(b"weights")
    stamp = time.time() - days_ago * DAY
    os.utime(folder, (stamp, stamp))
    return folder


def test_only_the_same_models_long_unused_exports_go(tmp_path):
    new = export(tmp_path, "all-MiniLM-L6-v2-aaaaaaaaaaaa", 0)
    old = export(tmp_path, "all-MiniLM-L6-v2-bbbbbbbbbbbb", UNUSED_DAYS + 5)
    recent = export(tmp_path, "all-MiniLM-L6-v2-cccccccccccc", UNUSED_DAYS - 5)
    other_model = export(tmp_path, "multilingual-e5-small-dddddddddddd", UNUSED_DAYS + 5)
    longer_name = export(tmp_path, "all-MiniLM-L6-v2-int8-eeeeeeeeeeee", UNUSED_DAYS + 5)  # another model's slug
    assert prune_unused(new) == [old]
    assert not old.exists()
    assert all(f.exists() for f in (new, recent, other_model, longer_name))


def test_an_export_loaded_lately_stays_however_old_its_files(tmp_path):
    new = export(tmp_path, "m-aaaaaaaaaaaa", 0)
    loaded = export(tmp_path, "m-bbbbbbbbbbbb", UNUSED_DAYS + 100)
    mark_used(loaded)  # another installation still starts with it
    os.utime(loaded, (0, 0))  # touching a file inside may move the folder's time; make it old again
    assert time.time() - last_used(loaded) < DAY
    assert prune_unused(new) == [] and loaded.exists()


def test_an_export_being_written_is_left_alone(tmp_path):
    new = export(tmp_path, "m-aaaaaaaaaaaa", 0)
    busy = export(tmp_path, "m-bbbbbbbbbbbb", UNUSED_DAYS + 5)
    with open(busy / ".lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # as onnx_encoder.export_lock holds it while exporting
        os.utime(busy, (0, 0))  # the lock file just made moved the folder's time
        assert prune_unused(new) == [] and busy.exists()
    assert prune_unused(new) == [busy] and not busy.exists()
