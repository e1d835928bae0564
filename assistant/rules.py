"""The engine's named rules and language resources, each of which `assistant eval --ablate` can switch off in turn.

An engine module registers a rule here (name -> one line saying what it does) and asks `enabled(settings, name)`
before applying it; `rules_off` in Settings (comma-separated names; ASSISTANT_RULES_OFF, assistant.toml) switches
rules off. A rule that earns nothing on the seed gold set or the unseen tune set goes (issue 20).
"""

from __future__ import annotations

from dataclasses import replace

RULES: dict[str, str] = {
    "asked_verb": "a who/when/where/how-many question's main verb must stand in the answer (or a word e5 places very "
    "close to it): 'Who murdered Trotsky?' is not answered by 'Trotsky was murdered' (answer/evidence.py)",
    "soft_verb": "a Russian or Kazakh verb the corpus never uses must be there unless the rest of the question "
    "plainly is (answer/evidence.py coverage)",
    "question_figures": "a figure the question names ('in 1986') weighs in what the answer is about, as much as its "
    "weightiest event word (answer/evidence.py)",
    "title_context": "a document's title counts as context for its sentences ('The camp was closed ...' in 'Steppe "
    "camp'; answer/select.py)",
    "negation": "a negated question ('who was not covered') prefers a sentence stating a negation or exception "
    "(answer/select.py)",
    "refuse_unknown_name": "refuse when the question is about a name (or rare word) the sources never use "
    "(answer/refusal.py rule 2)",
    "refuse_off_topic": "refuse when most of the question's words are unknown to the sources and nothing is close in "
    "meaning (answer/refusal.py rule 3)",
    "refuse_slot_not_held": "refuse a who/when/where/how-many question when no sentence holds the asked slot about "
    "its event (answer/refusal.py rule 4)",
    "refuse_unknown_attribute": "refuse a Russian or Kazakh what-question whose asked attribute ('какое отчество', "
    "'какой урожай') is a word the sources never use (answer/refusal.py rule 5)",
    "own_words": "the question's own words are not its answer: a person, place or figure the question itself names "
    "does not fill the slot it asks for (answer/fillers.py)",
    "spelt_right": "a question word its language's dictionary knows (pymorphy3 for Russian, the model's word list for "
    "English) is never corrected to a corpus word that looks like it (сидело is not сделав, society not soviet)",
    "intents": "small talk and off-topic requests the fixed phrases miss are recognised by the question's vector "
    "(assistant/intents.py, thresholds intent_similarity / intent_margin and their multilingual pair)",
    "keyboard_mash": "a message of keyboard mash alone ('asdfghjkl', 'фыва') is refused as off-topic, never searched "
    "(assistant/lang/served.py keyboard_mash; keyboard rows in lang/data/scripts.toml)",
    "related_words": "a question word is held by a corpus word e5 places close to it (start/began, kill/shot; "
    "assistant/lang/related.py, threshold related_word_similarity)",
    "thesaurus": "an English verb is held by the synonyms and direct hyponyms of its first WordNet sense (turn "
    "down/rejected, kill/executed; Debian's wordnet-base, assistant/lang/thesaurus.py)",
    "counted_nouns": "an English how-many question's noun is counted as the synonyms and direct hyponyms of its "
    "WordNet senses too (works/publications; assistant/lang/thesaurus.py, answer/fillers.py counted_forms)",
    "cross_words": "a question word is held by a word in another alphabet that e5 places among its nearest (and it "
    "among that word's): die/қайтыс, war/война (assistant/lang/related.py across, cross_word_similarity, "
    "cross_word_rank)",
    "paired_words": "a question word is held by a word of another language that the corpus's human translations "
    "pair with it, each the other's most frequent companion in aligned sentences: ақтал/реабилитирова, "
    "rehabilit/ақтау (assistant/lang/paired.py)",
}


def switched_off(settings) -> frozenset[str]:
    """The names in settings.rules_off."""
    return frozenset(n.strip() for n in str(getattr(settings, "rules_off", "") or "").split(",") if n.strip())


def enabled(settings, name: str) -> bool:
    """Whether the rule `name` applies under these settings (every rule does unless named in rules_off)."""
    return name not in switched_off(settings)


def with_rules_undone(settings, events):
    """A question's events with the event rules named in rules_off undone (for `assistant eval --ablate`)."""
    if events.verb and not enabled(settings, "asked_verb"):  # the verb counts as any other event word
        events = replace(events, verb="", actions=(*events.actions, events.verb), verb_forms={})
    if events.soft_verb and not enabled(settings, "soft_verb"):
        events = replace(events, soft_verb="")
    if events.numbers and not enabled(settings, "question_figures"):
        events = replace(events, numbers=())
    return events
