"""Shared fixtures: one real model per session and one seed-corpus index built into a temp folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import DEFAULT_MODEL, Settings, set_offline_environment

set_offline_environment()  # before any library that might reach for the network is imported

ROOT = Path(__file__).parents[1]
SEED_CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def encoder():
    """The real default ingest encoder (all-MiniLM-L6-v2 from its package, ONNX int8), loaded once."""
    from assistant.embedding import Encoder

    return Encoder.for_ingest(Settings(model=DEFAULT_MODEL))


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory, encoder) -> Settings:
    """Settings whose index_dir holds an index of the seed corpus, built once per session."""
    from assistant.index.build import build_index

    root = tmp_path_factory.mktemp("seed")
    settings = Settings(corpus_dir=SEED_CORPUS, index_dir=root / "index", cache_dir=root / "cache")
    build_index(settings, encoder=encoder)
    return settings


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    """Keep in-process CLI runs away from the repository's own config, cache and index."""
    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(tmp_path / "cli-cache"))
    monkeypatch.delenv("ASSISTANT_CONFIG", raising=False)
    for name in ("ASSISTANT_CORPUS_DIR", "ASSISTANT_INDEX_DIR", "ASSISTANT_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path
