"""What the engine itself says (refusals, prompts, notices), in Kazakh, Russian and English.

Only these few sentences are written by us rather than quoted from the sources; each exists in
all three languages, so a visitor is answered in the language they asked in. The page's own
labels live in `assistant.web.i18n`.
"""

from __future__ import annotations

LANGUAGES = ("kk", "ru", "en")

MESSAGES = {
    "refusal": {
        "en": "The sources here do not answer that question.",
        "ru": "В этих источниках нет ответа на этот вопрос.",
        "kk": "Бұл дереккөздерде бұл сұраққа жауап жоқ.",
    },
    "further_reading": {
        "en": "The closest passages are listed below as further reading.",
        "ru": "Ближайшие по смыслу отрывки приведены ниже для дальнейшего чтения.",
        "kk": "Мағынасы жақын үзінділер төменде қосымша оқу үшін берілген.",
    },
    "empty": {
        "en": "Please type a question about Soviet political rehabilitation, for example “When was Leon Trotsky rehabilitated?”",
        "ru": "Пожалуйста, задайте вопрос о советской политической реабилитации, например: «Когда был реабилитирован Лев Троцкий?»",
        "kk": "Кеңестік саяси ақтау туралы сұрақ жазыңыз, мысалы: «Лев Троцкий қашан ақталды?»",
    },
    "shortened": {
        "en": "Your question was shortened to its first {limit} characters.",
        "ru": "Ваш вопрос сокращён до первых {limit} символов.",
        "kk": "Сұрағыңыз алғашқы {limit} таңбаға дейін қысқартылды.",
    },
    "other_language": {
        "en": "Sorry, I can only understand questions in Kazakh, Russian or English.",
        "ru": "Извините, я понимаю вопросы только на казахском, русском или английском языке.",
        "kk": "Кешіріңіз, мен тек қазақ, орыс немесе ағылшын тілдеріндегі сұрақтарды түсінемін.",
    },
}


def message(key: str, language: str, **values) -> str:
    """One message in the given language (English when the language is not one of the three)."""
    by_language = MESSAGES[key]
    return by_language.get(language, by_language["en"]).format(**values)
