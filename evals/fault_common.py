"""What the fault scripts (and tests/test_reliability.py) share: the ingest child's environment,
the file-size-limit driver, and progress output."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Runs the CLI in a child process under a file-size limit (RLIMIT_FSIZE), set either from the start or
# just before one stage of the ingest, so every kind of write meets a real EFBIG from the kernel.
# argv: LIMIT_BYTES STAGE CLI-ARGS...; STAGE is "start" or a function of assistant.index.
RLIMIT_DRIVER = r"""
import resource, signal, sys
limit, stage = int(sys.argv[1]), sys.argv[2]

def cap(*args, **kwargs):
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

import assistant.index as index
if stage == "start":
    cap()
else:
    original = getattr(index, stage)
    def capped(*args, **kwargs):
        cap()
        return original(*args, **kwargs)
    setattr(index, stage, capped)
from assistant.cli import main
sys.exit(main(sys.argv[3:]))
"""


def child_env(cache_dir: Path) -> dict:
    """The environment for an `assistant` child process: offline, this embedding cache, no stray ASSISTANT_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(
        ASSISTANT_CACHE_DIR=str(cache_dir),
        PYTHONPATH=str(ROOT),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        HF_HUB_DISABLE_TELEMETRY="1",
        TOKENIZERS_PARALLELISM="false",
    )
    return env


def say(*args) -> None:
    """Progress on the terminal, shown at once even when piped."""
    print(*args, flush=True)
