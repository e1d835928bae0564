"""The shared file helpers: one lock, one checksum, one atomic write."""

from __future__ import annotations

import hashlib
import os

import pytest

from assistant.files import atomic_path, file_lock, sha256_file, write_atomic


def test_a_non_blocking_lock_is_refused_while_another_holds_it(tmp_path):
    path = tmp_path / "folder" / ".lock"
    with file_lock(path):
        with pytest.raises(BlockingIOError), file_lock(path, blocking=False):
            pass
    with file_lock(path, blocking=False):  # released
        assert path.is_file()


def test_sha256_file_matches_hashlib(tmp_path):
    data = os.urandom(3 << 20)  # more than one read block
    (tmp_path / "blob").write_bytes(data)
    assert sha256_file(tmp_path / "blob") == hashlib.sha256(data).hexdigest()


def test_an_atomic_write_is_whole_or_absent(tmp_path):
    target = tmp_path / "pointer"
    write_atomic(target, "build-1\n")
    assert target.read_text() == "build-1\n" and target.stat().st_mode & 0o777 == 0o644
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed mid-write")
    assert target.read_text() == "build-1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["pointer"]  # no temp file left
