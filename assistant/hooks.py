"""Stage hooks: the one documented way for measurement to time or interrupt a stage of the product.

A hook is a callable that takes a stage name and returns a context manager wrapped around that
stage. The product calls `hook(name)` at each stage boundary and does nothing else with it, so
the benchmark and the fault scripts never need to patch a function of the product.

Stages named by ingest (`build_index(..., hook=...)`): "embed" (every encoder call),
"documents", "chunks", "sentences", "dense", "bm25", "multilingual" (only when the build holds
e5 vectors), "manifest", "fsync", "pointer".
Stages named while answering (`Assistant.with_hook(hook)`): "analyse" (the question read once), "encode", "dense",
"lexical", "select", and inside "select" "words" (what the question is about: its words' forms and relatives).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager, contextmanager, nullcontext

StageHook = Callable[[str], AbstractContextManager]


def no_hook(stage: str) -> AbstractContextManager:
    """The default: every stage runs unobserved."""
    return nullcontext()


def timing_hook(record: Callable[[str, float], None]) -> StageHook:
    """A hook that reports each stage's seconds to `record(stage, seconds)`, even when it raises."""

    @contextmanager
    def hook(stage: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            record(stage, time.perf_counter() - started)

    return hook
