"""Encoding with onnxruntime: the model's transformer is exported once, then run with no torch at all.

The export (which needs torch and the SentenceTransformer) is cached per model and weights under
`<onnx_dir>/<key>/` (machine-wide by default, see `Settings.onnx_dir`): `model.onnx`,
`model-int8.onnx`, each with a `.sha256` beside it, plus the `tokenizer.json` and `export.json` that
later runs need. Later runs read only those files, so a cold start
imports neither torch nor sentence-transformers. Left out: models whose pooling is not mean pooling
(they raise `ModelLoadError`; use the torch backend for them).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from .config import default_onnx_dir
from .errors import ModelLoadError
from .exports import mark_used, prune_unused
from .files import atomic_path, file_lock, sha256_file, write_atomic

FORMAT = 1  # bump when the export changes; old exports then sit under another key and are ignored
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
FINGERPRINTED = ("*.safetensors", "*.bin", "config.json", "tokenizer.json", "sentence_bert_config.json")
USE_TORCH = 'set encoder = "torch" (and ingest_encoder = "torch") in assistant.toml, or ASSISTANT_ENCODER=torch'


class OnnxEncoder:
    """Unit vectors from an onnxruntime session over the exported transformer, mean-pooled like the original."""

    def __init__(self, session, tokenizer, meta: dict, quantized: bool = False, workers: int = 1):
        self.session = session
        self.workers = workers  # runs of the session at once, from a thread pool (onnxruntime releases the GIL)
        # Dynamic int8 picks its activation scale per run, so a text's vector would depend on the texts batched
        # with it (and the embedding cache could not promise that a cached vector equals a fresh one). One text
        # per run keeps each vector a function of its text alone; measured ~10% slower than batches of 16.
        self.one_text_per_run = quantized
        self.tokenizer = tokenizer  # a `tokenizers.Tokenizer`, truncating at max_seq_length, never padding
        self.meta = meta
        self.dimension = int(meta["dimension"])
        self.input_names = [i.name for i in session.get_inputs()]

    @classmethod
    def for_model(
        cls, encoder, quantized: bool = False, threads: int | None = None, spin: bool = False, workers: int = 1
    ) -> OnnxEncoder:
        """The ONNX encoder for an `Encoder`'s model, exporting (once) if no valid cached export exists.

        threads and spin tune onnxruntime's intra-op pool; the defaults measured best for single queries.
        For many texts (ingest), one thread per run and one run per core (workers) measured faster.
        """
        ort = import_onnxruntime()
        folder = export_folder(encoder)
        name = "model-int8.onnx" if quantized else "model.onnx"
        options = session_options(ort, threads, spin)
        loaded = _load_checked(ort, folder, name, options)
        if loaded is None:
            with export_lock(folder):
                loaded = _load_checked(ort, folder, name, options)  # another process may have just made it
                if loaded is None:
                    _export(encoder, folder, quantized)
                    loaded = _load_checked(ort, folder, name, options, raise_errors=True)
                    prune_unused(folder)  # the exports of earlier installs that nothing loads any more
        mark_used(folder)
        session, meta = loaded
        return cls(session, _tokenizer(folder / "tokenizer.json", meta), meta, quantized, workers)

    def encode(self, texts: list[str], batch_size: int = 16, progress: bool = False) -> np.ndarray:
        """Float32 unit vectors shaped (len(texts), dimension), in the order of texts."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        batch_size = 1 if self.one_text_per_run else batch_size
        encodings = self.tokenizer.encode_batch([self._prepare(t) for t in texts])
        # Longest first, so each batch pads little and the slowest batch shows up early in the progress bar.
        order = np.argsort([-len(e.ids) for e in encodings], kind="stable")
        batches = [order[start : start + batch_size] for start in range(0, len(texts), batch_size)]

        def embed(rows) -> int:
            out[rows] = self._embed_batch([encodings[i] for i in rows])
            return len(rows)

        bar = _progress_bar(len(texts)) if progress else None

        def run_all(mapper) -> None:
            for done in mapper(embed, batches):
                if bar is not None:
                    bar.update(done)

        if min(self.workers, len(batches)) > 1:
            with ThreadPoolExecutor(self.workers) as pool:
                run_all(pool.map)
        else:
            run_all(map)
        if bar is not None:
            bar.close()
        return out

    def _prepare(self, text: str) -> str:
        # sentence-transformers strips, and lowercases when the model asks for it
        text = str(text).strip()
        return text.lower() if self.meta.get("do_lower_case") else text

    def _embed_batch(self, encodings) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        arrays = {name: np.zeros((len(encodings), width), dtype=np.int64) for name in INPUT_NAMES}
        arrays["input_ids"].fill(int(self.meta["pad_id"]))
        for row, enc in enumerate(encodings):
            n = len(enc.ids)
            arrays["input_ids"][row, :n] = enc.ids
            arrays["attention_mask"][row, :n] = 1
            arrays["token_type_ids"][row, :n] = enc.type_ids
        (hidden,) = self.session.run(["last_hidden_state"], {k: arrays[k] for k in self.input_names})
        return mean_pool_normalised(hidden, arrays["attention_mask"])


