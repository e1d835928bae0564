"""No downtime: a `LiveAssistant` answers throughout a real rebuild and switches to the new build whole.

A real seed index (copied), a thread asking in English and Russian without pause, and in the same test
`build_index` rebuilding after a change to the corpus that shifts every offset of one document and adds
a fact. Every answer must come whole from one build: each quote (and a translation's original) sits at
its exact offsets in the documents of the old build or of the new one, never some in each.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time

import pytest
from helpers import SEED_CORPUS

from assistant.engine import Assistant
from assistant.index.build import build_index
from assistant.index.layout import CURRENT
from assistant.live import IndexWatcher, LiveAssistant, pointer

pytestmark = [pytest.mark.slow]

QUESTIONS = [
    ("When was Leon Trotsky rehabilitated?", "16 June 2001"),
    ("Когда был реабилитирован Лев Троцкий?", None),
]
NEW_FACT = "The museum's reading room opened to visitors in 1993 and holds the registers of the regional commissions."
NEW_QUESTION = "When did the museum's reading room open to visitors?"


@pytest.fixture
def live_copy(tmp_path, seed_settings):
    """A copy of the seed corpus, index and embedding cache, and settings pointing at it (watching every 0.1 s)."""
    shutil.copytree(SEED_CORPUS, tmp_path / "corpus")
    shutil.copytree(seed_settings.index_dir, tmp_path / "index")
    shutil.copytree(seed_settings.cache_dir, tmp_path / "cache")
    return seed_settings.with_overrides(
        corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", cache_dir=tmp_path / "cache",
        index_watch_seconds=0.1,
    )  # fmt: skip


def resolves(answer, documents: dict) -> bool:
    """Every quote of the answer (and every translation's original) is at its exact offsets in these documents."""
    for c in (*answer.citations, *answer.further_reading):
        doc = documents.get(c.doc_id)
        if doc is None or doc.text[c.start : c.end] != c.quote or doc.title != c.title:
            return False
        if c.translation:
            original = documents.get(c.original_doc_id)
            if original is None or original.text[c.original_start : c.original_end] != c.original_quote:
                return False
    return True


class Asker(threading.Thread):
    def __init__(self, live: LiveAssistant):
        super().__init__(daemon=True)
        self.live, self.results, self.stop = live, [], threading.Event()

    def run(self):
        i = 0
        while not self.stop.is_set():
            question, expected = QUESTIONS[i % len(QUESTIONS)]
            i += 1
            try:
                self.results.append((question, expected, self.live.ask(question)))
            except Exception as exc:  # any failure fails the test
                self.results.append((question, expected, exc))


@pytest.mark.timeout(600)
def test_answers_throughout_a_rebuild_come_whole_from_one_build(live_copy, encoder):
    settings = live_copy
    base = Assistant.load(settings.index_dir, settings)
    live = LiveAssistant.start(base, settings)
    kiosk_view = live.with_settings(max_question_chars=300)  # what the kiosk's Companion holds
    old_build, old_docs = live.build, live.index.documents
    assert live.ask(NEW_QUESTION).abstained, "the new fact is not in the old build"
    asker = Asker(live)
    asker.start()
    try:
        while len(asker.results) < 4:
            time.sleep(0.02)
        path = settings.corpus_dir / "rehabilitation-soviet.txt"
        text = path.read_text(encoding="utf-8")
        title, rest = text.split("\n", 1)
        path.write_text(f"{title}\n\n{NEW_FACT}\n{rest}", encoding="utf-8")  # every later offset moves
        during = len(asker.results)
        report = build_index(settings, encoder=encoder)
        assert report.build and pointer(settings.index_dir) == report.build
        deadline = time.monotonic() + 60
        while live.build != report.build:
            assert time.monotonic() < deadline, f"no switch to {report.build}: {live.watcher.history}"
            time.sleep(0.05)
        after_switch = len(asker.results)
        while len(asker.results) < after_switch + 4:
            time.sleep(0.02)
    finally:
        asker.stop.set()
        asker.join(timeout=60)
        live.watcher.stop()
    new_docs = live.index.documents
    assert live.build != old_build and new_docs["rehabilitation-soviet"].text != old_docs["rehabilitation-soviet"].text
    failed = [(q, r) for q, _, r in asker.results if isinstance(r, Exception)]
    assert not failed, f"{len(failed)} of {len(asker.results)} asks raised: {failed[:3]}"
    wrong = [(q, r.text[:120]) for q, e, r in asker.results if e and (r.abstained or e not in r.text)]
    assert not wrong, f"English answers lost their fact during the switch: {wrong[:3]}"
    versions = []
    for question, _, answer in asker.results:
        assert answer.citations or answer.further_reading, question
        fits = (resolves(answer, old_docs), resolves(answer, new_docs))
        assert any(fits), f"{question!r}: a quote resolves in neither build (mixed): {answer.citations}"
        versions.append(fits)
    assert (True, False) in versions[:during], "answers before the rebuild quote the old build"
    assert (False, True) in versions[after_switch:], "answers after the switch quote the new build"
    assert during < after_switch, "the thread kept asking while the index was rebuilt and switched"
    print(f"asks {len(asker.results)}: before the rebuild {during}, by the switch {after_switch}; old-only {versions.count((True, False))}, new-only {versions.count((False, True))}, both {versions.count((True, True))}; the switch loaded the new build in {live.watcher.history[-1].seconds:.2f} s")
    new = live.ask(NEW_QUESTION)
    assert not new.abstained and "1993" in new.text and resolves(new, new_docs)
    short = kiosk_view.ask("x" * 400 + " When was Leon Trotsky rehabilitated?")
    assert short.notice and kiosk_view.build == report.build, "a view follows the switch with its own settings"
    assert live.watcher.history[-1].error == "" and live.watcher.history[-1].build == report.build


def test_a_build_that_fails_to_load_leaves_the_old_one_serving(live_copy, caplog):
    settings = live_copy
    live = LiveAssistant(IndexWatcher(Assistant.load(settings.index_dir, settings), settings))  # checked by hand
    serving = live.build
    index = settings.index_dir
    damaged = index / "build-damaged"
    shutil.copytree(index / serving, damaged)
    with open(damaged / "chunks.jsonl", "a", encoding="utf-8") as f:
        f.write("\n")  # its checksum no longer matches the manifest
    (index / CURRENT).write_text("build-damaged\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="assistant.live"):
        assert live.watcher.check() is False
    assert live.build == serving
    assert "damaged" in live.watcher.last_error and "build-damaged" in caplog.text
    answer = live.ask("When was Leon Trotsky rehabilitated?")
    assert "16 June 2001" in answer.text
    assert live.watcher.check() is False and len(live.watcher.history) == 1, "a failed build is not retried"
    (index / CURRENT).write_text(f"{serving}\n", encoding="utf-8")
    assert live.watcher.check() is False, "CURRENT back on the serving build: nothing to do"
