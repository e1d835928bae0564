"""The onnxruntime encoder against the real packaged model: same vectors as torch, cached export, no torch at run time."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.embedding import Encoder
from assistant.errors import AssistantError, ModelLoadError
from assistant.onnx_encoder import OnnxEncoder, export_folder

MODEL = "all-MiniLM-L6-v2"
REPO = Path(__file__).resolve().parent.parent
LONG = " ".join(
    ["In 1956 the commission reviewed the case files of the repressed and restored their good names."] * 16
)  # about 300 word pieces: cut at max_seq_length, like torch does
TEXTS = [
    "Trotsky",
    "When did Russia rehabilitate Leon Trotsky?",
    "The Khrushchev thaw brought mass rehabilitations of victims of Stalin's repressions.",
    "  Kazakhstan set up a state commission on the full rehabilitation of victims of political repression.  ",
    LONG,
]


@pytest.fixture(scope="session")
def torch_vectors() -> np.ndarray:
    return Encoder(MODEL, backend="torch").encode(TEXTS)


@pytest.fixture(scope="session")
def export_dir(tmp_path_factory) -> Path:
    """A cache holding a complete export (fp32 and int8), made once for the session; tests copy it."""
    cache = tmp_path_factory.mktemp("onnx-cache")
    encoder = Encoder(MODEL, backend="onnx-int8", onnx_dir=cache)
    OnnxEncoder.for_model(encoder, quantized=True)
    return cache


@pytest.fixture
def own_cache(export_dir, tmp_path) -> Path:
    """A private copy of the session's export, free to damage."""
    return Path(shutil.copytree(export_dir, tmp_path / "cache"))


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1)


def test_long_text_is_past_max_seq_length():
    assert Encoder(MODEL).count_tokens(LONG) > 250


def test_fp32_vectors_match_torch(export_dir, torch_vectors):
    vectors = Encoder(MODEL, backend="onnx", onnx_dir=export_dir).encode(TEXTS)
    assert vectors.dtype == np.float32 and vectors.shape == torch_vectors.shape
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert cosines(vectors, torch_vectors).min() > 0.9999


def test_int8_vectors_are_close_to_torch(export_dir, torch_vectors):
    vectors = Encoder(MODEL, backend="onnx-int8", onnx_dir=export_dir).encode(TEXTS)
    assert vectors.dtype == np.float32 and vectors.shape == torch_vectors.shape
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert cosines(vectors, torch_vectors).min() > 0.98


def test_an_int8_vector_does_not_depend_on_the_texts_batched_with_it(export_dir):
    encoder = Encoder(MODEL, batch_size=16, backend="onnx-int8", onnx_dir=export_dir)
    together = encoder.encode(TEXTS)
    alone = np.stack([encoder.encode([text])[0] for text in TEXTS])
    np.testing.assert_allclose(together, alone, atol=1e-6)  # so a cached vector equals a fresh one


def test_the_bulk_encoder_runs_one_text_per_core_and_matches_the_query_encoder(export_dir):
    texts = [f"{i}. {text}" for i, text in enumerate(TEXTS * 4)]
    bulk = Encoder(MODEL, backend="onnx-int8", onnx_dir=export_dir, bulk=True)
    single = Encoder(MODEL, backend="onnx-int8", onnx_dir=export_dir)
    assert bulk._onnx.workers == (os.cpu_count() or 1) and single._onnx.workers == 1
    np.testing.assert_allclose(bulk.encode(texts), single.encode(texts), atol=1e-5)  # same vectors, same order


def test_batching_keeps_input_order(export_dir):
    onnx = OnnxEncoder.for_model(Encoder(MODEL, onnx_dir=export_dir))
    texts = [TEXTS[4], TEXTS[0], TEXTS[2], TEXTS[0], TEXTS[1], TEXTS[3]]  # mixed lengths, one repeated
    batched = onnx.encode(texts, batch_size=2, progress=True)
    one_by_one = np.concatenate([onnx.encode([t]) for t in texts])
    np.testing.assert_allclose(batched, one_by_one, atol=1e-5)
    assert onnx.encode([]).shape == (0, 384)


def test_export_is_cached_and_reused(own_cache):
    encoder = Encoder(MODEL, backend="onnx", onnx_dir=own_cache)
    folder = export_folder(encoder)
    assert {p.name for p in folder.iterdir()} >= {"model.onnx", "model-int8.onnx", "tokenizer.json", "export.json"}
    stamps = {p.name: p.stat().st_mtime_ns for p in folder.glob("model*.onnx")}
    OnnxEncoder.for_model(encoder)
    OnnxEncoder.for_model(encoder, quantized=True)
    assert {p.name: p.stat().st_mtime_ns for p in folder.glob("model*.onnx")} == stamps
    assert "model" not in encoder.__dict__  # the SentenceTransformer was never loaded