def mean_pool_normalised(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean of token vectors over the attention mask, scaled to unit length (as sentence-transformers does)."""
    weights = mask[:, :, None].astype(np.float32)
    summed = (hidden * weights).sum(axis=1)
    pooled = summed / np.maximum(weights.sum(axis=1), 1e-9)
    norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
    return (pooled / norms).astype(np.float32, copy=False)


def export_folder(encoder) -> Path:
    """Where this model's export lives: keyed by model id and a fingerprint of its weight files."""
    root = Path(encoder.onnx_dir or default_onnx_dir())
    fingerprint = json.dumps([FORMAT, encoder.model_id, _weights_fingerprint(encoder.path)])
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", encoder.model_id).strip("-")[:60]
    return root / f"{slug}-{hashlib.sha256(fingerprint.encode()).hexdigest()[:12]}"


def _weights_fingerprint(path: Path | None) -> list:
    """Name, size and mtime of the files that decide the model's output; cheap, so it runs every start."""
    if path is None:  # a hub name resolved by sentence-transformers: all we know is the name
        return []
    files = sorted({f for pattern in FINGERPRINTED for f in path.glob(pattern) if f.is_file()})
    return [(f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files]


def import_onnxruntime():
    try:
        import onnxruntime
    except ImportError:
        raise ModelLoadError(f"The ONNX encoder needs onnxruntime; pip install onnxruntime, or {USE_TORCH}.") from None
    return onnxruntime


def session_options(ort, threads: int | None, spin: bool):
    options = ort.SessionOptions()
    # All cores without spin-waiting gave the fastest single queries on a busy 2-core machine; spinning
    # workers fight the other threads for the cores (see evals/rehab_probes/encoder_speed.py).
    options.intra_op_num_threads = threads or os.cpu_count() or 2
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # errors only: the optimiser's notices are not for users
    return options


def _load_checked(ort, folder: Path, name: str, options, raise_errors: bool = False):
    """(session, meta) when the export is complete, matches its checksum and loads; else None (or raise)."""
    try:
        meta = json.loads((folder / "export.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT or not (folder / "tokenizer.json").is_file():
            raise ValueError("incomplete or old export")
        data = (folder / name).read_bytes()
        if hashlib.sha256(data).hexdigest() != (folder / f"{name}.sha256").read_text().strip():
            raise ValueError(f"{name} does not match its checksum")
        session = ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])
        if "last_hidden_state" not in [o.name for o in session.get_outputs()]:
            raise ValueError(f"{name} has no last_hidden_state output")
        return session, meta
    except Exception as exc:  # missing, truncated, altered, or unreadable by this onnxruntime: re-export
        if raise_errors:
            raise ModelLoadError(
                f"The ONNX export in {folder} cannot be loaded ({type(exc).__name__}: {exc}); delete that folder, or {USE_TORCH}."
            ) from None
        return None


@contextlib.contextmanager
def export_lock(folder: Path):
    """Hold an exclusive lock on the export folder so two processes never export into it at once."""
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(file_lock(folder / ".lock"))
        except OSError as exc:
            raise ModelLoadError(
                f"Cannot write the ONNX export to {folder} ({exc.strerror or exc}); set onnx_dir (ASSISTANT_ONNX_DIR) "
                f"to a writable folder, or {USE_TORCH}."
            ) from None
        yield


def _export(encoder, folder: Path, quantized: bool) -> None:
    """Write whatever of the export is missing or damaged; the caller holds the folder lock."""
    for stale in folder.glob(".tmp-*"):  # left by a killed export; nobody else writes here under the lock
        stale.unlink(missing_ok=True)
    ort = import_onnxruntime()
    print(f"Exporting the embedding model to ONNX in {folder} (once per model install, under a minute)...", file=sys.stderr)
    try:
        if _load_checked(ort, folder, "model.onnx", session_options(ort, 1, False)) is None:
            _export_fp32(encoder, folder)
        if quantized:
            _quantize(folder)
    except ModelLoadError:
        raise
    except Exception as exc:
        raise ModelLoadError(
            f"Could not export '{encoder.name}' to ONNX ({type(exc).__name__}: {exc}); {USE_TORCH}."
        ) from None


def _export_fp32(encoder, folder: Path) -> None:
    """Trace the SentenceTransformer's transformer to model.onnx, with its tokenizer and settings beside it."""
    try:
        import onnx  # noqa: F401  (torch.onnx.export needs it)
        import torch
    except ImportError as exc:
        raise ModelLoadError(
            f"Exporting the model to ONNX needs {exc.name}; pip install onnx torch, or {USE_TORCH}."
        ) from None
    model = encoder.model
    meta = _describe(encoder, model)
    (folder / "export.json").unlink(missing_ok=True)  # written last: its presence marks a complete export
    _save_tokenizer(encoder, model, folder)
    inputs = model.tokenizer(["a short text", "a somewhat longer text, padded"], padding=True, return_tensors="pt")
    names = [n for n in INPUT_NAMES if n in inputs]
    if names[:2] != ["input_ids", "attention_mask"]:
        raise ModelLoadError(
            f"'{encoder.name}' takes inputs {list(inputs)}, which the ONNX encoder cannot feed; {USE_TORCH}."
        )
    with atomic_path(folder / "model.onnx") as tmp, torch.no_grad(), quiet():
        torch.onnx.export(
            _keyword_module(model[0].auto_model, names),
            tuple(inputs[n] for n in names),
            str(tmp),
            dynamo=False,  # the TorchScript exporter handles BertModel with dynamic batch and length
            opset_version=17,
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "sequence"} for n in [*names, "last_hidden_state"]},
        )
    write_checksum(folder / "model.onnx")
    write_atomic(folder / "export.json", json.dumps(meta, indent=1).encode())


