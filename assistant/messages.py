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
    "read_in_part": {
        "en": "Your question is too long to read whole: only its beginning was used to find the answer.",
        "ru": "Ваш вопрос слишком длинный, чтобы прочитать его целиком: для поиска ответа использовано только его начало.",
        "kk": "Сұрағыңыз тым ұзын, толық оқылмады: жауап іздеуге оның басы ғана алынды.",
    },
    "other_language": {
        "en": "Sorry, I can only understand questions in Kazakh, Russian or English.",
        "ru": "Извините, я понимаю вопросы только на казахском, русском или английском языке.",
        "kk": "Кешіріңіз, мен тек қазақ, орыс немесе ағылшын тілдеріндегі сұрақтарды түсінемін.",
    },
    "smalltalk_greeting": {
        "en": "Hello! I answer questions about Soviet political rehabilitation by quoting the sources here. Try: “When was Leon Trotsky rehabilitated?”",
        "ru": "Здравствуйте! Я отвечаю на вопросы о советской политической реабилитации цитатами из этих источников. Попробуйте: «Когда был реабилитирован Лев Троцкий?»",
        "kk": "Сәлеметсіз бе! Мен кеңестік саяси ақтау туралы сұрақтарға осы дереккөздерден дәйексөз келтіріп жауап беремін. Мысалы: «Лев Троцкий қашан ақталды?»",
    },
    "smalltalk_thanks": {
        "en": "You are welcome. Ask another question whenever you like, for example “Who advised Khrushchev on rehabilitations?”",
        "ru": "Пожалуйста. Задавайте следующий вопрос, например: «Кто советовал Хрущёву по вопросам реабилитации?»",
        "kk": "Оқасы жоқ. Тағы сұрақ қоя беріңіз, мысалы: «Ақтау мәселесінде Хрущёвке кім кеңес берді?»",
    },
    "smalltalk_about": {
        "en": "I am an offline assistant for the sources here on Soviet political rehabilitation: I answer only with quoted, cited sentences from them, and say so when they do not answer. Try: “How many victims did Kazakhstan’s State Commission rehabilitate?”",
        "ru": "Я офлайн-помощник по этим источникам о советской политической реабилитации: отвечаю только цитатами из них со ссылками и прямо говорю, когда ответа в них нет. Попробуйте: «Сколько жертв реабилитировала Государственная комиссия Казахстана?»",
        "kk": "Мен кеңестік саяси ақтау туралы осы дереккөздер бойынша офлайн көмекшімін: тек солардан сілтемесі бар дәйексөздермен жауап беремін, жауап болмаса, соны айтамын. Мысалы: «Қазақстанның Мемлекеттік комиссиясы қанша құрбанды ақтады?»",
    },
    "smalltalk_creator": {
        "en": "I was built by this project’s team as an offline assistant that only quotes its sources; I write no answers of my own. Try: “When was Leon Trotsky rehabilitated?”",
        "ru": "Меня сделала команда этого проекта как офлайн-помощника, который только цитирует источники и не пишет ответов от себя. Попробуйте: «Когда был реабилитирован Лев Троцкий?»",
        "kk": "Мені осы жобаның командасы тек дереккөздерден дәйексөз келтіретін, өз атынан жауап жазбайтын офлайн көмекші ретінде жасады. Мысалы: «Лев Троцкий қашан ақталды?»",
    },
    "smalltalk_goodbye": {
        "en": "Goodbye! Come back with more questions about Soviet political rehabilitation.",
        "ru": "До свидания! Возвращайтесь с новыми вопросами о советской политической реабилитации.",
        "kk": "Сау болыңыз! Кеңестік саяси ақтау туралы жаңа сұрақтармен қайта келіңіз.",
    },
    "off_topic": {
        "en": "The sources here do not answer that question: I answer only questions about Soviet political rehabilitation, with quotes from them. Try: “When was Leon Trotsky rehabilitated?”",
        "ru": "В этих источниках нет ответа на этот вопрос: я отвечаю только на вопросы о советской политической реабилитации, цитатами из них. Попробуйте: «Когда был реабилитирован Лев Троцкий?»",
        "kk": "Бұл дереккөздерде бұл сұраққа жауап жоқ: мен тек кеңестік саяси ақтау туралы сұрақтарға солардан дәйексөз келтіріп жауап беремін. Мысалы: «Лев Троцкий қашан ақталды?»",
    },
    "part_unanswered": {
        "en": "The sources here do not say: “{part}”",
        "ru": "В этих источниках не сказано: «{part}»",
        "kk": "Бұл дереккөздерде айтылмаған: «{part}»",
    },
    "parts_capped": {
        "en": "Only the first {limit} parts of your question were answered; please ask the rest separately.",
        "ru": "Отвечено только на первые {limit} части вопроса; остальное, пожалуйста, спросите отдельно.",
        "kk": "Сұрағыңыздың алғашқы {limit} бөлігіне ғана жауап берілді; қалғанын бөлек сұраңыз.",
    },
    "list_capped": {
        "en": "Only the first passages naming them are shown; ask about one of them for more.",
        "ru": "Показаны только первые отрывки с их перечнем; чтобы узнать больше, спросите о ком-то одном.",
        "kk": "Оларды атайтын алғашқы үзінділер ғана көрсетілді; толығырақ білу үшін біреуі туралы сұраңыз.",
    },
    "sources_differ": {
        "en": "The sources differ on this; both are quoted.",
        "ru": "Источники расходятся в этом; приведены оба.",
        "kk": "Дереккөздер бұл жөнінде әртүрлі айтады; екеуі де келтірілді.",
    },
    "quoted_in": {
        "en": "Quoted in {languages}, as the source is written; the sources hold no translation of it.",
        "ru": "Цитата на {languages} языке, как в источнике; перевода в источниках нет.",
        "kk": "Дәйексөз дереккөздегідей {languages} тілінде келтірілді; дереккөздерде аудармасы жоқ.",
    },
}

# The three languages named in each language, as `quoted_in` needs them ("in Russian", "на русском", "орыс тілінде").
LANGUAGE_NAMES_IN = {
    "en": {"en": "English", "ru": "Russian", "kk": "Kazakh", "and": " and "},
    "ru": {"en": "английском", "ru": "русском", "kk": "казахском", "and": " и "},
    "kk": {"en": "ағылшын", "ru": "орыс", "kk": "қазақ", "and": " және "},
}


def quoted_in(languages: list[str], language: str) -> str:
    """The notice that an answer quotes sources in other languages than its own, said in `language`."""
    names = LANGUAGE_NAMES_IN.get(language, LANGUAGE_NAMES_IN["en"])
    return message("quoted_in", language, languages=names["and"].join(names[code] for code in languages))


def message(key: str, language: str, **values) -> str:
    """One message in the given language (English when the language is not one of the three)."""
    by_language = MESSAGES[key]
    return by_language.get(language, by_language["en"]).format(**values)
