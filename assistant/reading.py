"""A question's words read against the corpus: typos corrected (never a word the language's dictionary knows),
Cyrillic terms bridged to the Latin spellings the originals use, and what the question is about (its names, event
words and verb) with every form and relative that holds each word: dictionary forms, e5 relatives in its own and
the other alphabets, and for an English verb its WordNet synonyms. The engine's one way to these readings; each
resource is a named rule (`rules.py`) that `assistant eval --ablate` can switch off.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from .answer import Events, question_events
from .config import Settings
from .crosslang import script_key
from .lang.related import NewWords, WordVectors
from .lang.thesaurus import thesaurus
from .language import is_cyrillic
from .question import Question
from .rules import enabled, with_rules_undone
from .vocabulary import Vocabulary


@dataclass(frozen=True)
class QuestionReader:
    """Reads a question's words with the corpus's vocabulary and word vectors, under one set of settings."""

    vocabulary: Vocabulary
    word_vectors: WordVectors | None
    settings: Settings
    paired: Mapping[str, frozenset[str]] = field(default_factory=dict)  # words the corpus's translations pair

    def terms(self, q: Question, stems, multilingual: bool) -> list[str]:
        """Query terms with typos corrected; a Russian or Kazakh question's also bridged to the originals' spelling."""
        corrected = self.vocabulary.corrected(stems, self.spelt_right(q))
        return list(dict.fromkeys(corrected + self.bridge(corrected))) if multilingual else corrected

    def spelt_right(self, q: Question) -> frozenset[str]:
        """The terms of the question's words that its language's dictionary knows: never corrected as typos."""
        if not enabled(self.settings, "spelt_right"):
            return frozenset()
        return self.vocabulary.dictionary_terms(q.words, q.language if q.language in ("ru", "kk") else "en")

    def bridge(self, stems: list[str]) -> list[str]:
        """The terms the originals' lexical index can match: numbers, Latin words, Cyrillic names in Latin spelling."""
        out, v = [], self.vocabulary
        for t in stems:
            if not is_cyrillic(t):
                out.append(t)
            elif (latin := v.latin(t)) is not None and not _lookalike_name(t, latin, v):
                out.append(latin)
        return out

    def events(self, q: Question, multilingual: bool) -> Events:
        """What a question is about: its names, event words and verb, each with the forms and relatives that hold it."""
        own = self.terms(q, q.terms, multilingual) or self.terms(q, q.query_terms, multilingual)
        language = q.language if q.language in ("ru", "kk") else "en"
        allowance = NewWords()  # the words the question may embed, shared by both readings
        events = question_events(
            q,
            own,
            self.vocabulary,
            language,
            self._related(allowance, language),
            self.spelt_right(q),
            self._words_across(allowance),
            self._thesaurus() if language == "en" else None,
        )
        switched = with_rules_undone(self.settings, events)
        return (
            replace(switched, across=with_rules_undone(self.settings, events.across))
            if events.across is not None
            else switched
        )

    def _related(self, allowance: NewWords | None = None, language: str = "en"):
        """Corpus words related to a question word's forms, for this question in this language (None when switched off
        or absent)."""
        if self.word_vectors is None or not enabled(self.settings, "related_words"):
            return None
        loose, strict, allowance = (
            self.settings.related_word_similarity,
            self.settings.related_verb_similarity,
            allowance or NewWords(),
        )
        if language in ("ru", "kk"):  # Russian and Kazakh words sit closer together in e5 (see the setting)
            loose = self.settings.multilingual_related_word_similarity
        return lambda forms, verb=False: self.word_vectors.related(forms, strict if verb else loose, allowance)

    def _words_across(self, allowance: NewWords):
        """Corpus words in other alphabets that stand for a question word's forms (None when switched off or absent):
        read against sentences in another language than the question's (answer.select). e5's nearest words
        (lang/related.py) and the words the corpus's own translations pair with them (lang/paired.py)."""
        s = self.settings
        vectors = self.word_vectors if enabled(s, "cross_words") else None
        paired = self.paired if enabled(s, "paired_words") else {}
        if vectors is None and not paired:
            return None

        def across(forms) -> frozenset[str]:
            forms = frozenset(forms)
            near = (
                vectors.across(forms, s.cross_word_similarity, s.cross_word_rank, allowance) if vectors else frozenset()
            )
            return near.union(*(paired.get(f, ()) for f in forms))

        return across

    def nouns(self):
        """WordNet's English nouns, for the noun a how-many question counts (None when switched off or absent)."""
        return thesaurus(self.settings.wordnet_dir, "noun") if enabled(self.settings, "counted_nouns") else None

    def _thesaurus(self):
        """WordNet's English verbs (None when switched off or not installed)."""
        return thesaurus(self.settings.wordnet_dir) if enabled(self.settings, "thesaurus") else None


def _lookalike_name(term: str, latin: str, vocabulary) -> bool:
    """Whether a Cyrillic word the sources use, and not as a name, only looks like a Latin name: "әйел" (woman) is
    not Avel. A name spelt the same in both alphabets is that name, even lower-case ("қырым татары": Tatars)."""
    return (
        vocabulary.is_name(latin)
        and term in vocabulary.df
        and not vocabulary.is_name(term)
        and script_key(term) != script_key(latin)
    )