def _describe(encoder, model) -> dict:
    """What the run time needs to know without loading the model; refuses pooling it does not reproduce."""
    modules = [type(m).__name__ for m in model]
    pooling = model[1].get_config_dict() if len(model) > 1 and modules[1] == "Pooling" else {}
    mean_only = pooling.get("pooling_mode") == "mean" or pooling.get("pooling_mode_mean_tokens")
    if modules[0] != "Transformer" or not mean_only or not set(modules[2:]) <= {"Normalize"}:
        raise ModelLoadError(
            f"The ONNX encoder reproduces only Transformer + mean pooling; '{encoder.name}' has {modules}; {USE_TORCH}."
        )
    tokenizer = model.tokenizer
    return {
        "format": FORMAT,
        "model_id": encoder.model_id,
        "max_seq_length": int(model.max_seq_length),
        "dimension": int(getattr(model, "get_embedding_dimension", model.get_sentence_embedding_dimension)()),
        "do_lower_case": bool(getattr(model[0], "do_lower_case", False)),
        "pad_id": int(tokenizer.pad_token_id or 0),
    }


def _save_tokenizer(encoder, model, folder: Path) -> None:
    source = encoder.path / "tokenizer.json" if encoder.path else None
    if source is not None and source.is_file():
        write_atomic(folder / "tokenizer.json", source.read_bytes())
        return
    backend = getattr(model.tokenizer, "backend_tokenizer", None)
    if backend is None:
        raise ModelLoadError(
            f"'{encoder.name}' has no fast tokenizer (tokenizer.json) to run without torch; {USE_TORCH}."
        )
    write_atomic(folder / "tokenizer.json", backend.to_str().encode())


def _quantize(folder: Path) -> None:
    """Dynamic int8 quantisation of model.onnx's weights, per channel, into model-int8.onnx."""
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        raise ModelLoadError(
            f'int8 quantisation needs {exc.name}; pip install onnx, or set encoder = "onnx".'
        ) from None
    with atomic_path(folder / "model-int8.onnx") as tmp, quiet():
        quantize_dynamic(folder / "model.onnx", tmp, per_channel=True, weight_type=QuantType.QInt8)
    write_checksum(folder / "model-int8.onnx")


def _keyword_module(model, names: list[str]):
    """A module calling the transformer by keyword (transformers 5 changed the positional order), returning hidden states."""
    import torch

    class KeywordCall(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, *tensors):
            return self.model(**dict(zip(names, tensors, strict=True))).last_hidden_state

    return KeywordCall().eval()


@contextlib.contextmanager
def quiet():
    """Silence the exporter's tracer warnings and the quantiser's advice, which are for library authors."""
    root = logging.getLogger()
    sink = logging.NullHandler()  # also stops the quantiser's logging.warning() from configuring the root logger
    root.addHandler(sink)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        root.removeHandler(sink)


def _tokenizer(path: Path, meta: dict):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.enable_truncation(max_length=int(meta["max_seq_length"]))  # counts [CLS]/[SEP], like the model
    tokenizer.no_padding()  # batches are padded in encode, after sorting by length
    return tokenizer


def _progress_bar(total: int):
    from tqdm import tqdm

    return tqdm(total=total, desc="Embedding", unit="text")


def write_checksum(path: Path) -> None:
    write_atomic(path.with_name(path.name + ".sha256"), f"{sha256_file(path)}\n")
