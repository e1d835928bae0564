"""No downtime: a serving process notices a new verified index build by itself and switches to it atomically.

`LiveAssistant` is what every serving process holds (app.py wraps its `Assistant` in one: the student
page, the kiosk, the JSON API, each replica). It has the interface the page and the API use (`ask`,
`analyse`, `retrieve`, `document`, `index`, `settings`, `titles`, `with_settings`, ...) and hands each
call to the current `Assistant`.

A daemon thread reads the index folder's `CURRENT` pointer every `settings.index_watch_seconds`
(a stat and a read of a few bytes, so polling every two seconds costs nothing). When it names a build
other than the one being served, the thread loads that build with `load_index` (which verifies every
file's checksum), builds a new `Assistant` around it reusing the encoders already in memory when the
model is unchanged (so a switch loads no model and costs about the time to read the index), and only
then replaces one reference. Why polling and not a signal: an ingest may run in another process, on
another machine's share, or from the curator's console; every one of them already writes CURRENT last,
so watching it needs no cooperation and works for any number of replicas.

Each call reads that reference once and uses that one `Assistant` from start to end, so no answer mixes
two indexes: its quotes, offsets and titles all come from one build. A build that fails to load (damaged,
another model, removed while loading) is logged with the reason and left alone; the old one keeps serving.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .config import Settings
from .index.layout import CURRENT

log = logging.getLogger("assistant.live")


@dataclass(frozen=True)
class SwitchEvent:
    """One attempt to switch builds: which, when, and whether it worked (`error` says why not)."""

    build: str
    time: float
    seconds: float
    error: str = ""


def pointer(index_dir: Path) -> str:
    """The build CURRENT names now ("" when it is missing or unreadable): the cheap check the watcher polls."""
    try:
        return (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def build_of(assistant) -> str:
    """The build folder an assistant's index was loaded from."""
    return str(assistant.index.manifest.get("build") or assistant.index.path.name)


def load_like(previous, settings: Settings):
    """A new `Assistant` over the index's live build, reusing `previous`'s encoders when the model is unchanged.

    Raises the loader's error (AssistantError naming the fix) when the build is damaged or of another model.
    """
    from .engine import Assistant
    from .index.read import load_index

    index_settings = previous.settings
    try:
        index = load_index(index_settings.index_dir, previous.encoder.model_id, index_settings.hnsw_ef_search)
    except Exception as exc:
        from .errors import ModelMismatchError

        if isinstance(exc, ModelMismatchError):  # a new model: load it, as a fresh start would
            return Assistant.load(index_settings.index_dir, index_settings)
        raise
    multilingual = previous.multilingual_encoder
    if index.multilingual and (multilingual is None or multilingual.model_id != index.multilingual.model_id):
        return Assistant.load(index_settings.index_dir, index_settings)
    from .embedding import Encoder

    if multilingual is None and index.multilingual:
        multilingual = Encoder.for_multilingual(index_settings)
    return Assistant(index, previous.encoder, index_settings, previous.hook, multilingual_encoder=multilingual)


class IndexWatcher:
    """Holds the current `Assistant` and replaces it when the index folder's CURRENT names a new verified build."""

    def __init__(self, assistant, settings: Settings | None = None, loader=load_like):
        self.assistant = assistant  # the one reference every call reads once
        self.settings = settings or assistant.settings
        self.loader = loader
        self.history: list[SwitchEvent] = []
        self._failed = ""  # the build that failed last, not retried until CURRENT changes again
        self._lock = threading.Lock()  # one load at a time
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def build(self) -> str:
        return build_of(self.assistant)

    @property
    def last_error(self) -> str:
        """Why the last attempted switch failed ("" when it worked or none was tried)."""
        return self.history[-1].error if self.history else ""

    def start(self) -> IndexWatcher:
        """Poll CURRENT every `index_watch_seconds` in a daemon thread (not at all when that is 0)."""
        if self.settings.index_watch_seconds > 0 and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="index-watcher", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.settings.index_watch_seconds):
            try:
                self.check()
            except Exception:  # the watcher must outlive anything one check does
                log.exception("index watcher: check failed")

    def check(self) -> bool:
        """Switch to the build CURRENT names if it is new and loads; True when a switch happened."""
        with self._lock:
            wanted = pointer(self.settings.index_dir)
            if not wanted or wanted == self.build or wanted == self._failed:
                return False
            started = time.monotonic()
            try:
                fresh = self.loader(self.assistant, self.settings)
            except Exception as exc:
                self._failed = wanted
                error = str(exc) or type(exc).__name__
                self.history.append(SwitchEvent(wanted, time.time(), time.monotonic() - started, error))
                log.warning("index watcher: kept serving %s; build %s did not load: %s", self.build, wanted, error)
                return False
            old, self.assistant = self.build, fresh  # the switch: one reference, replaced whole
            self._failed = ""
            self.history.append(SwitchEvent(build_of(fresh), time.time(), time.monotonic() - started))
            log.warning("index watcher: switched from %s to %s in %.2f s", old, build_of(fresh), time.monotonic() - started)
            return True


class LiveAssistant:
    """An `Assistant` that follows the index folder: the same interface, answered by the current build.

    `with_settings` / `with_hook` return views that apply their change to whichever build is current
    (the kiosk's shorter question limit, say), so a view never pins an old build.
    """

    def __init__(self, watcher: IndexWatcher, changes: tuple = ()):
        self._watcher = watcher
        self._changes = changes  # (("settings", {...}) | ("hook", hook), ...) applied in order
        self._views: tuple = (None, None)  # (base Assistant, view of it), rebuilt after a switch

    @classmethod
    def start(cls, assistant, settings: Settings | None = None) -> LiveAssistant:
        """Wrap a loaded `Assistant` and start watching its index folder."""
        return cls(IndexWatcher(assistant, settings).start())

    @property
    def watcher(self) -> IndexWatcher:
        return self._watcher

    def current(self):
        """The `Assistant` answering now (with this view's changes); read once per call."""
        base = self._watcher.assistant
        if not self._changes:
            return base
        cached_base, view = self._views
        if cached_base is not base:
            view = base
            for kind, value in self._changes:
                view = view.with_settings(**value) if kind == "settings" else view.with_hook(value)
            self._views = (base, view)
        return view

    # --- the interface of Assistant, each call on one build ------------------------------

    def ask(self, question, history=None, language=None):
        return self.current().ask(question, history, language)

    def analyse(self, question, history=None, language=None):
        return self.current().analyse(question, history, language)

    def retrieve(self, question, history=None, k=None):
        return self.current().retrieve(question, history, k)

    def document(self, doc_id: str):
        return self.current().document(doc_id)

    def with_settings(self, **overrides) -> LiveAssistant:
        return LiveAssistant(self._watcher, (*self._changes, ("settings", overrides)))

    def with_hook(self, hook) -> LiveAssistant:
        return LiveAssistant(self._watcher, (*self._changes, ("hook", hook)))

    @property
    def build(self) -> str:
        """The build answering now."""
        return self._watcher.build

    def __getattr__(self, name: str):
        # index, settings, titles, encoder, multilingual_encoder, vocabulary, hook, ...: the current build's
        if name.startswith("__") or name in ("_watcher", "_changes", "_views"):
            raise AttributeError(name)
        return getattr(self.current(), name)
