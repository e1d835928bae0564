"""What `Assistant.load` loads before the first question: the index, both encoders and the language resources.

Loaded now, not on the first visitor's question, and side by side: the language resources and the e5 model in
threads of their own beside MiniLM and the index (onnxruntime, FAISS and lzma release the GIL while they load).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from .config import Settings
from .embedding import Encoder
from .errors import AssistantError
from .index.read import IndexData, load_index
from .lang.words import read_words
from .question import analyse


@dataclass(frozen=True)
class Loaded:
    index: IndexData
    encoder: Encoder  # MiniLM: English questions
    multilingual: Encoder | None  # e5: Russian and Kazakh questions, and originals in those languages


def load_parts(settings: Settings) -> Loaded:
    """The index and the models it was built with, each warmed by one question; errors name the fix."""
    with ThreadPoolExecutor(2) as pool:
        words = pool.submit(_warm_language_resources, settings)
        e5 = pool.submit(_warm, Encoder.for_multilingual(settings))
        encoder = Encoder.for_queries(settings)
        # the index first: built with another model, it is refused by name (`assistant ingest --rebuild`) before
        # anything tries to load that model
        index = load_index(settings.index_dir, encoder.model_id, settings.hnsw_ef_search)
        _warm(encoder)
        multilingual = e5.result()
        words.result()
    if index.multilingual and multilingual and multilingual.model_id != index.multilingual.model_id:
        raise AssistantError(
            f"{settings.index_dir}/ holds {index.multilingual.model_id} vectors but settings ask for "
            f"{multilingual.model_id}; run `assistant ingest` to rebuild it."
        )
    return Loaded(index, encoder, multilingual)


def _warm(encoder: Encoder | None) -> Encoder | None:
    """The encoder with its model loaded (one question encoded)."""
    if encoder is not None:
        encoder.encode_query("warm up")
    return encoder


def _warm_language_resources(settings: Settings) -> None:
    """The language identifiers, stemmers and dictionaries (lemminflect, pymorphy3) loaded, as a question loads them."""
    for sample, language in (("warm up", "en"), ("Когда это было?", "ru"), ("Бұл қашан болды?", "kk")):
        analyse(sample, None, settings.max_question_chars, settings.resolve_followups, "en")
        read_words(sample, language)
