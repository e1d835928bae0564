"""The engine's named rules and language resources, each of which `assistant eval --ablate` can switch off in turn.

An engine module registers a rule here (name -> one line saying what it does) and asks `enabled(settings, name)`
before applying it; `rules_off` in Settings (comma-separated names; ASSISTANT_RULES_OFF, assistant.toml) switches
rules off. A rule that earns nothing on the seed test split or the unseen tune set goes (issue 20).
"""

from __future__ import annotations

RULES: dict[str, str] = {
    "intents": "small talk and off-topic requests the fixed phrases miss are recognised by the question's vector "
    "(assistant/intents.py, thresholds intent_similarity / intent_margin and their multilingual pair)",
    "related_words": "a question word is held by a corpus word e5 places close to it (start/began, kill/shot; "
    "assistant/lang/related.py, threshold related_word_similarity)",
}


def switched_off(settings) -> frozenset[str]:
    """The names in settings.rules_off."""
    return frozenset(n.strip() for n in str(getattr(settings, "rules_off", "") or "").split(",") if n.strip())


def enabled(settings, name: str) -> bool:
    """Whether the rule `name` applies under these settings (every rule does unless named in rules_off)."""
    return name not in switched_off(settings)
