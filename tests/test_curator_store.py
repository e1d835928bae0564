"""The curator's store on real files: a relative corpus folder (the shipped default), file names in Kazakh,
the lock kept out of corpus/, and changes that fail halfway put everything back."""

from __future__ import annotations

import os
import subprocess
import tomllib
import unicodedata
from pathlib import Path

import pytest
from helpers import SEED_CORPUS, make_pdf

from assistant.config import load_settings
from assistant.curator.store import LOCK, TMP_PREFIX, CorpusStore
from assistant.curator.validation import CuratorError, check_file_name

NOTE = "= The reading room =\n\nThe museum's reading room opened to visitors in 1993.\n"
META = {"title": "The reading room", "kind": "museum note", "language": "en", "licence": "CC BY 4.0"}


@pytest.fixture
def museum(tmp_path, monkeypatch):
    """A working folder holding a copy of the seed corpus, as a museum's clone does; settings read as app.py reads them."""
    import shutil

    shutil.copytree(SEED_CORPUS, tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("ASSISTANT_")]:
        monkeypatch.delenv(name)
    return tmp_path


def stage(store: CorpusStore, name: str, data: bytes) -> Path:
    staged = store.staging_file(name)
    staged.write_bytes(data)
    return staged


def test_a_relative_corpus_folder_takes_every_kind_of_file(museum):
    """Issue 24: with `corpus_dir = "corpus"` every upload failed in load_document's relative_to."""
    relative = CorpusStore(Path("corpus"), 1_000_000, Path(".cache") / LOCK)  # even unresolved, as code might build it
    files = {
        "reading-room.txt": NOTE.encode(),
        "archive.md": b"# The archive\n\nThe archive keeps the 1956 registers.\n",
        "hall.html": b"<html><body><h1>Hall</h1><p>The hall shows letters from 1957.</p></body></html>",
        "guide.pdf": make_pdf([["The guide lists the camps of Karlag."]]),
    }
    for name, data in files.items():
        entry = relative.add(name, stage(relative, name, data), META | {"title": name})
        assert entry.name == name and entry.id == name.split(".")[0]
    settings = load_settings()  # what app.py --curator builds from the defaults
    store = CorpusStore(settings.corpus_dir, settings.curator_max_upload_bytes, settings.cache_dir / LOCK)
    assert store.corpus_dir == museum.resolve() / "corpus" and {e.name for e in store.entries()} >= set(files)
    sources = tomllib.loads((museum / "corpus" / "sources.toml").read_text(encoding="utf-8"))
    assert sources["guide.pdf"] == {"id": "guide", **META, "title": "guide.pdf"}
    edited = store.edit("archive.md", META | {"title": "The archive"}, store.entry("archive.md").version)
    assert edited.meta["title"] == "The archive"
    store.remove("hall.html", store.entry("hall.html").version)
    assert not (museum / "corpus" / "hall.html").exists() and "hall.html" not in store._metadata()
    assert (museum / ".cache" / LOCK).is_file(), "the lock lives in the cache folder"
    assert not [p.name for p in (museum / "corpus").iterdir() if p.name.startswith(".")], "nothing hidden left in corpus/"


def test_the_lock_never_shows_in_git_status(museum):
    subprocess.run(["git", "init", "-q"], check=True)
    (museum / ".gitignore").write_text((SEED_CORPUS.parent / ".gitignore").read_text())
    settings = load_settings()
    store = CorpusStore(settings.corpus_dir, 1_000_000, settings.cache_dir / LOCK)
    subprocess.run(["git", "add", "-A"], check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "seed"], check=True)
    store.add("note.txt", stage(store, "note.txt", NOTE.encode()), META)
    (museum / "corpus" / f"{TMP_PREFIX}crashed.txt").write_text("left by a crash")
    status = subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True, check=True).stdout
    assert sorted(status.splitlines()) == [" M corpus/sources.toml", "?? corpus/note.txt"], status


