"""Every string the page shows, in Kazakh, Russian and English, from this one table.

The handlers relabel the page from here when a visitor switches language (`gr.I18n` follows
only the browser's locale, so it cannot serve an in-page switch or a kiosk's default). The
engine's own sentences (refusals, prompts, notices) live in `assistant.messages`. Gradio's own
button labels that a visitor sees in the chat are here too (`GRADIO_LABELS`); the page swaps
them in the browser, as Gradio has no Kazakh and follows the browser, not the page.

Nothing here imports Gradio.
"""

from __future__ import annotations

LANGUAGES = ("kk", "ru", "en")  # the order of the language switch
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}  # each in its own language, as switches show them
DEFAULT = "en"

STRINGS: dict[str, dict[str, str]] = {
    # --- the page's frame ---------------------------------------------------------------
    "language": {"en": "Language", "ru": "Язык", "kk": "Тіл"},
    "tab_student": {"en": "Study Companion", "ru": "Учебный помощник", "kk": "Оқу көмекшісі"},
    "tab_kiosk": {"en": "Ask the Sources", "ru": "Спросите источники", "kk": "Дереккөздерден сұраңыз"},
    "title_student": {
        "en": "Soviet Political Rehabilitation: Study Companion",
        "ru": "Советская политическая реабилитация: учебный помощник",
        "kk": "Кеңестік саяси ақтау: оқу көмекшісі",
    },
    "title_kiosk": {
        "en": "Soviet Political Rehabilitation: Ask the Sources",
        "ru": "Советская политическая реабилитация: спросите источники",
        "kk": "Кеңестік саяси ақтау: дереккөздерден сұраңыз",
    },
    "help_student": {
        "en": "Ask about the rehabilitation of victims of Soviet repression. Answers are quoted word for word "
        "from the source texts, each sentence numbered [n] and listed with its source, which you can open and "
        "read in context. When the sources do not answer, you are told so and shown the closest passages.",
        "ru": "Спрашивайте о реабилитации жертв советских репрессий. Ответы дословно цитируют исходные тексты; "
        "каждое предложение пронумеровано [n] и указано вместе с источником, который можно открыть и прочитать "
        "целиком. Если в источниках нет ответа, вам скажут об этом и покажут ближайшие отрывки.",
        "kk": "Кеңестік қуғын-сүргін құрбандарын ақтау туралы сұраңыз. Жауаптар дереккөз мәтіндерінен сөзбе-сөз "
        "алынады; әр сөйлем [n] деп нөмірленіп, дереккөзімен бірге көрсетіледі, оны ашып, толық оқуға болады. "
        "Дереккөздерде жауап болмаса, бұл туралы айтылып, ең жақын үзінділер көрсетіледі.",
    },
    "help_kiosk": {
        "en": "Every answer is quoted word for word from the exhibition's source texts, with numbered sources "
        "you can read. If the sources do not say, the screen tells you so.",
        "ru": "Каждый ответ дословно цитирует исходные тексты выставки, с пронумерованными источниками, которые "
        "можно прочитать. Если в источниках ответа нет, экран так и скажет.",
        "kk": "Әр жауап көрменің дереккөз мәтіндерінен сөзбе-сөз алынады, нөмірленген дереккөздерін оқуға болады. "
        "Дереккөздерде жауап болмаса, экран соны айтады.",
    },
    # the page's <meta name="description">: what a search result or a shared link says of it
    "meta_description": {
        "en": "Ask about the rehabilitation of victims of Soviet repression. Answers are quoted word for word "
        "from the source texts.",
        "ru": "Спрашивайте о реабилитации жертв советских репрессий. Ответы дословно цитируют исходные тексты.",
        "kk": "Кеңестік қуғын-сүргін құрбандарын ақтау туралы сұраңыз. Жауаптар дереккөз мәтіндерінен сөзбе-сөз "
        "алынады.",
    },
    "idle_notice": {
        "en": "The screen starts afresh after {duration} without use.",
        "ru": "Через {duration} без действий экран начинает всё сначала.",
        "kk": "{duration} бойы ешкім пайдаланбаса, экран басынан басталады.",
    },
    "chat_label": {"en": "Conversation", "ru": "Разговор", "kk": "Әңгіме"},
    "message_user": {"en": "Your question", "ru": "Ваш вопрос", "kk": "Сіздің сұрағыңыз"},  # a chat message's name
    "message_bot": {"en": "Answer", "ru": "Ответ", "kk": "Жауап"},
    "chat_placeholder_student": {
        "en": "**Ask a question** about Soviet political rehabilitation. Answers quote the sources, with numbered "
        "citations; follow-up questions are understood in context.",
        "ru": "**Задайте вопрос** о советской политической реабилитации. Ответы цитируют источники с "
        "пронумерованными ссылками; уточняющие вопросы понимаются в контексте разговора.",
        "kk": "**Кеңестік саяси ақтау туралы сұрақ қойыңыз.** Жауаптар дереккөздерден нөмірленген сілтемелермен "
        "алынады; нақтылау сұрақтары әңгіменің мәнмәтінінде түсініледі.",
    },
    "chat_placeholder_kiosk": {
        "en": "**Ask a question** about Soviet political rehabilitation, or touch one of the questions below.",
        "ru": "**Задайте вопрос** о советской политической реабилитации или коснитесь одного из вопросов ниже.",
        "kk": "**Кеңестік саяси ақтау туралы сұрақ қойыңыз** немесе төмендегі сұрақтардың біреуін түртіңіз.",
    },
    "question_label": {
        "en": "Your question (up to {cap} characters)",
        "ru": "Ваш вопрос (до {cap} символов)",
        "kk": "Сұрағыңыз ({cap} таңбаға дейін)",
    },
    "question_placeholder_student": {
        "en": "e.g. When was Leon Trotsky rehabilitated?",
        "ru": "например: Когда был реабилитирован Лев Троцкий?",
        "kk": "мысалы: Лев Троцкий қашан ақталды?",
    },
    "question_placeholder_kiosk": {"en": "Type a question…", "ru": "Введите вопрос…", "kk": "Сұрағыңызды жазыңыз…"},
    "ask": {"en": "Ask", "ru": "Спросить", "kk": "Сұрау"},
    "starters_label": {"en": "Try asking:", "ru": "Попробуйте спросить:", "kk": "Мынаны сұрап көріңіз:"},
    "new_chat": {"en": "Start a new conversation", "ru": "Начать новый разговор", "kk": "Жаңа әңгіме бастау"},
    "reader": {"en": "Read the whole document", "ru": "Читать документ целиком", "kk": "Құжатты толық оқу"},
    "footer": {
        "en": "This assistant does not write answers of its own: it quotes sentences from its source texts and "
        "cites them. Use the thumbs under an answer to tell us whether it helped.",
        "ru": "Этот помощник не пишет ответов от себя: он цитирует предложения из исходных текстов и указывает "
        "источники. Отметьте под ответом, помог ли он вам.",
        "kk": "Бұл көмекші өз жанынан жауап жазбайды: ол дереккөз мәтіндеріндегі сөйлемдерді келтіріп, "
        "дереккөзін көрсетеді. Жауаптың көмектескен-көмектеспегенін оның астындағы белгілермен айтыңыз.",
    },
    "start_again": {"en": "Start again", "ru": "Начать заново", "kk": "Қайта бастау"},
    "confirm_clear": {
        "en": "Clear this conversation? Its questions and answers will be gone.",
        "ru": "Очистить этот разговор? Его вопросы и ответы исчезнут.",
        "kk": "Бұл әңгімені тазарту керек пе? Оның сұрақтары мен жауаптары жойылады.",
    },
    "confirm_yes": {"en": "Yes, clear it", "ru": "Да, очистить", "kk": "Иә, тазарту"},
    "confirm_no": {"en": "No, keep it", "ru": "Нет, оставить", "kk": "Жоқ, қалдыру"},
    "to_sources": {"en": "Show the sources", "ru": "Показать источники", "kk": "Дереккөздерді көрсету"},
    "document_text": {"en": "Document text", "ru": "Текст документа", "kk": "Құжат мәтіні"},
    "close_document": {"en": "Close the document", "ru": "Закрыть документ", "kk": "Құжатты жабу"},
    # A scanned source (assistant.web.scan_view): its page image beside the text OCR read from it.
    "ocr_note": {
        "en": "Text read by OCR from the scanned page.",
        "ru": "Текст распознан (OCR) со сканированной страницы.",
        "kk": "Мәтін сканерленген беттен OCR арқылы танылды.",
    },
    "ocr_corrected": {
        "en": "Text read by OCR from the scanned page, corrected by {who} ({date}).",
        "ru": "Текст распознан (OCR) со сканированной страницы и исправлен: {who} ({date}).",
        "kk": "Мәтін сканерленген беттен OCR арқылы танылды, түзеткен: {who} ({date}).",
    },
    "scan_page": {"en": "Scanned page {page}", "ru": "Скан, страница {page}", "kk": "Сканерленген {page}-бет"},
    "scan_alt": {
        "en": "Scanned page {page} of “{title}”; the quoted words are marked on it.",
        "ru": "Скан страницы {page} документа «{title}»; цитируемые слова отмечены.",
        "kk": "«{title}» құжатының сканерленген {page}-беті; дәйексөз сөздері белгіленген.",
    },
    "uncertain": {
        "en": "uncertain OCR reading",
        "ru": "распознано неуверенно",
        "kk": "сенімсіз танылған",
    },
    # --- reading answers aloud (the Listen button, its status, what it says after the quotes) -------
    "listen": {"en": "Listen", "ru": "Прослушать", "kk": "Тыңдау"},
    "read_all": {"en": "Read every answer aloud", "ru": "Читать каждый ответ вслух", "kk": "Әр жауапты дауыстап оқу"},
    "listen_playing": {
        "en": "Reading the answer aloud.",
        "ru": "Ответ читается вслух.",
        "kk": "Жауап дауыстап оқылып жатыр.",
    },
    "listen_stopped": {
        "en": "Stopped reading aloud.",
        "ru": "Чтение вслух остановлено.",
        "kk": "Дауыстап оқу тоқтатылды.",
    },
    "listen_ended": {"en": "Finished reading the answer.", "ru": "Ответ прочитан.", "kk": "Жауап оқылып бітті."},
    "listen_failed": {
        "en": "The answer could not be read aloud.",
        "ru": "Не удалось прочитать ответ вслух.",
        "kk": "Жауапты дауыстап оқу мүмкін болмады.",
    },
    "read_all_on": {
        "en": "Every answer will be read aloud.",
        "ru": "Каждый ответ будет прочитан вслух.",
        "kk": "Әр жауап дауыстап оқылады.",
    },
    "read_all_off": {
        "en": "Answers will not be read aloud.",
        "ru": "Ответы не будут читаться вслух.",
        "kk": "Жауаптар дауыстап оқылмайды.",
    },
    "speech_from_one": {"en": "From:", "ru": "Источник:", "kk": "Дереккөзі:"},
    "speech_from_many": {"en": "From:", "ru": "Источники:", "kk": "Дереккөздері:"},
    "answer_ready": {"en": "Answer:", "ru": "Ответ:", "kk": "Жауап:"},
    "empty_question": {
        "en": "Please type a question first.",
        "ru": "Сначала введите вопрос.",
        "kk": "Алдымен сұрағыңызды жазыңыз.",
    },
    "too_long": {
        "en": "Your question is {n} characters long; this page takes up to {cap}. Please shorten it and ask again.",
        "ru": "В вашем вопросе {n} символов, а здесь можно не больше {cap}. Сократите его и спросите снова.",
        "kk": "Сұрағыңыз {n} таңбадан тұрады, ал мұнда {cap} таңбаға дейін болады. Оны қысқартып, қайта сұраңыз.",
    },
    # --- the kiosk's idle warning -----------------------------------------------------------
    "idle_title": {"en": "Are you still there?", "ru": "Вы ещё здесь?", "kk": "Сіз әлі осындасыз ба?"},
    "idle_countdown": {
        "en": "The screen starts afresh in {s} seconds. Touch anywhere to carry on.",
        "ru": "Через {s} с экран начнётся сначала. Коснитесь экрана, чтобы продолжить.",
        "kk": "{s} секундтан кейін экран басынан басталады. Жалғастыру үшін экранды түртіңіз.",
    },
    "idle_stay": {"en": "I am still here", "ru": "Я ещё здесь", "kk": "Мен осындамын"},
    # --- answers in the chat ----------------------------------------------------------------
    "refusal_heading": {
        "en": "Not found in the sources",
        "ru": "В источниках не найдено",
        "kk": "Дереккөздерден табылмады",
    },
    "sources_label": {"en": "Sources:", "ru": "Источники:", "kk": "Дереккөздер:"},
    "further_label": {
        "en": "Closest passages, for further reading (they do not answer the question):",
        "ru": "Ближайшие отрывки для дальнейшего чтения (они не отвечают на вопрос):",
        "kk": "Қосымша оқу үшін ең жақын үзінділер (олар сұраққа жауап бермейді):",
    },
    # --- the sources panel ------------------------------------------------------------------
    "sources_heading": {"en": "Sources", "ru": "Источники", "kk": "Дереккөздер"},
    "sources_empty": {
        "en": "The passages an answer quotes appear here, with the quoted sentences highlighted.",
        "ru": "Здесь появятся отрывки, которые цитирует ответ; процитированные предложения будут выделены.",
        "kk": "Жауап келтірген үзінділер осында көрсетіледі, келтірілген сөйлемдер ерекшеленеді.",
    },
    "sources_note": {
        "en": "Highlighted: the sentences the answer quotes.",
        "ru": "Выделены предложения, которые цитирует ответ.",
        "kk": "Жауап келтірген сөйлемдер ерекшеленген.",
    },
    "further_heading": {"en": "Further reading", "ru": "Для дальнейшего чтения", "kk": "Қосымша оқу"},
    "further_note": {
        "en": "The sources do not answer this question. These are the closest passages; the highlighted sentence "
        "is the nearest match.",
        "ru": "В источниках нет ответа на этот вопрос. Это ближайшие отрывки; выделенное предложение ближе всего "
        "к вопросу.",
        "kk": "Дереккөздерде бұл сұраққа жауап жоқ. Бұлар — ең жақын үзінділер; ерекшеленген сөйлем сұраққа ең жақын.",
    },
    "read_button": {
        "en": "Read it in the whole document",
        "ru": "Читать в полном документе",
        "kk": "Толық құжаттан оқу",
    },
    "read_original": {"en": "Read the original", "ru": "Читать оригинал", "kk": "Түпнұсқаны оқу"},
    "draft_translation": {"en": "draft translation", "ru": "черновой перевод", "kk": "алдын ала аударма"},
    "translation": {"en": "translation", "ru": "перевод", "kk": "аударма"},
    "translated_by": {
        "en": "translation by {translator}",
        "ru": "перевод: {translator}",
        "kk": "аударған: {translator}",
    },
    "original": {"en": "original", "ru": "оригинал", "kk": "түпнұсқа"},
    # --- the document view --------------------------------------------------------------
    "document_placeholder": {
        "en": "Pick a passage above to read its whole document, scrolled to the quote.",
        "ru": "Выберите отрывок выше, чтобы прочитать весь документ с места цитаты.",
        "kk": "Жоғарыдағы үзіндіні таңдасаңыз, оның бүкіл құжаты дәйексөз тұрған жерден ашылады.",
    },
    "document_partial": {
        "en": "A long document: showing the part around the quote.",
        "ru": "Длинный документ: показана часть вокруг цитаты.",
        "kk": "Ұзын құжат: дәйексөздің айналасындағы бөлігі көрсетілген.",
    },
    "document_unavailable": {
        "en": "Sorry, that document cannot be shown just now.",
        "ru": "Извините, сейчас этот документ показать нельзя.",
        "kk": "Кешіріңіз, бұл құжатты қазір көрсету мүмкін емес.",
    },
    "document_changed": {
        "en": "This source has been updated since this answer was given, so the quoted passage is no longer "
        "at that place. Ask the question again to read it in the current version.",
        "ru": "Этот источник обновили после того, как был дан ответ, и цитата больше не стоит на прежнем месте. "
        "Задайте вопрос ещё раз, чтобы прочитать её в новой версии.",
        "kk": "Бұл жауап берілгеннен кейін дереккөз жаңартылды, сондықтан дәйексөз бұрынғы орнында емес. "
        "Жаңа нұсқада оқу үшін сұрағыңызды қайта қойыңыз.",
    },
    # --- the page's own notices -------------------------------------------------------------
    "rate_limited": {
        "en": "You are asking faster than this screen can answer. Please wait a moment, then ask again.",
        "ru": "Вы спрашиваете быстрее, чем экран успевает отвечать. Подождите немного и спросите снова.",
        "kk": "Экран жауап беріп үлгергеннен жылдам сұрап жатырсыз. Сәл күтіп, қайта сұраңыз.",
    },
    "unavailable": {
        "en": "Sorry, something went wrong while looking that up. Please try again in a moment.",
        "ru": "Извините, при поиске ответа что-то пошло не так. Попробуйте ещё раз чуть позже.",
        "kk": "Кешіріңіз, жауапты іздеу кезінде қате кетті. Біраздан соң қайталап көріңіз.",
    },
    "kiosk_staff": {
        "en": " If it keeps happening, please tell a member of staff.",
        "ru": " Если это повторяется, пожалуйста, сообщите сотруднику музея.",
        "kk": " Бұл қайталана берсе, мұражай қызметкеріне хабарлаңыз.",
    },
    "could_not_answer": {
        "en": "Sorry, I could not answer that: {error}",
        "ru": "Извините, не удалось ответить: {error}",
        "kk": "Кешіріңіз, жауап бере алмадым: {error}",
    },
    # --- durations, for the kiosk's idle notice ---------------------------------------------
    "seconds": {"en": "{n} seconds", "ru": "{n} {seconds_ru}", "kk": "{n} секунд"},
    "minutes": {"en": "{n} minutes", "ru": "{n} {minutes_ru}", "kk": "{n} минут"},
    "one_minute": {"en": "1 minute", "ru": "1 минуту", "kk": "1 минут"},
    # --- Gradio's own chat buttons, as a visitor sees them ------------------------------------
    "gr_like": {"en": "Like", "ru": "Нравится", "kk": "Ұнайды"},
    "gr_dislike": {"en": "Dislike", "ru": "Не нравится", "kk": "Ұнамайды"},
    "gr_liked": {"en": "Liked", "ru": "Понравилось", "kk": "Ұнады"},
    "gr_disliked": {"en": "Disliked", "ru": "Не понравилось", "kk": "Ұнамады"},
    "gr_clear": {"en": "Clear", "ru": "Очистить чат", "kk": "Әңгімені тазарту"},
    "gr_copy_message": {"en": "Copy message", "ru": "Копировать сообщение", "kk": "Хабарды көшіру"},
    "gr_copied_message": {"en": "Copied message", "ru": "Сообщение скопировано", "kk": "Хабар көшірілді"},
    "gr_copy_conversation": {"en": "Copy conversation", "ru": "Копировать разговор", "kk": "Әңгімені көшіру"},
    "gr_copied_conversation": {"en": "Copied conversation", "ru": "Разговор скопирован", "kk": "Әңгіме көшірілді"},
}

