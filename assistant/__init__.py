"""Cited, extractive answers over source texts on Soviet political rehabilitation.

The public face: `Assistant.load(index_dir)`, `Assistant.ask(question, history) -> Answer`,
and `build_index(settings)`. Nothing heavy happens at import time.
"""

from .errors import AssistantError
from .types import Answer, Citation


def __getattr__(name):
    # Imported lazily so `import assistant` stays cheap.
    if name == "Assistant":
        from .engine import Assistant

        return Assistant
    if name == "build_index":
        from .index.build import build_index

        return build_index
    raise AttributeError(name)


__all__ = ["Answer", "Assistant", "AssistantError", "Citation", "build_index"]
