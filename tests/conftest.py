"""Shared fixtures: one real model per session and one seed-corpus index built into a temp folder."""

from __future__ import annotations

import os
from collections import Counter
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
    """Settings whose index_dir holds an index of the seed corpus, built once per session.

    Its embedding cache is shared across sessions (the child pytests of the mutation check, the next run):
    vectors are keyed by model and text, so a shared cache only saves re-embedding the same sentences.
    """
    from assistant.config import default_onnx_dir
    from assistant.index.build import build_index

    root = tmp_path_factory.mktemp("seed")
    cache = default_onnx_dir().parent / "test-embeddings"
    settings = Settings(corpus_dir=SEED_CORPUS, index_dir=root / "index", cache_dir=cache)
    build_index(settings, encoder=encoder)
    return settings


@pytest.fixture(scope="module")
def assistant(seed_settings):
    """The real Assistant on the seed index, loaded once per test module (a module may wrap or clone it)."""
    from assistant import Assistant

    return Assistant.load(seed_settings.index_dir, seed_settings)


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium through Playwright, one per test module (tests/browser_kit.py)."""
    from browser_kit import chromium

    with chromium() as b:
        yield b


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    """Keep in-process CLI runs away from the repository's own config, cache and index."""
    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(tmp_path / "cli-cache"))
    monkeypatch.delenv("ASSISTANT_CONFIG", raising=False)
    for name in ("ASSISTANT_CORPUS_DIR", "ASSISTANT_INDEX_DIR", "ASSISTANT_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- real components: never skipped silently -------------------------------------------

REAL_COMPONENTS = ("browser", "server", "nginx", "ray", "ocr")  # markers of tests that drive a real component
ALLOW_SKIP = "ASSISTANT_ALLOW_SKIP"  # set to 1 to let such a test skip when its component is missing; never in CI


def require(component: str, present: bool, fix: str) -> None:
    """Fail (or, with ASSISTANT_ALLOW_SKIP=1, skip) a test whose real component is missing; `fix` says how to get it."""
    if present:
        return
    message = f"{component} is missing: {fix}"
    if os.environ.get(ALLOW_SKIP) == "1":
        pytest.skip(message)
    pytest.fail(f"{message} (or set {ALLOW_SKIP}=1 to skip such tests on purpose)", pytrace=False)


_real_outcomes: Counter = Counter()


def pytest_runtest_logreport(report):
    if report.when == "call" or report.outcome == "skipped" or report.failed:
        for component in REAL_COMPONENTS:
            if component in report.keywords:
                outcome = "xfailed" if hasattr(report, "wasxfail") else report.outcome  # a known failure, not a skip
                _real_outcomes[(component, outcome)] += 1


def pytest_terminal_summary(terminalreporter):
    """Say how many tests of each real component ran, so a green run cannot hide that none did."""
    lines = []
    for component in REAL_COMPONENTS:
        counts = {o: _real_outcomes[(component, o)] for o in ("passed", "failed", "xfailed", "skipped") if _real_outcomes[(component, o)]}
        if counts:
            lines.append(f"{component}: " + ", ".join(f"{n} {o}" for o, n in counts.items()))
    if lines:
        terminalreporter.write_sep("-", "real components exercised")
        for line in lines:
            terminalreporter.write_line(line)
