"""Building, updating, checking and loading the index folder, with the real model and real FAISS."""

from __future__ import annotations

import errno
import json
import shutil
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from helpers import DAMAGE, SEED_CORPUS, make_pdf, settings_for, write_corpus

from assistant import Assistant
from assistant.chunking import embedded_text
from assistant.config import Settings
from assistant.corpus import Skipped
from assistant.errors import (
    AssistantError,
    CorpusError,
    IndexDamagedError,
    IndexLockedError,
    IndexMissingError,
    ModelMismatchError,
)
from assistant.hooks import timing_hook
from assistant.index.build import build_index, ingest_lock
from assistant.index.layout import CURRENT, read_manifest
from assistant.index.read import load_index
from assistant.index.status import index_status

MEMORIAL = """# Memorial

Memorial was founded in 1989 to keep the memory of the victims of political repression.

## Closure

The Supreme Court of Russia ordered Memorial to close in December 2021.
"""

BUTOVO = """<html><body><h1>Butovo</h1><p>The Butovo firing range lies south of Moscow.</p>
<h2>Victims</h2><p>More than twenty thousand people were shot at Butovo in 1937 and 1938.</p></body></html>"""

PDF_PAGES = [
    ["Report of the regional rehabilitation commission.", "The commission met every month."],
    ["The commission reviewed the files of deported Chechen families.", "Most were rehabilitated in 1991."],
]

QUESTIONS = [
    "When did the Supreme Court order Memorial to close?",
    "How many people were shot at Butovo?",
    "Whose files did the regional commission review?",
    "How many victims did Kazakhstan's commission rehabilitate?",
]


def small_corpus(folder: Path) -> Path:
    folder = write_corpus(
        folder,
        {"memorial.md": MEMORIAL, "butovo.html": BUTOVO, "commission-report.pdf": make_pdf(PDF_PAGES)},
    )
    shutil.copy(SEED_CORPUS / "kazakhstan-state-commission.txt", folder)
    return folder


@pytest.fixture(scope="module")
def base(tmp_path_factory, encoder):
    """A built index of a small mixed corpus; tests work on copies of it."""
    root = tmp_path_factory.mktemp("base")
    settings = settings_for(root, small_corpus(root / "corpus"))
    report = build_index(settings, encoder=encoder)
    return settings, report


def clone(base_settings: Settings, root: Path) -> Settings:
    """A private copy of a built index, its corpus and its embedding cache."""
    for name in ("corpus", "index", "cache"):
        shutil.copytree(getattr(base_settings, f"{name}_dir"), root / name)
    return settings_for(root, root / "corpus")


def dense_top(data, encoder, k: int = 3) -> tuple[list[list[str]], np.ndarray]:
    """Chunk ids and scores of a FAISS search for each of QUESTIONS."""
    scores, rows = data.dense.search(encoder.encode(QUESTIONS), k)
    return [[data.chunks[r].id for r in row if r >= 0] for row in rows], scores


def file_texts(data, path: str) -> list[str]:
    """Every text a file's chunks and sentences send to the model."""
    doc_id = next(d.id for d in data.documents.values() if d.path == path)
    chunks = [c for c in data.chunks if c.doc_id == doc_id]
    return [embedded_text(c) for c in chunks] + [s.text for c in chunks for s in c.sentences]


def assert_same_as_rebuild(settings: Settings, root: Path, encoder) -> None:
    """The index equals a full rebuild of the same corpus in a fresh folder with a fresh cache."""
    fresh = settings_for(root / "fresh", settings.corpus_dir)
    build_index(fresh, encoder=encoder)
    a, b = load_index(settings.index_dir), load_index(fresh.index_dir)
    assert [c.id for c in a.chunks] == [c.id for c in b.chunks]
    assert a.chunks == b.chunks and a.documents == b.documents
    for name in ("documents.jsonl", "chunks.jsonl", *(f for f in a.manifest["checksums"] if f.startswith("bm25/"))):
        assert a.manifest["checksums"][name] == b.manifest["checksums"][name], name
    assert a.manifest["files"] == b.manifest["files"] and a.manifest["counts"] == b.manifest["counts"]
    np.testing.assert_allclose(a.sentence_vectors, b.sentence_vectors, atol=1e-5)
    (ids_a, scores_a), (ids_b, scores_b) = dense_top(a, encoder), dense_top(b, encoder)
    assert ids_a == ids_b
    np.testing.assert_allclose(scores_a, scores_b, atol=1e-5)


# --- a fresh build ---------------------------------------------------------------------