KAZAKH_NAMES = [
    ("Қарағанды лагері.txt", "qaraghandy-lageri"),
    ("Карлаг архив 1954.md", "karlag-arkhiv-1954"),
    ("Әлихан Бөкейхан хаттары (көшірме).txt", "alikhan-bokeykhan-khattary-koshirme"),
    ("Приказ № 3, 1956.txt", "prikaz-no-3-1956"),
    ("my notes.txt", "my-notes"),
]


def test_file_names_with_spaces_cyrillic_and_kazakh_letters_are_accepted(museum):
    settings = load_settings()
    store = CorpusStore(settings.corpus_dir, 1_000_000, settings.cache_dir / LOCK)
    for n, (name, doc_id) in enumerate(KAZAKH_NAMES):
        entry = store.add(name, stage(store, name, f"{NOTE} {n}".encode()), META | {"language": "kk"})
        assert (entry.name, entry.id) == (name, doc_id)
        assert (museum / "corpus" / name).read_text(encoding="utf-8") == f"{NOTE} {n}"
    sources = tomllib.loads((museum / "corpus" / "sources.toml").read_text(encoding="utf-8"))
    assert {sources[name]["id"] for name, _ in KAZAKH_NAMES} == {i for _, i in KAZAKH_NAMES}
    # A name typed in decomposed form (as macOS sends it) is kept in the composed form.
    assert check_file_name(unicodedata.normalize("NFD", "Бөкейхан.txt")) == "Бөкейхан.txt"
    for bad in ("a/b.txt", ".hidden.txt", " lead.txt", "tab\there.txt", "quote'.txt", "semi;colon.txt"):
        with pytest.raises(CuratorError):
            check_file_name(bad)


def test_a_removal_that_cannot_write_the_metadata_puts_the_file_back(museum, monkeypatch):
    settings = load_settings()
    store = CorpusStore(settings.corpus_dir, 1_000_000, settings.cache_dir / LOCK)
    store.add("note.txt", stage(store, "note.txt", NOTE.encode()), META)
    before = {p.name: p.read_bytes() for p in (museum / "corpus").iterdir()}

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("assistant.curator.store.write_atomic", full_disk)
    with pytest.raises(CuratorError) as refused:
        store.remove("note.txt", store.entry("note.txt").version)
    assert refused.value.code == "disk_full" and "full" in refused.value.message("en")
    assert {p.name: p.read_bytes() for p in (museum / "corpus").iterdir()} == before, "nothing half-removed"


def test_a_staged_upload_left_by_a_crash_is_cleaned_at_the_next_start(museum):
    settings = load_settings()
    store = CorpusStore(settings.corpus_dir, 1_000_000, settings.cache_dir / LOCK)
    old, fresh = stage(store, "a.txt", b"old"), stage(store, "b.txt", b"in progress")
    os.utime(old, (1, 1))
    assert store.clean_staging() == 1 and not old.exists() and fresh.exists()


def test_a_removed_scan_takes_its_ocr_corrections_with_it(museum):
    """Else the same scan added again would silently take a correction made for the removed one."""
    import io

    from PIL import Image

    from assistant.curator.scans import save_correction
    from assistant.scan.correct import correction_path

    settings = load_settings()
    store = CorpusStore(settings.corpus_dir, 1_000_000, settings.cache_dir / LOCK)
    page = io.BytesIO()
    Image.new("L", (200, 100), 255).save(page, format="PNG")
    store.add("scan.png", stage(store, "scan.png", page.getvalue()), META)
    save_correction(store, "scan.png", store.entry("scan.png").version, {1: "The reading room, 1993."}, "Aigerim")
    kept = correction_path(store.corpus_dir, "scan.png")
    assert kept.is_file() and "OCR, corrected by Aigerim" in store.entry("scan.png").meta["ocr"]
    store.remove("scan.png", store.entry("scan.png").version)
    assert not kept.exists() and not kept.parent.exists(), "the corrections file (and its emptied folder) went too"
    assert not [p.name for p in (museum / "corpus").iterdir() if p.name.startswith(".")], "nothing hidden left in corpus/"
