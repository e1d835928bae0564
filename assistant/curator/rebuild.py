"""The index rebuilt in the background after each change: one at a time, with progress, failures said plainly.

`RebuildJob.request()` starts `build_index` in a thread; a request that arrives while one runs is
remembered and run once more afterwards (so the second curator's change is indexed too, and two builds
never compete for the index folder's lock). The build writes its new folder beside the live one and
swaps CURRENT last: the serving processes switch by themselves (`assistant.live`); a failed build
leaves the old one serving, and the job keeps the reason for the console. While the build reads the
corpus (until its first stage hook, "embed") it holds the corpus lock (`reading`, from the store), so
an upload made meanwhile waits its turn and is indexed by the next build, never half-read by this one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, replace

from ..config import Settings
from ..errors import AssistantError
from .scans import ScanWork

log = logging.getLogger("assistant.curator")

# The ingest's stages in order (see assistant.hooks), with how far along each one starts.
STAGES = ("start", "ocr", "embed", "documents", "chunks", "sentences", "dense", "bm25", "multilingual", "manifest", "fsync", "pointer")


@dataclass(frozen=True)
class RebuildState:
    """What the console shows: idle, running (stage, progress 0-1), done (build, documents, files left out) or
    failed (reason)."""

    state: str = "idle"
    stage: str = ""
    progress: float = 0.0
    build: str = ""
    documents: int = 0
    reason: str = ""
    left_out: tuple = ()  # files the last build left out: (name, code, English reason), from its report's skipped
    queued: bool = False
    started: float = 0.0
    finished: float = 0.0
    runs: int = 0

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


class RebuildJob:
    """One background rebuild at a time for one index folder."""

    def __init__(self, settings: Settings, on_finish: Callable[[RebuildState], None] | None = None, build=None,
                 reading=nullcontext):  # fmt: skip
        self.settings = settings
        self._reading = reading  # reading() -> the corpus lock, held while the build reads the corpus
        self.reading_corpus = False
        self.on_finish = on_finish or (lambda state: None)
        self._build = build  # build_index, or a stand-in in tests of the job's own rules
        self._encoder = None  # the ingest encoder, loaded once and reused by every rebuild
        self._lock = threading.Lock()
        self._state = RebuildState()
        self._thread: threading.Thread | None = None
        self.scans = ScanWork(settings)  # scans are read by OCR before the build, outside the corpus lock

    @property
    def state(self) -> RebuildState:
        return self._state

    def request(self) -> RebuildState:
        """Start a rebuild, or queue one more if a rebuild is running now."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                self._state = replace(self._state, queued=True)
                return self._state
            self._state = replace(self._state, state="running", stage="start", progress=0.0, reason="", queued=False,
                                  started=time.time())  # fmt: skip
            self._thread = threading.Thread(target=self._run, name="index-rebuild", daemon=True)
            self._thread.start()
            return self._state

    def wait(self, timeout: float | None = None) -> RebuildState:
        """Block until no rebuild runs (tests and shutdown)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            thread = self._thread
            if thread is None or not thread.is_alive():
                return self._state
            thread.join(timeout=None if deadline is None else max(0.0, deadline - time.monotonic()))
            if deadline is not None and time.monotonic() >= deadline:
                return self._state

    def _run(self) -> None:
        while True:
            state = self._once()
            with self._lock:
                again = self._state.queued
                self._state = replace(state, queued=False, runs=self._state.runs + 1)
                if again:
                    self._state = replace(self._state, state="running", stage="start", progress=0.0, started=time.time())
            try:
                self.on_finish(state)
            except Exception:
                log.exception("rebuild: reporting the result failed")
            if not again:
                return

    def _once(self) -> RebuildState:
        from ..index.build import build_index

        build = self._build or build_index
        try:
            if self._build is None and self._encoder is None:
                from ..embedding import Encoder

                self._encoder = Encoder.for_ingest(self.settings)
            kwargs = {"encoder": self._encoder} if self._encoder is not None else {}
            if self._build is None:
                self._update(stage="ocr")
                kwargs["scans"] = self.scans.read_all()  # the build then takes every page from the OCR cache
            with ExitStack() as held:
                held.enter_context(self._reading())
                self.reading_corpus = True

                def hook(stage: str):  # the first stage after the corpus is read lets curators change it again
                    self.reading_corpus = False
                    held.close()
                    return self._hook(stage)

                try:
                    report = build(self.settings, hook=hook, **kwargs)
                finally:
                    self.reading_corpus = False
        except AssistantError as exc:
            log.warning("rebuild failed, the previous index keeps serving: %s", exc)
            return replace(self._state, state="failed", reason=str(exc), finished=time.time())
        except Exception as exc:
            log.exception("rebuild failed, the previous index keeps serving")
            return replace(self._state, state="failed", reason=f"{type(exc).__name__}: {exc}", finished=time.time())
        left_out = tuple((s.path, s.code, s.reason) for s in report.skipped)
        return replace(self._state, state="done", stage="", progress=1.0, build=report.build,
                       documents=report.documents, reason="", left_out=left_out, finished=time.time())  # fmt: skip

    def _update(self, **changes) -> None:
        """Change the state under the lock, so a rebuild asked for meanwhile (`queued`) is never written over."""
        with self._lock:
            self._state = replace(self._state, **changes)

    @contextmanager
    def _hook(self, stage: str):
        if stage in STAGES:
            self._update(stage=stage, progress=max(self._state.progress, STAGES.index(stage) / len(STAGES)))
        yield