def test_build_reports_and_records_what_it_did(base):
    settings, report = base
    data = load_index(settings.index_dir)
    assert report.documents == 4 == len(data.documents)
    assert report.chunks == len(data.chunks) and report.sentences == len(data.sentence_vectors)
    assert report.embedded + report.reused == report.chunks + report.sentences and report.embedded > 0
    m = data.manifest
    assert m["model"]["id"] == "sentence-transformers/all-MiniLM-L6-v2" and m["model"]["dimension"] == 384
    assert set(m["files"]) == {"memorial.md", "butovo.html", "commission-report.pdf", "kazakhstan-state-commission.txt"}
    assert m["index"]["dense"] == "flat" and data.dense.ntotal == len(data.chunks)
    assert (settings.index_dir / CURRENT).read_text().strip() == data.path.name == report.build


def test_every_pdf_html_and_markdown_document_is_searchable(base, encoder):
    data = load_index(base[0].index_dir)
    top, _ = dense_top(data, encoder, k=1)
    by_id = {c.id: c for c in data.chunks}
    expected = ["memorial", "butovo", "commission-report", "kazakhstan-state-commission"]
    assert [by_id[ids[0]].doc_id for ids in top] == expected
    assert "Chechen families" in by_id[top[2][0]].text


def test_vectors_are_unit_length_and_match_their_text(base, encoder):
    data = load_index(base[0].index_dir)
    vectors = data.dense.reconstruct_n(0, data.dense.ntotal)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    np.testing.assert_allclose(np.linalg.norm(data.sentence_vectors, axis=1), 1.0, atol=1e-4)
    assert float(vectors[0] @ encoder.encode([embedded_text(data.chunks[0])])[0]) > 0.999
    row = data.sentence_rows(1)[0]
    assert float(data.sentence_vectors[row] @ encoder.encode([data.chunks[1].sentences[0].text])[0]) > 0.999


def test_reingest_of_unchanged_corpus_embeds_nothing(seed_settings, encoder):
    report = build_index(seed_settings, encoder=encoder)
    assert report.up_to_date and report.embedded == 0
    # every vector of the live build is reused: MiniLM's chunks and sentences, e5's copies and the translations'
    manifest = load_index(seed_settings.index_dir).manifest
    assert report.reused == manifest["counts"]["vectors"] > 2 * (report.chunks + report.sentences) > 0
    assert not index_status(seed_settings, encoder).stale


def test_rebuild_of_unchanged_corpus_reuses_every_vector(tmp_path, base, encoder):
    settings = clone(base[0], tmp_path)
    report = build_index(settings, rebuild=True, encoder=encoder)
    assert not report.up_to_date and report.embedded == 0 and report.reused == report.chunks + report.sentences


def test_hnsw_index_is_built_and_searched(tmp_path, base, encoder):
    settings = clone(base[0], tmp_path).with_overrides(approx_min_vectors=1, hnsw_ef_search=32)
    build_index(settings, rebuild=True, encoder=encoder)
    data = load_index(settings.index_dir)
    assert data.manifest["index"]["dense"] == "hnsw" and data.dense.hnsw.efSearch == 32
    assert dense_top(data, encoder)[0] == dense_top(load_index(base[0].index_dir), encoder)[0]
    assert load_index(settings.index_dir, ef_search=300).dense.hnsw.efSearch == 300  # a search-time setting
    assert (
        Assistant.load(settings.index_dir, settings.with_overrides(hnsw_ef_search=77)).index.dense.hnsw.efSearch == 77
    )


# --- stage hooks and the query path's imports -------------------------------------------


def test_a_timing_hook_sees_every_stage_of_a_build_in_order(tmp_path, base, encoder):
    settings = settings_for(tmp_path, base[0].corpus_dir)  # an empty cache, so the encoder runs
    seen = []
    report = build_index(settings, encoder=encoder, hook=timing_hook(lambda stage, s: seen.append((stage, s))))
    stages = [stage for stage, _ in seen]
    assert stages == [
        "embed",  # the chunks
        "embed",  # their sentences
        *("documents", "chunks", "sentences", "dense", "bm25", "manifest", "fsync", "pointer"),
    ]  # as assistant/hooks.py lists them
    assert all(seconds >= 0 for _, seconds in seen) and report.embedded > 0
    assert load_index(settings.index_dir).path.name == report.build


def failing_at(stage: str, exc: BaseException):
    """A hook that raises exc when `stage` starts, as a full disk (or a fault script) would."""

    @contextmanager
    def hook(name: str):
        if name == stage:
            raise exc
        yield

    return hook


