"""What `assistant eval` compares: the configurations (settings overrides) and the gold splits."""

from __future__ import annotations

CONFIGS = {  # name -> settings overrides; "hybrid" is what the product ships
    "hybrid": {"retrieval_mode": "hybrid", "resolve_followups": True},
    "dense": {"retrieval_mode": "dense", "resolve_followups": True},
    "bm25": {"retrieval_mode": "lexical", "resolve_followups": True},
    "hybrid-nofollow": {"retrieval_mode": "hybrid", "resolve_followups": False},
}
DEFAULT_CONFIG = "hybrid"
SPLITS = ("tune", "test")
LANGUAGES = ("en", "ru", "kk")  # the gold set's `language` values; "ru:test" names a language's split
