"""Every word the curator's console shows, in English, Russian and Kazakh (a switch on the console)."""

from __future__ import annotations

LANGUAGES = ("en", "ru", "kk")
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "kk": "Қазақша"}

STRINGS: dict[str, dict[str, str]] = {
    # --- the page -------------------------------------------------------------------
    "title": {"en": "Curator's console", "ru": "Пульт хранителя", "kk": "Қор сақтаушының пульті"},
    "login_heading": {"en": "Sign in", "ru": "Вход", "kk": "Кіру"},
    "name": {"en": "Your name", "ru": "Ваше имя", "kk": "Атыңыз"},
    "password": {"en": "Password", "ru": "Пароль", "kk": "Құпиясөз"},
    "sign_in": {"en": "Sign in", "ru": "Войти", "kk": "Кіру"},
    "sign_out": {"en": "Sign out", "ru": "Выйти", "kk": "Шығу"},
    "signed_in_as": {"en": "Signed in as {name}", "ru": "Вы вошли как {name}", "kk": "Сіз {name} ретінде кірдіңіз"},
    "documents": {"en": "Documents", "ru": "Документы", "kk": "Құжаттар"},
    "add_document": {"en": "Add a document", "ru": "Добавить документ", "kk": "Құжат қосу"},
    "file": {"en": "File (.txt, .md, .html, .pdf, or a scan: .png, .jpg, .tif)", "ru": "Файл (.txt, .md, .html, .pdf или скан: .png, .jpg, .tif)", "kk": "Файл (.txt, .md, .html, .pdf немесе скан: .png, .jpg, .tif)"},
    "field_title": {"en": "Title", "ru": "Название", "kk": "Атауы"},
    "field_kind": {"en": "Kind (e.g. news article)", "ru": "Вид (например, газетная статья)", "kk": "Түрі (мысалы, жаңалық мақаласы)"},
    "field_origin": {"en": "Origin", "ru": "Происхождение", "kk": "Шығу тегі"},
    "field_language": {"en": "Language", "ru": "Язык", "kk": "Тілі"},
    "field_licence": {"en": "Licence", "ru": "Лицензия", "kk": "Лицензия"},
    "field_translation_of": {"en": "Translation of (the original's id; empty for an original)", "ru": "Перевод документа (id оригинала; пусто для оригинала)", "kk": "Аудармасы (түпнұсқаның id-і; түпнұсқа үшін бос)"},
    "field_translator": {"en": "Translator", "ru": "Переводчик", "kk": "Аудармашы"},
    "field_reviewed": {"en": "Reviewed by a native speaker", "ru": "Проверено носителем языка", "kk": "Ана тілінде сөйлейтін адам тексерген"},
    "field_file": {"en": "File", "ru": "Файл", "kk": "Файл"},
    "field_name": {"en": "Name", "ru": "Имя", "kk": "Аты"},
    "upload": {"en": "Add and rebuild the index", "ru": "Добавить и перестроить индекс", "kk": "Қосу және индексті қайта құру"},
    "save": {"en": "Save", "ru": "Сохранить", "kk": "Сақтау"},
    "remove": {"en": "Remove", "ru": "Удалить", "kk": "Жою"},
    "remove_confirm": {"en": "Remove {name} from the collection?", "ru": "Удалить {name} из собрания?", "kk": "{name} жинақтан жойылсын ба?"},
    "edit": {"en": "Edit metadata", "ru": "Изменить описание", "kk": "Сипаттаманы өзгерту"},
    "rebuild_now": {"en": "Rebuild the index now", "ru": "Перестроить индекс сейчас", "kk": "Индексті қазір қайта құру"},
    "index_heading": {"en": "Index", "ru": "Индекс", "kk": "Индекс"},
    "needs_heading": {"en": "What visitors needed", "ru": "Что искали посетители", "kk": "Келушілер не іздеді"},
    "needs_help": {
        "en": "Questions the sources could not answer and answers visitors disliked, similar questions together, newest first.",
        "ru": "Вопросы, на которые в источниках нет ответа, и ответы, которые не понравились посетителям; похожие вопросы вместе, новые сверху.",
        "kk": "Дереккөздер жауап бере алмаған сұрақтар мен келушілерге ұнамаған жауаптар; ұқсас сұрақтар бірге, жаңалары жоғарыда.",
    },
    "needs_none": {"en": "Nothing yet.", "ru": "Пока ничего.", "kk": "Әзірге ештеңе жоқ."},
    "export_csv": {"en": "Export as CSV", "ru": "Выгрузить в CSV", "kk": "CSV ретінде жүктеу"},
    "col_question": {"en": "Question", "ru": "Вопрос", "kk": "Сұрақ"},
    "col_count": {"en": "Times asked", "ru": "Сколько раз", "kk": "Неше рет"},
    "col_unanswered": {"en": "Unanswered", "ru": "Без ответа", "kk": "Жауапсыз"},
    "col_disliked": {"en": "Disliked", "ru": "Не понравилось", "kk": "Ұнамады"},
    "col_languages": {"en": "Language", "ru": "Язык", "kk": "Тілі"},
    "col_newest": {"en": "Newest", "ru": "Последний раз", "kk": "Соңғы рет"},
    "col_similar": {"en": "Similar questions", "ru": "Похожие вопросы", "kk": "Ұқсас сұрақтар"},
    "audit_heading": {"en": "Audit log", "ru": "Журнал действий", "kk": "Әрекеттер журналы"},
    "col_time": {"en": "When", "ru": "Когда", "kk": "Қашан"},
    "col_who": {"en": "Who", "ru": "Кто", "kk": "Кім"},
    "col_action": {"en": "What", "ru": "Что", "kk": "Не"},
    "col_target": {"en": "Document", "ru": "Документ", "kk": "Құжат"},
    "col_outcome": {"en": "Outcome", "ru": "Итог", "kk": "Нәтиже"},
    "col_id": {"en": "Id", "ru": "Id", "kk": "Id"},
    "col_original": {"en": "Translation of", "ru": "Перевод документа", "kk": "Аудармасы"},
    "col_size": {"en": "Size", "ru": "Размер", "kk": "Көлемі"},
    "language_switch": {"en": "Language", "ru": "Язык", "kk": "Тіл"},
    # --- the rebuild ------------------------------------------------------------------
    "rebuild_idle": {"en": "The index is serving; no rebuild is running.", "ru": "Индекс работает; перестройка не идёт.", "kk": "Индекс жұмыс істеп тұр; қайта құру жүріп жатқан жоқ."},
    "rebuild_running": {"en": "Rebuilding the index ({stage}); visitors are answered from the current index meanwhile.", "ru": "Индекс перестраивается ({stage}); посетителям тем временем отвечает текущий индекс.", "kk": "Индекс қайта құрылуда ({stage}); осы уақытта келушілерге қазіргі индекс жауап береді."},
    "rebuild_done": {"en": "Rebuilt: build {build} is serving ({documents} documents).", "ru": "Перестроено: работает сборка {build} ({documents} документов).", "kk": "Қайта құрылды: {build} жинағы жұмыс істеп тұр ({documents} құжат)."},
    "rebuild_failed": {"en": "The rebuild failed; the previous index keeps serving. Reason: {reason}", "ru": "Перестройка не удалась; продолжает работать прежний индекс. Причина: {reason}", "kk": "Қайта құру сәтсіз аяқталды; бұрынғы индекс жұмысын жалғастыруда. Себебі: {reason}"},
    "rebuild_queued": {"en": "Another change arrived during the rebuild; the index will be rebuilt once more.", "ru": "Во время перестройки пришло ещё одно изменение; индекс будет перестроен ещё раз.", "kk": "Қайта құру кезінде тағы бір өзгеріс келді; индекс тағы бір рет қайта құрылады."},
    # --- results ----------------------------------------------------------------------
    "added": {"en": "{name} was added; the index is being rebuilt.", "ru": "{name} добавлен; индекс перестраивается.", "kk": "{name} қосылды; индекс қайта құрылуда."},
    "saved": {"en": "The metadata of {name} was saved; the index is being rebuilt.", "ru": "Описание {name} сохранено; индекс перестраивается.", "kk": "{name} сипаттамасы сақталды; индекс қайта құрылуда."},
    "removed": {"en": "{name} was removed; the index is being rebuilt.", "ru": "{name} удалён; индекс перестраивается.", "kk": "{name} жойылды; индекс қайта құрылуда."},
    "signed_out": {"en": "You have signed out.", "ru": "Вы вышли.", "kk": "Сіз шықтыңыз."},
    # --- bad input --------------------------------------------------------------------
    "login_required": {"en": "Please sign in.", "ru": "Пожалуйста, войдите.", "kk": "Кіріңіз."},
    "login_failed": {"en": "Wrong password. Try again.", "ru": "Неверный пароль. Попробуйте ещё раз.", "kk": "Құпиясөз қате. Қайталап көріңіз."},
    "login_limited": {"en": "Too many wrong passwords from this computer; wait a minute and try again.", "ru": "Слишком много неверных паролей с этого компьютера; подождите минуту и попробуйте снова.", "kk": "Бұл компьютерден қате құпиясөз тым көп енгізілді; бір минут күтіп, қайталап көріңіз."},
    "session_expired": {"en": "The form is out of date; reload the page and try again.", "ru": "Форма устарела; обновите страницу и попробуйте снова.", "kk": "Пішін ескірген; бетті жаңартып, қайталап көріңіз."},
    "no_file": {"en": "Choose a file to add.", "ru": "Выберите файл.", "kk": "Қосатын файлды таңдаңыз."},
    "empty": {"en": "The file {name} is empty.", "ru": "Файл {name} пуст.", "kk": "{name} файлы бос."},
    "too_large": {"en": "The file is larger than the limit of {limit}.", "ru": "Файл больше допустимого размера ({limit}).", "kk": "Файл рұқсат етілген көлемнен ({limit}) үлкен."},
    "wrong_type": {"en": "{name}: only .txt, .md, .html and .pdf files and scans (.png, .jpg, .tif) can be added.", "ru": "{name}: можно добавлять только файлы .txt, .md, .html и .pdf и сканы (.png, .jpg, .tif).", "kk": "{name}: тек .txt, .md, .html және .pdf файлдарын және скандарды (.png, .jpg, .tif) қосуға болады."},
    "path_in_name": {"en": "The file name must be a plain name, without folders, slashes or '..'.", "ru": "Имя файла должно быть простым, без папок, косых черт и '..'.", "kk": "Файл аты қалтасыз, қиғаш сызықсыз және '..' белгісіз қарапайым болуы керек."},
    "bad_name": {"en": "The file name may hold letters (of any alphabet), digits, spaces, dots, commas, brackets, №, hyphens and underscores only, and must not start with a dot.", "ru": "Имя файла может содержать только буквы (любого алфавита), цифры, пробелы, точки, запятые, скобки, №, дефисы и подчёркивания и не должно начинаться с точки.", "kk": "Файл атында тек әріптер (кез келген әліпбидің), сандар, бос орын, нүкте, үтір, жақша, №, сызықша және астыңғы сызық болуы мүмкін, ол нүктемен басталмауы керек."},
    "unreadable": {"en": "The file {name} could not be read: {reason}.", "ru": "Не удалось прочитать файл {name}: {reason}.", "kk": "{name} файлын оқу мүмкін болмады: {reason}."},
    "duplicate_name": {"en": "A document named {name} is already in the collection; edit or remove it instead.", "ru": "Документ с именем {name} уже есть в собрании; измените или удалите его.", "kk": "{name} атты құжат жинақта бар; оны өзгертіңіз немесе жойыңыз."},
    "duplicate_content": {"en": "This file is already in the collection as {name}.", "ru": "Этот файл уже есть в собрании под именем {name}.", "kk": "Бұл файл жинақта {name} деген атпен бар."},
    "duplicate_id": {"en": "The id {id} is already used by {name}; choose another file name.", "ru": "Id {id} уже занят документом {name}; выберите другое имя файла.", "kk": "{id} id-ін {name} құжаты қолданып тұр; басқа файл атын таңдаңыз."},
    "markup": {"en": "{field}: HTML and script are not allowed (no < or > characters).", "ru": "{field}: HTML и скрипты не допускаются (символы < и > запрещены).", "kk": "{field}: HTML мен скриптке рұқсат жоқ (< және > таңбаларына тыйым салынған)."},
    "control": {"en": "{field}: control characters are not allowed.", "ru": "{field}: управляющие символы не допускаются.", "kk": "{field}: басқару таңбаларына рұқсат жоқ."},
    "required": {"en": "{field} is required.", "ru": "Поле «{field}» обязательно.", "kk": "«{field}» өрісі міндетті."},
    "too_long": {"en": "{field} is longer than {limit} characters.", "ru": "Поле «{field}» длиннее {limit} символов.", "kk": "«{field}» өрісі {limit} таңбадан ұзын."},
    "bad_language": {"en": "The language must be one of: en, ru, kk.", "ru": "Язык должен быть одним из: en, ru, kk.", "kk": "Тіл мыналардың бірі болуы керек: en, ru, kk."},
    "missing_original": {"en": "The original '{id}' of this translation is not in the collection; add the original first.", "ru": "Оригинала «{id}» для этого перевода нет в собрании; сначала добавьте оригинал.", "kk": "Бұл аударманың «{id}» түпнұсқасы жинақта жоқ; алдымен түпнұсқаны қосыңыз."},
    "original_is_translation": {"en": "'{id}' is itself a translation; a translation must name an original.", "ru": "«{id}» сам является переводом; перевод должен ссылаться на оригинал.", "kk": "«{id}» өзі аударма; аударма түпнұсқаны көрсетуі керек."},
    "same_language": {"en": "A translation must be in another language than its original ({language}).", "ru": "Перевод должен быть на другом языке, чем оригинал ({language}).", "kk": "Аударма түпнұсқадан ({language}) басқа тілде болуы керек."},
    "has_translations": {"en": "{name} has translations in the collection ({names}); remove them first.", "ru": "У {name} есть переводы в собрании ({names}); сначала удалите их.", "kk": "{name} құжатының жинақта аудармалары бар ({names}); алдымен соларды жойыңыз."},
    "not_found": {"en": "There is no document {name} (another curator may have removed it).", "ru": "Документа {name} нет (возможно, его удалил другой хранитель).", "kk": "{name} құжаты жоқ (оны басқа қор сақтаушы жойған болуы мүмкін)."},
    "conflict": {"en": "Another curator changed {name} while you were editing. Their change is saved and shown; your values are kept in the form below: check them and save again.", "ru": "Другой хранитель изменил {name}, пока вы редактировали. Его изменение сохранено и показано; ваши значения остались в форме ниже: проверьте их и сохраните снова.", "kk": "Сіз өңдеп жатқанда басқа қор сақтаушы {name} құжатын өзгертті. Оның өзгерісі сақталды және көрсетілді; сіздің мәндеріңіз төмендегі пішінде қалды: тексеріп, қайта сақтаңыз."},
    "busy": {"en": "Another curator is saving a change right now; try again in a moment. Nothing was lost.", "ru": "Другой хранитель сейчас сохраняет изменение; попробуйте через минуту. Ничего не потеряно.", "kk": "Басқа қор сақтаушы қазір өзгерісті сақтап жатыр; сәлден соң қайталаңыз. Ештеңе жоғалған жоқ."},
    "busy_rebuild": {"en": "The index rebuild is reading the collection right now; try again in a moment. Nothing was lost.", "ru": "Сейчас перестройка индекса читает собрание; попробуйте через минуту. Ничего не потеряно.", "kk": "Қазір индексті қайта құру жинақты оқып жатыр; сәлден соң қайталаңыз. Ештеңе жоғалған жоқ."},
    "read_only": {"en": "The collection's folder {folder} cannot be written (it is read-only), so documents cannot be added, edited or removed; nothing was changed. Ask whoever looks after this computer to make it writable for the console.", "ru": "В папку собрания {folder} нельзя записывать (она только для чтения), поэтому документы нельзя добавлять, изменять или удалять; ничего не изменено. Попросите того, кто обслуживает этот компьютер, разрешить пульту запись в неё.", "kk": "Жинақтың {folder} қалтасына жазу мүмкін емес (ол тек оқуға арналған), сондықтан құжаттарды қосу, өзгерту немесе жою мүмкін емес; ештеңе өзгерген жоқ. Осы компьютерге қызмет көрсететін адамнан пультке оған жазуға рұқсат беруін сұраңыз."},
    "disk_full": {"en": "The disk holding {folder} is full; nothing was changed. Free some space and try again.", "ru": "Диск, на котором находится {folder}, заполнен; ничего не изменено. Освободите место и попробуйте снова.", "kk": "{folder} орналасқан диск толы; ештеңе өзгерген жоқ. Орын босатып, қайталап көріңіз."},
    "write_failed": {"en": "The change could not be written ({reason}); nothing was changed.", "ru": "Изменение не удалось записать ({reason}); ничего не изменено.", "kk": "Өзгерісті жазу мүмкін болмады ({reason}); ештеңе өзгерген жоқ."},
    "unexpected": {"en": "Something went wrong; nothing was changed. The details are in the server log.", "ru": "Что-то пошло не так; ничего не изменено. Подробности в журнале сервера.", "kk": "Бірдеңе дұрыс болмады; ештеңе өзгерген жоқ. Толығырақ сервер журналында."},
    # --- scans (assistant.curator.scans) ----------------------------------------------
    "rebuild_ocr": {"en": "Reading {name} by OCR: page {page} of {pages}. Visitors are answered from the current index meanwhile.", "ru": "Распознавание (OCR) {name}: страница {page} из {pages}. Посетителям пока отвечает текущий индекс.", "kk": "{name} OCR арқылы оқылуда: {pages} беттің {page}-беті. Осы уақытта келушілерге қазіргі индекс жауап береді."},
    "cancel_scan": {"en": "Stop reading this scan", "ru": "Остановить распознавание скана", "kk": "Сканды оқуды тоқтату"},
    "scan_cancelled": {"en": "Stopped reading {name}: it is left out of this index; the pages read so far are kept for the next rebuild.", "ru": "Распознавание {name} остановлено: в этот индекс он не войдёт; прочитанные страницы сохранены для следующей перестройки.", "kk": "{name} оқу тоқтатылды: бұл индекске кірмейді; оқылған беттер келесі қайта құруға сақталды."},
    "nothing_to_cancel": {"en": "No scan is being read now.", "ru": "Сейчас никакой скан не распознаётся.", "kk": "Қазір ешбір скан оқылып жатқан жоқ."},
    "check_ocr": {"en": "Check the OCR text", "ru": "Проверить распознанный текст", "kk": "Танылған мәтінді тексеру"},
    "back": {"en": "Back to the console", "ru": "Назад к пульту", "kk": "Пультке оралу"},
    "scan_heading": {"en": "OCR text of {name}", "ru": "Распознанный текст: {name}", "kk": "Танылған мәтін: {name}"},
    "scan_help": {"en": "Each page as OCR read it; words read with a confidence under {floor}% are marked. Correct a page in its box and save: the corrected text becomes the document's text, and the words you leave unchanged keep their place on the page.", "ru": "Каждая страница так, как её прочитало распознавание; слова с уверенностью ниже {floor}% выделены. Исправьте текст страницы в её поле и сохраните: исправленный текст станет текстом документа, а неизменённые слова сохранят своё место на странице.", "kk": "Әр бет OCR оқығандай; сенімділігі {floor}%-дан төмен сөздер белгіленген. Беттің мәтінін өз өрісінде түзетіп, сақтаңыз: түзетілген мәтін құжат мәтініне айналады, ал өзгермеген сөздер беттегі орнын сақтайды."},
    "scan_page": {"en": "Page {page}", "ru": "Страница {page}", "kk": "{page}-бет"},
    "scan_not_read": {"en": "Not read yet: the next rebuild reads it.", "ru": "Ещё не распознана: её прочитает следующая перестройка.", "kk": "Әлі оқылмады: келесі қайта құру оқиды."},
    "scan_alt": {"en": "Page {page} of {name} as scanned", "ru": "Скан страницы {page} файла {name}", "kk": "{name} файлының сканерленген {page}-беті"},
    "scan_no_text": {"en": "No text found on this page.", "ru": "На этой странице текст не найден.", "kk": "Бұл бетте мәтін табылмады."},
    "scan_correct": {"en": "Corrected text of page {page}", "ru": "Исправленный текст страницы {page}", "kk": "{page}-беттің түзетілген мәтіні"},
    "scan_save": {"en": "Save the corrections and rebuild the index", "ru": "Сохранить исправления и перестроить индекс", "kk": "Түзетулерді сақтап, индексті қайта құру"},
    "corrected": {"en": "Saved the corrections of {name}; the index is being rebuilt.", "ru": "Исправления {name} сохранены; индекс перестраивается.", "kk": "{name} түзетулері сақталды; индекс қайта құрылуда."},
    "not_a_scan": {"en": "{name} is not a scan, so it has no OCR text to correct.", "ru": "{name} — не скан, распознанного текста у него нет.", "kk": "{name} скан емес, сондықтан түзететін танылған мәтіні жоқ."},
}


def t(key: str, lang: str = "en", **values) -> str:
    """The console's text for key in language (English when it has none), with {values} filled in."""
    strings = STRINGS[key]
    text = strings.get(lang) or strings["en"]
    return text.format(**values) if values else text


def language_of(value) -> str:
    """A console language code from a query or cookie value; English when it is none of ours."""
    return value if value in LANGUAGES else "en"