@pytest.mark.parametrize("stage", ["dense", "pointer"])
def test_a_failure_inside_a_stage_keeps_the_previous_index(tmp_path, base, encoder, stage):
    settings = clone(base[0], tmp_path)
    before = load_index(settings.index_dir)
    files = sorted(p.relative_to(settings.index_dir) for p in settings.index_dir.rglob("*"))
    full = failing_at(stage, OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(AssistantError, match="Ran out of disk space .*the previous index is unchanged"):
        build_index(settings, rebuild=True, encoder=encoder, hook=full)
    assert sorted(p.relative_to(settings.index_dir) for p in settings.index_dir.rglob("*")) == files
    after = load_index(settings.index_dir)
    assert after.path == before.path and after.chunks == before.chunks
    with pytest.raises(KeyboardInterrupt):  # Ctrl-C in a stage: the same clean-up, then it propagates
        build_index(settings, rebuild=True, encoder=encoder, hook=failing_at(stage, KeyboardInterrupt()))
    assert sorted(p.relative_to(settings.index_dir) for p in settings.index_dir.rglob("*")) == files


def test_loading_an_index_imports_neither_the_builder_nor_the_writer(seed_settings):
    code = (
        "import json, sys; from pathlib import Path; from assistant.index.read import load_index; "
        f"load_index(Path({str(seed_settings.index_dir)!r})); "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('assistant'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    loaded = json.loads(result.stdout)
    assert "assistant.index.read" in loaded
    assert not {"assistant.index.build", "assistant.index.write", "assistant.index.status"} & set(loaded)
    assert "assistant.chunking" not in loaded and "assistant.embedding" not in loaded


# --- incremental ingest ----------------------------------------------------------------


def test_adding_a_file_embeds_only_that_file(tmp_path, base, encoder):
    settings = clone(base[0], tmp_path)
    before = load_index(settings.index_dir)
    (settings.corpus_dir / "perm-36.txt").write_text(
        "= Perm-36 =\nPerm-36 was a labour camp for political prisoners in the Perm region.\n"
        "It became a museum of the history of political repression in 1994.\n",
        encoding="utf-8",
    )
    report = build_index(settings, encoder=encoder)
    after = load_index(settings.index_dir)
    new = file_texts(after, "perm-36.txt")
    assert report.embedded == len(new) > 0
    assert report.reused == report.chunks + report.sentences - len(new)
    assert [c for c in after.chunks if c.doc_id != "perm-36"] == before.chunks
    assert_same_as_rebuild(settings, tmp_path, encoder)


def test_changing_a_file_embeds_only_its_new_text(tmp_path, base, encoder):
    settings = clone(base[0], tmp_path)
    before = load_index(settings.index_dir)
    path = settings.corpus_dir / "memorial.md"
    path.write_text(MEMORIAL.replace("in December 2021", "on 28 December 2021"), encoding="utf-8")
    report = build_index(settings, encoder=encoder)
    after = load_index(settings.index_dir)
    known = set(file_texts(before, "memorial.md")) | {t for p in ("butovo.html",) for t in file_texts(before, p)}
    known |= {embedded_text(c) for c in before.chunks} | {s.text for c in before.chunks for s in c.sentences}
    new = [t for t in file_texts(after, "memorial.md") if t not in known]
    assert report.embedded == len(new) == 2  # the changed chunk and the changed sentence
    assert [c for c in after.chunks if c.doc_id != "memorial"] == [c for c in before.chunks if c.doc_id != "memorial"]
    assert any("28 December 2021" in c.text for c in after.chunks)
    assert_same_as_rebuild(settings, tmp_path, encoder)


def test_deleting_a_file_embeds_nothing(tmp_path, base, encoder):
    settings = clone(base[0], tmp_path)
    before = load_index(settings.index_dir)
    (settings.corpus_dir / "butovo.html").unlink()
    report = build_index(settings, encoder=encoder)
    after = load_index(settings.index_dir)
    assert report.embedded == 0 and report.documents == 3
    assert after.chunks == [c for c in before.chunks if c.doc_id != "butovo"]
    assert "butovo.html" not in after.manifest["files"]
    assert_same_as_rebuild(settings, tmp_path, encoder)


# --- staleness -------------------------------------------------------------------------


@pytest.mark.parametrize("change", ["edit", "add", "remove", "metadata"])
def test_corpus_changes_make_the_index_stale(tmp_path, base, encoder, change):
    settings = clone(base[0], tmp_path)
    assert not index_status(settings, encoder).stale
    corpus = settings.corpus_dir
    changed = {
        "edit": lambda: (corpus / "memorial.md").write_text(MEMORIAL + "\nOne more line.\n", encoding="utf-8"),
        "add": lambda: (corpus / "new.txt").write_text("A new source.", encoding="utf-8"),
        "remove": lambda: (corpus / "butovo.html").unlink(),
        "metadata": lambda: (corpus / "sources.toml").write_text(
            '["memorial.md"]\ntitle = "Memorial"\n', encoding="utf-8"
        ),
    }
    changed[change]()
    status = index_status(settings, encoder)
    expected = {"edit": "memorial.md", "add": "new.txt", "remove": "butovo.html", "metadata": "sources.toml"}[change]
    assert status.exists and status.stale and status.changed == (expected,)
    build_index(settings, encoder=encoder)
    assert not index_status(settings, encoder).stale


def test_settings_changes_make_the_index_stale(tmp_path, base, encoder):
    settings = clone(base[0], tmp_path)
    assert index_status(settings.with_overrides(chunk_tokens=64), encoder).reason == "chunker settings changed"
    assert index_status(settings.with_overrides(chunk_overlap=0), encoder).stale
    other = index_status(settings.with_overrides(model="some-other-model"))
    assert other.stale and "built with model sentence-transformers/all-MiniLM-L6-v2" in other.reason
    missing = index_status(settings.with_overrides(index_dir=tmp_path / "none"), encoder)
    assert not missing.exists and missing.stale


def test_changing_the_ingest_encoder_makes_the_index_stale(tmp_path, base, encoder, monkeypatch, capsys):
    """Built with "onnx-int8"; settings that ask for "onnx" find it stale, `assistant info` names the fix, ingest makes it fresh."""
    from assistant.cli import main

    settings = clone(base[0], tmp_path)
    assert load_index(settings.index_dir).manifest["model"]["ingest_encoder"] == "onnx-int8" == encoder.backend
    assert not index_status(settings, encoder).stale
    fp32 = settings.with_overrides(ingest_encoder="onnx")
    status = index_status(fp32)
    assert status.exists and status.stale and status.changed == ()
    assert status.reason == "embedded with the onnx-int8 encoder, settings ask for onnx"

    for name in ("ASSISTANT_CONFIG", "ASSISTANT_MODEL", "ASSISTANT_CORPUS_DIR", "ASSISTANT_INDEX_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(settings.cache_dir))
    monkeypatch.setenv("ASSISTANT_INGEST_ENCODER", "onnx")
    monkeypatch.setenv("ASSISTANT_MULTILINGUAL_MODEL", "")  # as the index was built
    assert main(["info", "--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]) == 0
    out = capsys.readouterr().out
    assert "status     STALE: embedded with the onnx-int8 encoder, settings ask for onnx" in out
    assert "run `assistant ingest` to update it." in out

    report = build_index(fp32)  # what `assistant ingest` does with these settings: no --rebuild needed
    assert not report.up_to_date and report.reused == 0 and report.embedded == report.chunks + report.sentences
    assert load_index(settings.index_dir).manifest["model"]["ingest_encoder"] == "onnx"
    assert not index_status(fp32).stale
    assert index_status(settings, encoder).reason == "embedded with the onnx encoder, settings ask for onnx-int8"


def test_model_mismatch_is_refused(base):
    with pytest.raises(
        ModelMismatchError, match="built with model sentence-transformers/all-MiniLM-L6-v2.*assistant ingest"
    ):
        load_index(base[0].index_dir, model_id="other")
    assert load_index(base[0].index_dir, model_id="sentence-transformers/all-MiniLM-L6-v2").chunks


# --- damage ----------------------------------------------------------------------------


@pytest.fixture
def damaged(request, tmp_path, seed_settings):
    """A copy of the seed index with one kind of damage."""
    index = tmp_path / "index"
    shutil.copytree(seed_settings.index_dir, index)
    build, _ = read_manifest(index)
    DAMAGE[request.param](build, index)
    return index


@pytest.mark.parametrize("damaged", list(DAMAGE), indirect=True)
def test_damaged_index_is_refused_with_the_fix(damaged):
    with pytest.raises((IndexDamagedError, IndexMissingError)) as caught:
        load_index(damaged)
    assert "assistant ingest" in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "damaged", ["bit-flipped chunks.jsonl", "manifest without model", "CURRENT names nothing"], indirect=True
)
def test_ingest_repairs_a_damaged_index(damaged, seed_settings, tmp_path, encoder):
    settings = seed_settings.with_overrides(index_dir=damaged, cache_dir=tmp_path / "cache")
    shutil.copytree(seed_settings.cache_dir, tmp_path / "cache")
    report = build_index(settings, encoder=encoder)  # no --rebuild needed
    assert report.embedded == 0 and not report.up_to_date
    assert load_index(damaged).manifest["counts"] == load_index(seed_settings.index_dir).manifest["counts"]


def test_missing_index_folder_names_the_fix(tmp_path):
    with pytest.raises(IndexMissingError, match="run `assistant ingest` to build it"):
        load_index(tmp_path / "no-index")


# --- locking, bad corpora ----------------------------------------------------------------


def test_second_ingest_is_refused_while_one_runs(tmp_path, base, encoder):
    settings = clone(base[0], tmp_path)
    with ingest_lock(settings.index_dir):
        with pytest.raises(IndexLockedError, match="Another ingest is writing"):
            build_index(settings, rebuild=True, encoder=encoder)
        with pytest.raises(IndexLockedError):
            with ingest_lock(settings.index_dir):
                pass
    assert build_index(settings, rebuild=True, encoder=encoder).embedded == 0  # released


def test_an_ingest_that_waits_finds_the_build_it_waited_for(tmp_path, base, encoder, capsys):
    """Two servers started together on one stale index (`python app.py` waits): the second waits for the first's
    build and builds nothing itself."""
    settings = clone(base[0], tmp_path)
    (settings.corpus_dir / "new.txt").write_text("A new source on the Karlag camp.", encoding="utf-8")
    writing, go = threading.Event(), threading.Event()

    @contextmanager
    def held_at_pointer(stage: str):
        if stage == "pointer":  # the first build holds the folder's lock until the test lets it finish
            writing.set()
            go.wait(60)
        yield

    reports: dict[str, object] = {}
    first = threading.Thread(
        target=lambda: reports.update(first=build_index(settings, encoder=encoder, hook=held_at_pointer))
    )
    first.start()
    assert writing.wait(60)
    second = threading.Thread(
        target=lambda: reports.update(second=build_index(settings, encoder=encoder, wait=True, progress=True))
    )
    second.start()
    second.join(0.5)
    assert second.is_alive() and "second" not in reports  # waiting its turn, not refused
    go.set()
    first.join(60)
    second.join(60)
    assert not reports["first"].up_to_date and reports["second"].up_to_date  # built once
    assert "waiting for it to finish" in capsys.readouterr().out
    assert not index_status(settings, encoder).stale


def test_bad_files_are_skipped_and_recorded(tmp_path, encoder):
    corpus = write_corpus(
        tmp_path / "corpus",
        {
            "good.md": "# Good\n\nA readable source about the Thaw.\n",
            "empty.txt": b"",
            "binary.txt": bytes(range(256)) * 8,
            "slides.pptx": b"PK\x03\x04",
            "ru.txt": "Реабилитация жертв политических репрессий.\n".encode("cp1251"),
        },
    )
    settings = settings_for(tmp_path, corpus)
    report = build_index(settings, encoder=encoder)
    assert report.documents == 2
    reasons = {s.path: s.reason for s in report.skipped}
    assert set(reasons) == {"empty.txt", "binary.txt", "slides.pptx"}
    assert (
        "empty" in reasons["empty.txt"]
        and "binary" in reasons["binary.txt"]
        and "unsupported" in reasons["slides.pptx"]
    )
    data = load_index(settings.index_dir)
    assert [Skipped(**s) for s in data.manifest["skipped"]] == report.skipped
    assert data.documents["ru"].text == "Реабилитация жертв политических репрессий.\n"
    again = build_index(settings, encoder=encoder)
    assert again.up_to_date and again.skipped == report.skipped


def test_corpus_with_nothing_readable_names_the_fix(tmp_path, encoder):
    corpus = write_corpus(tmp_path / "corpus", {"empty.txt": b"", "binary.txt": b"\x00\x01" * 50})
    with pytest.raises(
        CorpusError, match=r"No readable documents in .*\(2 file\(s\) skipped\); add .txt, .md, .html or .pdf"
    ):
        build_index(settings_for(tmp_path, corpus), encoder=encoder)
    (tmp_path / "nothing").mkdir()
    with pytest.raises(CorpusError, match="No readable documents"):
        build_index(settings_for(tmp_path, tmp_path / "nothing"), encoder=encoder)


def test_missing_corpus_names_the_fix_and_keeps_the_old_index(tmp_path, base, encoder):
    settings = clone(base[0], tmp_path)
    shutil.rmtree(settings.corpus_dir)
    assert index_status(settings, encoder).stale
    with pytest.raises(CorpusError, match="does not exist; create it"):
        build_index(settings, encoder=encoder)
    assert len(load_index(settings.index_dir).documents) == 4