# Gradio's labels for its chat buttons as it shows them itself (English, and its Russian for a Russian
# browser): the page recognises a button by one of these, or by a label it gave it earlier.
GRADIO_DEFAULTS = {
    "gr_like": ("Like", "Нравится"),
    "gr_dislike": ("Dislike", "Не нравится"),
    "gr_liked": ("Liked",),
    "gr_disliked": ("Disliked",),
    "gr_clear": ("Clear", "Очистить чат"),
    "gr_copy_message": ("Copy message", "Копировать сообщение"),
    "gr_copied_message": ("Copied message", "Сообщение скопировано"),
    "gr_copy_conversation": ("Copy conversation",),
    "gr_copied_conversation": ("Copied conversation",),
}

# Starter questions: each one answered by the seed corpus (tests/test_handlers.py asks every one).
STARTERS = {
    "en": (
        "When was Leon Trotsky rehabilitated?",
        "What did Khrushchev denounce in 1956?",
        "Where were ethnic groups deported under Stalin?",
        "How many victims has Kazakhstan's commission rehabilitated?",
    ),
    "ru": (
        "Когда был реабилитирован Лев Троцкий?",
        "Что осудил Хрущёв в 1956 году?",
        "Куда депортировали народы при Сталине?",
        "Сколько жертв реабилитировала государственная комиссия Казахстана?",
    ),
    "kk": (
        "Лев Троцкий қашан ақталды?",
        "Хрущев 1956 жылы нені айыптады?",
        "Сталин кезінде халықтар қайда жер аударылды?",
        "Қазақстанның мемлекеттік комиссиясы қанша құрбанды ақтады?",
    ),
}

