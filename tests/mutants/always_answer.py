"""A deliberate break for the mutation check: always answer with the first retrieved sentence.

Loaded with `-p always_answer` (with tests/mutants on PYTHONPATH); every unanswerable gold item's
test must fail.
"""

from __future__ import annotations


def pytest_configure(config):
    from assistant.engine import Assistant
    from assistant.types import Answer, Citation

    original = Assistant.ask

    def ask(self, question, history=None):
        q = self.analyse(question, history)
        hits = self.retrieve(question, history) if q.words else []
        if not hits or not hits[0].chunk.sentences:
            return original(self, question, history)
        chunk = hits[0].chunk
        s = chunk.sentences[0]
        c = Citation(1, chunk.doc_id, self.titles[chunk.doc_id], "", s.text, chunk.text, s.start, s.end, 1.0, chunk.start)
        return Answer(q.text, f"{s.text} [1]", False, (c,), (), q.query, q.notice)

    Assistant.ask = ask
