"""What the probes (and tests/test_reliability.py) share: where things are, the child environment, starting an ingest child, progress output.

Children run the installed `assistant` package (`pip install -e .`), so they work from any folder;
each runs from beside its index, so no `assistant.toml` of the checkout changes its settings.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED_CORPUS = ROOT / "corpus"
GOLD = ROOT / "evals" / "gold.jsonl"
CAPPED_INGEST = Path(__file__).with_name("capped_ingest.py")  # runs by file path: stdlib and assistant only


def child_env(cache_dir: Path) -> dict:
    """The environment for an `assistant` child process: offline, this embedding cache, no stray ASSISTANT_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(
        ASSISTANT_CACHE_DIR=str(cache_dir),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        HF_HUB_DISABLE_TELEMETRY="1",
        TOKENIZERS_PARALLELISM="false",
    )
    return env


def ingest_command(settings, *flags: str, limit: int | None = None, stage: str = "start") -> list[str]:
    """`assistant ingest --quiet` of these settings' folders; with a limit, capped_ingest's file-size-limited one."""
    folders = ["--index", str(settings.index_dir), "--corpus", str(settings.corpus_dir), *flags]
    if limit is None:
        return [sys.executable, "-m", "assistant.cli", "ingest", "--quiet", *folders]
    return [sys.executable, str(CAPPED_INGEST), "--limit", str(limit), "--stage", stage, *folders]


def start_ingest(settings, *flags: str, limit: int | None = None, stage: str = "start", **popen) -> subprocess.Popen:
    """An ingest child (see ingest_command), its output piped as text unless `popen` says otherwise."""
    options = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **popen}
    return subprocess.Popen(
        ingest_command(settings, *flags, limit=limit, stage=stage),
        cwd=settings.index_dir.parent,
        env=child_env(settings.cache_dir),
        text=True,
        **options,
    )


def run_ingest(
    settings, *flags: str, limit: int | None = None, stage: str = "start", timeout: float = 900
) -> subprocess.CompletedProcess:
    """An ingest child run to the end: its exit code, stdout and stderr."""
    proc = start_ingest(settings, *flags, limit=limit, stage=stage)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def say(*args) -> None:
    """Progress on the terminal, shown at once even when piped."""
    print(*args, flush=True)
