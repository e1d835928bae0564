"""Choosing the source sentences that answer a question, citing them, or refusing honestly.

An answer is 1 to 3 verbatim sentences, each followed by its [n] marker. Nothing is written that is not
in the sources. One idea per module:

  evidence   what a question is about (its subject names, event terms, main verb) and how far a sentence is about it
  fillers    whether a sentence holds the slot the question asks for (a date, a number, a person, a place ...)
  select     scoring the retrieved sentences, and choosing the best and the close runners-up that add to it
  refusal    why to refuse, and the honest refusal with the closest passages as further reading
  compose    the chosen sentences as an answer with its citations
  parts      a multi-part question's answer, part by part
  passages   how one question reads the index (sentence vectors and terms, translations, the text before a passage)
  followup   a follow-up "why?" or "how?" looks next to what the previous answer quoted
"""

from .compose import compose, hit_of
from .evidence import Events, coverage, event_terms, question_events, question_forms, term_in
from .fillers import CHECKED_SLOTS, counted_forms, holds
from .followup import next_passages, past_previous_answer, quoted
from .parts import Found, compose_parts
from .passages import Passages
from .refusal import REFUSAL, refusal_reason, refuse, should_refuse
from .select import (
    SHOWN_CHARS,
    Candidate,
    Query,
    citable,
    fitting_on_screen,
    score_candidates,
    select_sentences,
    sources_differ,
)

__all__ = [
    "Found",
    "compose_parts",
    "CHECKED_SLOTS",
    "REFUSAL",
    "SHOWN_CHARS",
    "Candidate",
    "Events",
    "Passages",
    "Query",
    "citable",
    "compose",
    "counted_forms",
    "coverage",
    "event_terms",
    "fitting_on_screen",
    "hit_of",
    "holds",
    "next_passages",
    "past_previous_answer",
    "question_events",
    "question_forms",
    "quoted",
    "refusal_reason",
    "refuse",
    "score_candidates",
    "select_sentences",
    "should_refuse",
    "sources_differ",
    "term_in",
]
