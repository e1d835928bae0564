"""Registers (books of memory, martyrologies): entries found by their shape, kept whole, their title the subject of
their lines, and a person named in full told from another entry's person. Pure logic, no index."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from assistant.answer.evidence import Events
from assistant.answer.select import Query, citable, score_candidates
from assistant.chunking import chunk_corpus
from assistant.config import Settings
from assistant.corpus import document_sections
from assistant.lang.facts import read_facts
from assistant.register import entry_headings, entry_title, full_names, is_entry, names_someone_else
from assistant.slots import Asked
from assistant.text import terms
from assistant.types import Chunk, Document, Hit, Sentence
from assistant.vocabulary import read_sources

REGISTER = """СПИСОК РАССТРЕЛЯННЫХ

Составлен по книгам памяти.

Петрова Анна Ивановна  32 года
1905 г.р., домохозяйка, арестована 01.10.1937
Приговор: 12.11.1937 — ВМН. Расстреляна 18.11.1937, г. Ленинград

Ким Мария  34 года
1903 г.р., из крестьян. Дата реабилитации: 27 декабря 1989 г.

Ли Мария  52 года
1886 г.р., портниха. Расстреляна 02.03.1938
"""

PROSE = """Memorial

The society was founded in 1989. It keeps lists of victims.
Its archive holds letters.
"""


def _document(text: str) -> Document:
    return Document("reg", "Список", text, "reg.txt", document_sections(text, [], "Список"), {"language": "ru"})


def test_a_register_is_told_by_its_entries_and_prose_is_not():
    titles = [h[1] for h in entry_headings(REGISTER)]
    assert titles == ["Петрова Анна Ивановна  32 года", "Ким Мария  34 года", "Ли Мария  52 года"]
    assert entry_headings(PROSE) == []  # one short first line is a title, not a register
    table = "Год | 1937 | 1938\nЧисло | 14 | 27\n\n" * 3
    assert entry_headings(table) == []  # table rows are no entries
    # a title line may say how the person died; a caption in capitals over a table is no entry
    died = REGISTER + "\nСалатова Матрена Прокофьевна 45 лет, умерла в заключении в 1944 году\nРодилась в 1899 г.\n"
    caption = "\nЧИСЛЕННОСТЬ РАССТРЕЛЯННЫХ ЖЕНЩИН ПО ГОДАМ за период с 1932 по 1938 гг\nГод | 1937 | 1938\n"
    assert [h[1] for h in entry_headings(died + caption)][3:] == [
        "Салатова Матрена Прокофьевна 45 лет, умерла в заключении в 1944 году"
    ]
    assert [h[1] for h in entry_headings("ИВАНОВ Иван Иванович  47 лет\nРасстрелян.\n\n" * 3)][:1] == [
        "ИВАНОВ Иван Иванович  47 лет"
    ]  # a surname in capitals opens an entry


def test_each_entry_is_a_section_from_its_title_line_on():
    doc = _document(REGISTER)
    entries = [s for s in doc.sections if is_entry(doc, s)]
    assert len(entries) == 3
    first = entries[0]
    assert doc.text[first.start :].startswith("Петрова Анна Ивановна  32 года\n1905")
    assert doc.text[first.start : first.end].rstrip().endswith("г. Ленинград")
    assert entry_title(doc, first.path) == "Петрова Анна Ивановна  32 года"
    assert entry_title(doc, doc.sections[0].path) == ""  # the part before the entries is none


class _WordCounter:
    """Counts words as tokens: enough to see where chunks are cut (pure logic, no model)."""

    model_id, max_seq_length = "words", 64

    def count_tokens(self, text: str) -> int:
        return len(text.split())


def test_an_entry_is_one_chunk_with_its_title_when_the_model_reads_it_whole():
    doc = _document(REGISTER)
    settings = Settings().with_overrides(chunk_tokens=8, chunk_overlap=2)
    chunks = chunk_corpus([doc], settings, _WordCounter())
    by_section = {}
    for c in chunks:
        by_section.setdefault(c.section, []).append(c)
    for section in doc.sections[1:]:
        (chunk,) = by_section[section.path]  # 8-token chunks would have cut each entry apart
        assert chunk.text.startswith(section.path[-1])


def test_an_entry_line_without_a_full_stop_is_citable_and_its_title_is_not():
    line = Sentence("c", 0, 36, "Расстреляна 18.11.1937, г. Ленинград")
    title = Sentence("c", 0, 30, "Петрова Анна Ивановна  32 года")
    chunk = Chunk("c", "reg", ("Список", "Петрова Анна Ивановна  32 года"), 0, 100, "")
    assert not citable(line, chunk)  # elsewhere a short line with no ending is a heading
    assert citable(line, chunk, entry=True)
    assert not citable(title, chunk, entry=True)


def test_a_name_at_the_start_of_an_entry_title_is_a_name():
    doc = _document(REGISTER)
    names, _, _ = read_sources([doc])
    assert {"петров", "ким"} <= names  # each stands at a line start, where any word is capitalised
    assert "ким" not in read_sources([SimpleNamespace(text=REGISTER, meta={"language": "ru"})])[0]


def test_a_person_named_in_full_is_not_another_entry_s_person():
    is_name = lambda w: w.lower() not in ("great", "terror")  # noqa: E731
    names = full_names("Когда реабилитировали Ли Марию?", is_name)
    assert names == (("Ли", "Марию"),)
    assert names_someone_else(names, "Ким Мария  34 года")
    assert not names_someone_else(names, "Ли Мария  52 года")
    followup = full_names("Кто такая Цой Хай Лан? а когда её расстреляли?", is_name)
    assert names_someone_else(followup, "Ким Ксения  46 лет")
    assert not names_someone_else(
        full_names("Когда растреляли Залогу-Тен Валентину?", is_name), "Залога-Тен Валентина Александровна  32 года"
    )
    # a place written beside the name does not make her someone else; the variant in brackets is no part of a name
    kazakh = full_names("Ким-Хан-Сук Вера Ивановна Серпуховта қандай жұмыс істеді?", is_name)
    assert not names_someone_else(kazakh, "Ким-Хан-Сук Вера Ивановна  25 лет")
    assert names_someone_else(kazakh, "Ким Вера Александровна  42 года")
    assert full_names("Which women of the Great Terror are buried there?", is_name) == ()
    assert not names_someone_else(full_names("Where did Tsoi Chai Ok die?", is_name), "Цой Чай Ок  30 лет")
    # an adjective after the name ends it: the court that sentenced her is no part of her name
    court = full_names("К чему приговорил Володькину Ольгу Военный трибунал МВО?", is_name)
    assert court == (("Володькину", "Ольгу"),)
    assert not names_someone_else(court, "Володькина Ольга Андреевна 24 года")


def test_a_date_written_in_figures_is_a_date():
    facts = read_facts("Расстреляна 18.11.1937, г. Ленинград", "ru")
    assert [(s.kind, "Расстреляна 18.11.1937, г. Ленинград"[s.start : s.end]) for s in facts.dates] == [
        ("day", "18.11.1937")
    ]
    assert [s.kind for s in read_facts("Реабилитация: 04.1958.", "ru").dates] == ["month"]
    assert read_facts("It cost 3.5 million.", "en").dates == ()


def test_an_answer_from_an_entry_quotes_its_title_line_first_once():
    from assistant.answer.select import Candidate
    from assistant.register import entry_at, with_entry_titles
    from assistant.types import Hit

    doc = _document(REGISTER)
    start = REGISTER.index("Расстреляна 18.11.1937")
    end = REGISTER.index("\n", start)
    fact = Candidate("reg", start, end, REGISTER[start:end], 0, 0.9, 0.8, 0.2, True)
    arrest = REGISTER.index("1905 г.р.")
    other = Candidate("reg", arrest, REGISTER.index("\n", arrest), "1905 ...", 0, 0.8, 0.8, 0.2, True)
    entry = entry_at(doc, start)
    assert entry is not None and entry.path[-1] == "Петрова Анна Ивановна  32 года"
    assert entry_at(doc, REGISTER.index("Составлен")) is None  # before the first entry
    whole = Hit(Chunk("c", "reg", entry.path, entry.start, entry.end, REGISTER[entry.start : entry.end]), 1.0)
    quoted = with_entry_titles([other, fact], {"reg": doc}, [whole])
    assert [c.text for c in quoted][:2] == ["Петрова Анна Ивановна  32 года", "1905 ..."]
    assert len(quoted) == 3  # the title once, however many of the entry's lines are quoted
    title = quoted[0]
    assert REGISTER[title.start : title.end] == title.text  # verbatim, with its offsets
    cut = Hit(Chunk("c2", "reg", entry.path, arrest, entry.end, REGISTER[arrest : entry.end]), 1.0)
    assert with_entry_titles([fact], {"reg": doc}, [cut]) == [fact]  # no retrieved passage holds the title


def test_the_grounds_and_the_charge_a_record_gives_answer_why():
    from assistant.slots import asked

    assert asked("На каком основании реабилитировали Ким Веру?", "ru").slot == "reason"
    assert asked("On what grounds was she rehabilitated?", "en").slot == "reason"
    assert read_facts("Военный трибунал ТурКВО. за отсутствием состава преступления", "ru").reason
    assert read_facts("Обвинение: в нелегальном переходе границы в 1933 г.", "ru").reason
    assert not read_facts("Расстреляна 18.11.1937, г. Ленинград", "ru").reason


class _Entry:
    """The index as `score_candidates` reads it, for one register entry (pure logic: no model, no index)."""

    def __init__(self, title: str):
        self.title = title

    def context_terms(self, doc_id, start):
        return frozenset()

    def title_terms(self, doc_id, section=()):
        return self.entry_terms(doc_id, section)

    def entry_title(self, doc_id, section):
        return self.title

    def entry_terms(self, doc_id, section):
        from assistant.text import terms

        return frozenset(terms(self.title, "ru"))

    def sentence_keys(self, doc_id, s):
        from assistant.text import terms

        return read_facts(s.text, "ru").keys | frozenset(terms(s.text, "ru"))

    def facts(self, doc_id, s):
        return read_facts(s.text, "ru")

    def original_in_other_language(self, doc_id, language):
        return False

    def translation(self, doc_id, start, end):
        return None


def test_an_entry_line_holding_the_event_is_about_the_person_its_other_lines_describe():
    import numpy as np

    from assistant.answer.evidence import Events
    from assistant.answer.select import Query, score_candidates
    from assistant.slots import Asked
    from assistant.types import Hit

    title = "Цой Антонина Алексеевна  36 лет"
    lines = [title, "Родилась в 1902 г.; директор, педагогическое училище.", "Реабилитирована 29 декабря 1956 г."]
    text = "\n".join(lines)
    at = [text.index(line) for line in lines]
    sentences = tuple(Sentence("c", a, a + len(line), line) for a, line in zip(at, lines, strict=True))
    hit = Hit(Chunk("c", "reg", ("Список", title), 0, len(text), text, sentences), 1.0)
    vectors = [np.ones((3, 2), dtype=np.float32) / np.sqrt(2)]
    # "When was Tsoi Antonina, the director of the college, rehabilitated?": the verb in one line, her in others
    events = Events(("антонин",), ("директор", "училищ"), "реабилитирова")
    query = Query(np.ones(2, dtype=np.float32) / np.sqrt(2), frozenset(), Asked("when", "date"), events, language="ru")
    scored = {c.text: c for c in score_candidates([hit], vectors, query, _Entry(title), lambda t: 1.0, Settings())}
    assert scored["Реабилитирована 29 декабря 1956 г."].fits
    # not in a register: the line holds none of the describing words, and nothing says whom it is about
    plain = score_candidates([hit], vectors, query, _Entry(""), lambda t: 1.0, Settings())
    assert not any(c.fits for c in plain)


class _RegisterAndProse:
    """The index as `select.score_candidates` reads it: a register's entry and an article's sentence (pure logic)."""

    def context_terms(self, doc_id, start):
        return frozenset()

    def title_terms(self, doc_id, section=()):
        return frozenset()

    def entry_title(self, doc_id, section):
        return section[-1] if doc_id == "list" else ""

    def entry_terms(self, doc_id, section):
        return frozenset(terms(self.entry_title(doc_id, section), "ru"))

    def sentence_keys(self, doc_id, s):
        return frozenset(terms(s.text, "ru"))

    def facts(self, doc_id, s):
        return read_facts(s.text, "ru")

    def original_in_other_language(self, doc_id, language):
        return False


def test_a_registers_line_yields_to_prose_unless_the_question_names_its_person():
    title, line = "Петрова Анна Ивановна  32 года", "Расстреляна 18.11.1937, место захоронения - Бутово"
    prose = "На полигоне Бутово расстреляны люди от 13 до 82 лет."
    entry = Hit(
        Chunk("list", "list", ("Список", title), 0, len(line), line, (Sentence("list", 0, len(line), line),)), 1
    )
    article = Hit(
        Chunk("news", "news", ("Бутово",), 0, len(prose), prose, (Sentence("news", 0, len(prose), prose),)), 1
    )
    same = [np.array([[1.0, 0.0]], dtype=np.float32)] * 2  # both equally close to the question
    asked = Asked("what", "")

    def best(events: Events) -> str:
        query = Query(np.array([1.0, 0.0], dtype=np.float32), frozenset({"бутов"}), asked, events, language="ru")
        scored = score_candidates([entry, article], same, query, _RegisterAndProse(), lambda t: 1.0, Settings())
        return scored[0].doc_id

    assert best(Events((), ("бутов",))) == "news"  # about all who were shot there, not about Petrova
    assert best(Events(("петров",), ("бутов",))) == "list"  # about Petrova: her entry's line


def test_a_records_abbreviations_stand_for_their_words():
    from assistant.lang.words import read_words

    lived, rehabilitated = read_words("Прож.: г. Кустанай. Реаб. 1989", "ru")[0], read_words("Реаб. 1989", "ru")[0]
    assert "проживать" in lived.forms and "прож" in lived.forms  # "где проживала?" meets "Прож.:"
    assert "реабилитировать" in rehabilitated.forms
    assert read_words("Прожектор", "ru")[0].forms.isdisjoint({"проживать"})  # a whole word is not the abbreviation
