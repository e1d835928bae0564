"""A deliberate break for the mutation check: every answer becomes a refusal.

Loaded with `-p refuse_everything` (with tests/mutants on PYTHONPATH); the answer tests must fail.
"""

from __future__ import annotations


def pytest_configure(config):
    from assistant.answer import REFUSAL
    from assistant.engine import Assistant
    from assistant.types import Answer

    def ask(self, question, history=None):
        q = self.analyse(question, history)
        return Answer(q.text, REFUSAL, True, notice=q.notice)

    Assistant.ask = ask