def test_export_key_follows_the_weights(tmp_path):
    model_dir = Path(shutil.copytree(Encoder(MODEL).path, tmp_path / "model"))
    encoder = Encoder(str(model_dir), onnx_dir=tmp_path)
    before = export_folder(encoder)
    os.utime(model_dir / "model.safetensors", ns=(1, 1))
    assert export_folder(encoder) != before
    assert before.parent == tmp_path


@pytest.mark.slow
def test_corrupted_fp32_export_is_detected_and_redone(own_cache, torch_vectors):
    encoder = Encoder(MODEL, backend="onnx", onnx_dir=own_cache)
    model = export_folder(encoder) / "model.onnx"
    data = bytearray(model.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte in the weights still loads; only the checksum sees it
    model.write_bytes(bytes(data))
    vectors = encoder.encode(TEXTS)
    assert model.read_bytes() != bytes(data)
    assert cosines(vectors, torch_vectors).min() > 0.9999


def test_truncated_int8_export_is_requantised_without_torch_model(own_cache, torch_vectors):
    encoder = Encoder(MODEL, backend="onnx-int8", onnx_dir=own_cache)
    quantized = export_folder(encoder) / "model-int8.onnx"
    quantized.write_bytes(quantized.read_bytes()[:1000])
    vectors = encoder.encode(TEXTS)
    assert quantized.stat().st_size > 1_000_000
    assert cosines(vectors, torch_vectors).min() > 0.98
    assert "model" not in encoder.__dict__  # int8 is remade from the good fp32 export, not from torch


def test_failed_export_leaves_no_file_and_names_the_fix(tmp_path, monkeypatch):
    import torch

    def killed(*args, **kwargs):
        Path(args[2]).write_bytes(b"half an onnx file")
        raise RuntimeError("export interrupted")

    monkeypatch.setattr(torch.onnx, "export", killed)
    encoder = Encoder(MODEL, backend="onnx", onnx_dir=tmp_path)
    with pytest.raises(ModelLoadError, match='encoder = "torch"'):
        encoder.encode(["anything"])
    folder = export_folder(encoder)
    assert not (folder / "model.onnx").exists() and not list(folder.glob(".tmp-*"))


def test_missing_onnxruntime_names_the_fix(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # makes `import onnxruntime` fail
    with pytest.raises(ModelLoadError, match='encoder = "torch"'):
        OnnxEncoder.for_model(Encoder(MODEL, onnx_dir=tmp_path))


@pytest.mark.slow
def test_encoding_with_an_existing_export_never_imports_torch(export_dir, torch_vectors):
    code = (
        "import json, sys; from pathlib import Path; from assistant.embedding import Encoder; "
        f"v = Encoder({MODEL!r}, backend='onnx', onnx_dir=Path(sys.argv[1])).encode(json.loads(sys.argv[2])); "
        "print(json.dumps({'vectors': v.tolist(), 'imported': "
        "[m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules]}))"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO)}
    run = subprocess.run(
        [sys.executable, "-c", code, str(export_dir), json.dumps(TEXTS)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=export_dir,
    )
    result = json.loads(run.stdout)
    assert result["imported"] == []
    assert cosines(np.array(result["vectors"], dtype=np.float32), torch_vectors).min() > 0.9999


@pytest.mark.slow
def test_answering_with_default_settings_loads_no_torch_and_no_splitter(seed_settings):
    """The default query path (ONNX int8) answers without torch, transformers or the ingest-only text splitter, nor
    the numba and scipy that bm25s would import for backends it does not use (assistant/index/lexical.py)."""
    code = (
        "import json, sys; from assistant import Assistant; from assistant.config import Settings; "
        "a = Assistant.load(sys.argv[1], Settings(index_dir=sys.argv[1])); "
        "ans = a.ask('When did Russia rehabilitate Leon Trotsky?', []); "
        "print(json.dumps({'text': ans.text, 'encoder': a.encoder.backend, 'imported': [m for m in "
        "('torch', 'sentence_transformers', 'transformers', 'langchain_text_splitters', 'numba', 'scipy') "
        "if m in sys.modules]}))"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO)}
    env = {k: v for k, v in env.items() if not k.startswith("ASSISTANT_")}
    run = subprocess.run(
        [sys.executable, "-c", code, str(seed_settings.index_dir)], capture_output=True, text=True, env=env, cwd=REPO
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["encoder"] == "onnx-int8"
    assert result["imported"] == []
    assert "2001" in result["text"]


def test_an_unknown_backend_is_refused_by_name():
    with pytest.raises(AssistantError, match="onnx-foo"):
        Encoder(MODEL, backend="onnx-foo")
