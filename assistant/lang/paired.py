"""Words the corpus's own human translations pair across languages ("rehabilit" / "реабилитац" / "ақтау").

A translation document aligned sentence by sentence with its original (assistant/alignment.py) is a parallel text.
A word that keeps turning up in the sentences aligned with those holding a word of another language is, more often
than not, its translation. Two stems are paired when each is the other's most frequent companion (by the Dice
coefficient over aligned sentences), in at least `MIN_SENTENCES` of them, at a Dice coefficient of at least
`MIN_DICE`. The pairs come from whatever translations a corpus holds, so they grow with a museum's own translated
documents and never list a word by hand. They matter most for Kazakh: e5 places single Kazakh words by their
letters more than their sense (the Russian words nearest "ақтау" 'rehabilitation' are "атырауска", "аталып"), so
assistant/lang/related.py seldom finds their counterparts.

Read against sentences in another language than the question's (as `WordVectors.across` is): a Kazakh question's
"ақталды" is then held by a Russian register's "Реабилитирована" or an English "rehabilitated".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from ..text import terms

MIN_SENTENCES = 3  # aligned sentences holding both words (two paired words a chance collocation as often as not)
MIN_DICE = 0.5  # 2 * both / (either's sentences): the share of their sentences the two words share
MIN_LETTERS = 3


def aligned_terms(index) -> list[dict[str, frozenset[str]]]:
    """Each original sentence that has a human translation: language -> its terms, the original's and each
    translation's."""
    if index.multilingual is None:
        return []
    documents, out = index.documents, []
    for (doc_id, start, end), by_language in index.multilingual.translations.items():
        original = documents[doc_id]
        row = {_language(original): _terms(original.text[start:end], _language(original))}
        for language, t in by_language.items():
            if t.doc_id in documents:
                row[language] = _terms(documents[t.doc_id].text[t.start : t.end], language)
        if len(row) > 1:
            out.append(row)
    return out


def paired_words(rows: Iterable[Mapping[str, frozenset[str]]]) -> dict[str, frozenset[str]]:
    """Term -> the terms of other languages it is paired with (both ways), from aligned sentences' terms."""
    rows = list(rows)
    languages = sorted({language for row in rows for language in row})
    pairs: dict[str, set[str]] = {}
    for i, a in enumerate(languages):
        for b in languages[i + 1 :]:
            for x, y in _mutual_best([(r[a], r[b]) for r in rows if a in r and b in r]):
                pairs.setdefault(x, set()).add(y)
                pairs.setdefault(y, set()).add(x)
    return {t: frozenset(p) for t, p in pairs.items()}


def _mutual_best(sentences: list[tuple[frozenset[str], frozenset[str]]]) -> list[tuple[str, str]]:
    """The (left, right) words that are each other's best companion, by Dice coefficient over the sentences."""
    left, right, both = Counter(), Counter(), Counter()
    for xs, ys in sentences:
        left.update(xs)
        right.update(ys)
        both.update((x, y) for x in xs for y in ys)
    dice = {(x, y): 2 * n / (left[x] + right[y]) for (x, y), n in both.items() if n >= MIN_SENTENCES}
    best_right: dict[str, str] = {}  # a left word's best companion
    best_left: dict[str, str] = {}  # a right word's
    for (x, y), d in sorted(dice.items()):  # in order, so a tie goes to the alphabetically first word
        if x not in best_right or d > dice[(x, best_right[x])]:
            best_right[x] = y
        if y not in best_left or d > dice[(best_left[y], y)]:
            best_left[y] = x
    return [(x, y) for x, y in sorted(best_right.items()) if best_left[y] == x and dice[(x, y)] >= MIN_DICE]


def _terms(text: str, language: str) -> frozenset[str]:
    return frozenset(t for t in terms(text, language) if len(t) >= MIN_LETTERS and t.isalpha())


def _language(doc) -> str:
    from ..language import document_language

    return document_language(doc)