# Document kinds as sources.toml names them; an unknown kind is shown as written.
KINDS = {
    "encyclopedia article": {
        "en": "Encyclopedia article",
        "ru": "Энциклопедическая статья",
        "kk": "Энциклопедиялық мақала",
    },
    "news article": {"en": "News article", "ru": "Новостная статья", "kk": "Жаңалық мақаласы"},
}


def language_of(value) -> str:
    """A page language: one of LANGUAGES, else the default (English)."""
    return value if value in LANGUAGES else DEFAULT


def t(key: str, language: str, **values) -> str:
    """The string `key` in `language` (English for anything else), with `values` filled in."""
    text = STRINGS[key][language_of(language)]
    return text.format(**values) if values else text


def kind_label(kind: str, language: str) -> tuple[str, bool]:
    """A document kind in `language`, and whether it is translated (an unknown kind stays as written)."""
    known = KINDS.get(kind.strip().lower())
    if known:
        return known[language_of(language)], True
    return kind[:1].upper() + kind[1:], False


def duration(seconds: int, language: str = DEFAULT) -> str:
    """Seconds as words: '90 seconds', '1 minute', '5 minutes' (in Russian, the form that follows «через»)."""
    language = language_of(language)
    if seconds == 60:
        return t("one_minute", language)
    if seconds % 60 == 0 and seconds >= 120:
        n = seconds // 60
        return t("minutes", language, n=n, minutes_ru=_russian_plural(n, "минуту", "минуты", "минут"))
    return t("seconds", language, n=seconds, seconds_ru=_russian_plural(seconds, "секунду", "секунды", "секунд"))


def _russian_plural(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def gradio_labels() -> dict:
    """For the page's script: Gradio's own button labels by key in each language, and the labels it may start with."""
    keys = list(GRADIO_DEFAULTS)
    return {
        "labels": {lang: {k: STRINGS[k][lang] for k in keys} for lang in LANGUAGES},
        "known": {label: k for k in keys for label in (*GRADIO_DEFAULTS[k], *STRINGS[k].values())},
    }
