"""Turning a chosen source sentence into a `Citation`: the original, or its human translation beside it.

Sentences are always chosen among the originals. For a Russian or Kazakh question, when the
corpus holds a translation of the chosen sentence into that language, the citation quotes the
translation (its own document and offsets) and carries the original sentence beside it, with who
translated it and whether anyone reviewed it. Draft translations can be hidden (`show_drafts`).
"""

from __future__ import annotations

from .types import Citation, Document, Hit, TranslatedSentence


class Citer:
    """Builds citations over one loaded index, in the language a question was asked in."""

    def __init__(self, documents: dict[str, Document], translations: dict, show_drafts: bool = True, uncertain=None):
        self.documents = documents
        self.translations = translations  # (original doc, start, end) -> language -> TranslatedSentence
        self.show_drafts = show_drafts
        self.uncertain = uncertain or (lambda doc_id, start, end: False)  # a span OCR read below the floor

    def cite(self, n: int, candidate, hit: Hit, language: str, score: float | None = None) -> Citation:
        """Citation number n of a candidate sentence, in `language` when a usable translation exists."""
        original = self._original(n, candidate, hit)
        translated = self._translation(candidate, language)
        if translated is None:
            return original
        doc = self.documents[translated.doc_id]
        quote = doc.text[translated.start : translated.end]
        return Citation(
            n=n,
            doc_id=doc.id,
            title=doc.title,
            section=_section(doc, translated.start),
            quote=quote,
            passage=quote,
            start=translated.start,
            end=translated.end,
            score=original.score,
            passage_start=translated.start,
            language=translated.language,
            translation=True,
            original_doc_id=original.doc_id,
            original_title=original.title,
            original_quote=original.quote,
            original_start=original.start,
            original_end=original.end,
            translator=str(doc.meta.get("translator") or ""),
            reviewed=bool(doc.meta.get("reviewed", False)),
            uncertain=original.uncertain,
        )

    def _translation(self, candidate, language: str) -> TranslatedSentence | None:
        if language not in ("ru", "kk"):
            return None
        found = self.translations.get((candidate.doc_id, candidate.start, candidate.end), {}).get(language)
        if found is None or found.doc_id not in self.documents:
            return None
        if not self.show_drafts and not self.documents[found.doc_id].meta.get("reviewed", False):
            return None
        return found

    def _original(self, n: int, c, hit: Hit) -> Citation:
        chunk = hit.chunk
        doc = self.documents.get(c.doc_id)
        return Citation(
            n=n,
            doc_id=c.doc_id,
            title=doc.title if doc else c.doc_id,
            section=" › ".join(chunk.section[1:]) or chunk.section[0] if chunk.section else "",
            quote=c.text,
            passage=chunk.text,
            start=c.start,
            end=c.end,
            score=round(c.score, 4),
            passage_start=chunk.start,
            language=str(doc.meta.get("language") or "en") if doc else "en",
            uncertain=self.uncertain(c.doc_id, c.start, c.end),
        )


def _section(doc: Document, offset: int) -> str:
    """The innermost section of a document holding an offset, as the original's sections are labelled."""
    inner = [s for s in doc.sections if s.start <= offset < s.end]
    if not inner:
        return ""
    path = max(inner, key=lambda s: len(s.path)).path
    return " › ".join(path[1:]) or path[0]
