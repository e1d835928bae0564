"""Bad input at the curator's console, over real HTTP: each gets a clear message in the console's language,
changes nothing on disk, and is audited; two curators at once lose nothing. Also file names in Kazakh, an
upload while a rebuild runs, the same file from two browser tabs at once, and a read-only corpus folder."""

from __future__ import annotations

import io
import logging
import os
import re
import struct
import subprocess
import threading
import time
import zlib
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from curator_kit import ConsoleServer, copy_seed, csrf, metadata, sign_in, version_of, wait_rebuilt
from helpers import make_pdf

from assistant.curator import store
from assistant.feedback import read_feedback
from assistant.files import file_lock
from assistant.index.layout import CURRENT, LOCK
from assistant.index.status import index_status

pytestmark = [pytest.mark.slow, pytest.mark.server]

NOTE = b"= The reading room =\n\nThe museum's reading room opened to visitors in 1993.\n"


@pytest.fixture
def console(tmp_path, seed_settings):
    settings = copy_seed(tmp_path, seed_settings, curator_max_upload_bytes=4000)
    with ConsoleServer(settings) as server:
        yield settings, server


def snapshot(settings) -> dict:
    return {p.name: p.read_bytes() for p in sorted(settings.corpus_dir.iterdir())}


def upload(client, name, content, lang="en", **meta):
    page = client.get("", params={"lang": lang}).text
    return client.post("upload", data=metadata(csrf=csrf(page), lang=lang, **meta), files={"file": (name, content)})


def png_header(width: int, height: int) -> bytes:
    """A PNG's signature and header alone: a page of width x height pixels that has none (refused from its header)."""
    chunks = [b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0), b"IDAT" + zlib.compress(b"\0"), b"IEND"]
    return b"\x89PNG\r\n\x1a\n" + b"".join(
        struct.pack(">I", len(c) - 4) + c + struct.pack(">I", zlib.crc32(c)) for c in chunks
    )


def locked_pdf() -> bytes:
    """A one-page PDF with a password."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.add_page(PdfReader(io.BytesIO(make_pdf([["The reading room opened in 1993."]]))).pages[0])
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


BAD_UPLOADS = [
    # (file name, content, metadata, status, English message, Russian message, Kazakh message)
    ("empty.txt", b"", {}, 400, "is empty", "пуст", "бос"),
    ("huge.txt", b"word " * 1000, {}, 400, "larger than the limit of 4 KB", "больше допустимого", "үлкен"),
    ("drawing.svg", b"<svg/>", {}, 400, "only .txt, .md, .html and .pdf", "только файлы", "тек .txt"),
    ("photo.jpg", b"\xff\xd8\xff\xe0", {}, 400, "photo.jpg is a damaged image", "повреждённое изображение", "бүлінген сурет"),  # a scan's header: read, not OCR'd
    ("huge.png", png_header(20_000, 20_000), {}, 400, "400 million pixels on a page, over the limit of 60 million", "400 млн пикселей", "400 млн пиксель"),
    ("binary.txt", b"\x00\x01\x02" * 50, {}, 400, "binary.txt is not a text file", "не текстовый файл", "мәтіндік файл емес"),
    ("locked.pdf", locked_pdf(), {}, 400, "password-protected PDF", "защищённый паролем", "құпиясөзбен қорғалған"),
    ("../../etc/passwd.txt", NOTE, {}, 400, "without folders", "без папок", "қалтасыз"),
    ("..\\evil.txt", NOTE, {}, 400, "without folders", "без папок", "қалтасыз"),
    (".hidden.txt", NOTE, {}, 400, "must not start with a dot", "не должно начинаться", "нүктемен басталмауы"),
    ("note.txt", NOTE, {"title": "<script>alert(1)</script>"}, 400, "HTML and script are not allowed", "HTML и скрипты", "HTML мен скриптке"),
    ("note.txt", NOTE, {"origin": 'x" onmouseover="alert(1)'}, 200, "was added", "добавлен", "қосылды"),  # quotes: escaped, fine
    ("note2.txt", NOTE + b"2", {"title": ""}, 400, "is required", "обязательно", "міндетті"),
    ("note3.txt", NOTE + b"3", {"language": "de"}, 400, "en, ru, kk", "en, ru, kk", "en, ru, kk"),
    ("rehabilitation-soviet.txt", NOTE, {}, 400, "already in the collection", "уже есть", "жинақта бар"),
    ("copy.txt", (b"= Rehabilitation (Soviet) =", None), {}, 400, "already in the collection as kazakhstan-state-commission.txt", "уже есть в собрании", "жинақта"),
    ("note4.ru.txt", NOTE + b"4", {"language": "ru", "translation_of": "no-such-original"}, 400, "is not in the collection", "нет в собрании", "жинақта жоқ"),
    ("note5.txt", NOTE + b"5", {"language": "en", "translation_of": "rehabilitation-soviet"}, 400, "another language", "на другом языке", "басқа тілде"),
]


@pytest.mark.timeout(300)
def test_bad_uploads_get_clear_messages_in_each_language_and_change_nothing(console):
    settings, server = console
    seed_copy = (settings.corpus_dir / "kazakhstan-state-commission.txt").read_bytes()  # under the 4 KB limit
    clients = {lang: sign_in(server.url, f"curator-{lang}", lang=lang) for lang in ("en", "ru", "kk")}
    for name, content, meta, status, *messages in BAD_UPLOADS:
        if isinstance(content, tuple):
            content = seed_copy  # the same bytes as a document already in the corpus
        for lang, expected in zip(("en", "ru", "kk"), messages, strict=True):
            before = snapshot(settings)
            response = upload(clients[lang], name, content, lang, **meta)
            assert response.status_code == status, (name, lang, response.text[-800:])
            assert expected in response.text, (name, lang, expected, re.findall(r"role=\"alert\">([^<]*)", response.text))
            assert f'<html lang="{lang}">' in response.text
            assert "<script>alert" not in response.text and "Traceback" not in response.text
            if status == 200:
                wait_rebuilt(clients[lang])
                break  # added once; the other languages would be duplicates
            assert snapshot(settings) == before, f"{name} ({lang}) changed the corpus"
    assert not [p for p in settings.corpus_dir.iterdir() if p.name.startswith(".tmp-")], "no staged file left behind"
    audit = read_feedback(settings.log_path("audit"))
    refusals = {a["outcome"] for a in audit if a["action"] == "upload" and a["outcome"] != "ok"}
    assert {"empty", "too_large", "wrong_type", "path_in_name", "markup", "duplicate_name", "duplicate_content",
            "missing_original", "same_language", "binary_file", "encrypted_pdf", "bad_name", "required", "bad_language",
            "scan_damaged", "scan_too_large"} <= refusals  # fmt: skip
    shown = clients["en"].get("").text
    assert 'x&quot; onmouseover=&quot;alert(1)' in shown and 'x" onmouseover' not in shown


def test_changes_need_a_session_and_its_form_token(console):
    settings, server = console
    before = snapshot(settings)
    stranger = httpx.Client(base_url=server.url, timeout=30)
    assert stranger.post("remove", data={"name": "rehabilitation-soviet.txt", "version": "x"}).status_code == 401
    curator = sign_in(server.url)
    forged = curator.post("remove", data={"name": "kazakhstan-state-commission.txt", "version": "x", "csrf": "forged"})
    assert forged.status_code == 403 and "out of date" in forged.text
    page = curator.get("").text
    has_translations = curator.post("remove", data={
        "name": "rehabilitation-soviet.txt", "version": version_of(page, "rehabilitation-soviet.txt"), "csrf": csrf(page)})  # fmt: skip
    assert has_translations.status_code == 400 and "remove them first" in has_translations.text
    gone = curator.post("remove", data={"name": "nothing.txt", "version": "x", "csrf": csrf(page)})
    assert gone.status_code == 400 and "There is no document nothing.txt" in gone.text
    assert snapshot(settings) == before


@pytest.mark.timeout(300)
def test_two_curators_editing_at_once_lose_nothing(console):
    settings, server = console
    first, second = sign_in(server.url, "Aigerim"), sign_in(server.url, "Boris", lang="ru")
    page_a, page_b = first.get("").text, second.get("", params={"lang": "ru"}).text
    name = "kazakhstan-state-commission.txt"
    version = version_of(page_a, name)
    assert version == version_of(page_b, name)
    keep = {"kind": "news article", "language": "en", "licence": "Unknown"}
    saved = first.post("edit", data={"name": name, "version": version, "csrf": csrf(page_a), "title": "Title by Aigerim", **keep})
    assert saved.status_code == 200 and "was saved" in saved.text
    late = second.post("edit", data={"name": name, "version": version, "csrf": csrf(page_b), "title": "Title by Boris", "lang": "ru", **keep})
    assert late.status_code == 409 and "Другой хранитель изменил" in late.text
    assert 'value="Title by Boris"' in late.text, "Boris's values are kept in the form to save again"
    sources = (settings.corpus_dir / "sources.toml").read_text(encoding="utf-8")
    assert 'title = "Title by Aigerim"' in sources and "Boris" not in sources
    assert "# Human translations, sentence for sentence" in sources, "the file's comments are kept"
    assert 'seed = "shared/seeds/000_13dd805adb57b485.txt"' in sources, "keys the console does not edit are kept"

    # Two uploads at the same moment: both saved, both in sources.toml, one rebuild after the other.
    barrier, results = threading.Barrier(2), {}

    def add(client, who, body):
        barrier.wait()
        results[who] = upload(client, f"{who}.txt", body, title=f"Note by {who}")

    threads = [threading.Thread(target=add, args=(c, w, NOTE + w.encode())) for c, w in ((first, "a"), (second, "b"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {w: r.status_code for w, r in results.items()} == {"a": 200, "b": 200}
    sources = (settings.corpus_dir / "sources.toml").read_text(encoding="utf-8")
    assert 'title = "Note by a"' in sources and 'title = "Note by b"' in sources and "Title by Aigerim" in sources
    state = wait_rebuilt(first)
    assert state["state"] == "done" and state["documents"] == 8, state


@pytest.mark.timeout(300)
def test_a_failed_rebuild_leaves_the_old_index_and_says_why(console):
    settings, server = console
    live = (settings.index_dir / CURRENT).read_text()
    curator = sign_in(server.url, lang="kk")
    with file_lock(settings.index_dir / LOCK):  # another ingest holds the index folder
        page = curator.get("", params={"lang": "kk"}).text
        response = curator.post("rebuild", data={"csrf": csrf(page), "lang": "kk"})
        assert response.status_code == 200
        state = wait_rebuilt(curator)
    assert state["state"] == "failed" and "Another ingest" in state["reason"]
    assert (settings.index_dir / CURRENT).read_text() == live
    shown = curator.get("", params={"lang": "kk"}).text
    assert "Қайта құру сәтсіз аяқталды; бұрынғы индекс жұмысын жалғастыруда" in shown and 'role="alert"' in shown
    audit = read_feedback(settings.log_path("audit"))
    assert any(a["action"] == "rebuild" and a["outcome"] == "failed" and "Another ingest" in a["detail"] for a in audit)


KAZAKH_NAME = "Қарағанды оқу залы (көшірме).txt"


def test_a_file_named_in_kazakh_with_spaces_is_added_and_indexed(console):
    settings, server = console
    curator = sign_in(server.url, lang="kk")
    added = upload(curator, KAZAKH_NAME, NOTE, "kk", language="kk")
    assert added.status_code == 200 and f"{KAZAKH_NAME} қосылды" in added.text, added.text[-800:]
    assert (settings.corpus_dir / KAZAKH_NAME).read_bytes() == NOTE
    assert f'["{KAZAKH_NAME}"]\nid = "qaraghandy-oqu-zaly-koshirme"' in (settings.corpus_dir / "sources.toml").read_text(encoding="utf-8")
    assert wait_rebuilt(curator)["state"] == "done" and not index_status(settings).stale


def test_an_upload_during_a_rebuild_waits_its_turn_and_is_indexed(console):
    """The rebuild reads the corpus under the corpus lock; an upload meanwhile waits, then queues one more build."""
    settings, server = console
    curator, second_tab = sign_in(server.url), sign_in(server.url, "Boris")
    (settings.corpus_dir / "dropped-in.txt").write_bytes(NOTE.replace(b"1993", b"1995"))  # so the rebuild has work to do
    result = {}
    with file_lock(settings.cache_dir / store.LOCK):  # a change in progress: the rebuild waits to read the corpus
        page = curator.get("").text
        assert curator.post("rebuild", data={"csrf": csrf(page)}).status_code == 200
        assert curator.get("status").json()["state"] == "running"
        adding = threading.Thread(target=lambda: result.update(added=upload(second_tab, KAZAKH_NAME, NOTE)))
        adding.start()
        time.sleep(1.0)
    adding.join(timeout=60)
    added = result["added"]
    assert added.status_code == 200 and f"{KAZAKH_NAME} was added" in added.text, added.text[-800:]
    assert "the index will be rebuilt once more" in added.text, "told its change waits for the next build"
    deadline = time.monotonic() + 300
    while (state := curator.get("status").json())["state"] == "running":
        assert time.monotonic() < deadline, state
        time.sleep(0.3)
    assert state["state"] == "done" and state["documents"] == 8, state
    assert not index_status(settings).stale, "the last build holds the upload and its metadata"
    builds = [a for a in read_feedback(settings.log_path("audit")) if a["action"] == "rebuild" and a["detail"].startswith("build ")]
    assert [a["outcome"] for a in builds] == ["ok", "ok"], "two builds: the one asked for, then one more for the upload"


def test_an_upload_held_up_by_the_rebuild_reading_the_corpus_is_told_so(console, monkeypatch):
    settings, server = console
    monkeypatch.setattr(store, "LOCK_WAIT_SECONDS", 1.0)
    curator = sign_in(server.url, lang="ru")
    before = snapshot(settings)
    with file_lock(settings.cache_dir / store.LOCK):
        server.console.rebuild.reading_corpus = True  # what the rebuild sets while build_index reads under this lock
        try:
            response = upload(curator, KAZAKH_NAME, NOTE, "ru")
        finally:
            server.console.rebuild.reading_corpus = False
    assert response.status_code == 400 and "Сейчас перестройка индекса читает собрание" in response.text
    assert snapshot(settings) == before and not list(settings.corpus_dir.glob(".tmp-*"))
    assert read_feedback(settings.log_path("audit"))[-1]["outcome"] == "busy_rebuild"


@pytest.mark.browser
def test_the_same_file_from_two_browser_tabs_at_once_is_added_once(console, browser, tmp_path):
    from browser_kit import Offline

    settings, server = console
    note = tmp_path / KAZAKH_NAME
    note.write_bytes(NOTE)
    offline = Offline.open(browser, viewport={"width": 1280, "height": 900}, bypass_csp=True)
    try:
        first = offline.new_page()
        first.goto(server.url)
        first.fill("#who", "Aigerim")
        first.fill("#password", "correct horse battery staple")
        first.get_by_role("button", name="Sign in").click()
        first.wait_for_selector("#docs-h")
        tabs = [first, offline.new_page()]
        tabs[1].goto(server.url)
        for tab in tabs:
            tab.set_input_files("#file", str(note))
            tab.fill("#new-title", "The reading room")
        for tab in tabs:  # both submitted before either answer comes back
            tab.evaluate("document.querySelector('#add-h ~ form').requestSubmit()")
        for tab in tabs:
            tab.wait_for_selector(".message")
        texts = sorted(tab.locator(".message").first.inner_text() for tab in tabs)
    finally:
        offline.context.close()
    shown = " | ".join(texts)
    assert f"{KAZAKH_NAME} was added" in shown and f"A document named {KAZAKH_NAME} is already in the collection" in shown, shown
    assert [p.name for p in settings.corpus_dir.iterdir()].count(KAZAKH_NAME) == 1
    assert (settings.corpus_dir / "sources.toml").read_text(encoding="utf-8").count(f'["{KAZAKH_NAME}"]') == 1
    assert not list(settings.corpus_dir.glob(".tmp-*"))
    outcomes = sorted(a["outcome"] for a in read_feedback(settings.log_path("audit")) if a["action"] == "upload")
    assert outcomes == ["duplicate_name", "ok"]


@contextmanager
def read_only(folder: Path):
    """The folder made read-only for real: a read-only bind mount as root (root ignores permission bits), else chmod."""
    if os.geteuid() == 0:
        subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True)
        try:
            subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
            yield
        finally:
            subprocess.run(["umount", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)


READ_ONLY = {"en": "cannot be written (it is read-only)", "ru": "нельзя записывать (она только для чтения)",
             "kk": "жазу мүмкін емес (ол тек оқуға арналған)"}  # fmt: skip


def test_a_read_only_corpus_folder_is_said_plainly_and_nothing_changes(console, caplog):
    settings, server = console
    curator = sign_in(server.url)
    assert upload(curator, "note.txt", NOTE).status_code == 200
    wait_rebuilt(curator)
    caplog.set_level(logging.WARNING)
    caplog.clear()
    with read_only(settings.corpus_dir):
        before = snapshot(settings)
        for lang, words in READ_ONLY.items():
            page = curator.get("", params={"lang": lang}).text
            assert words in page, f"the console says so on opening ({lang})"
            responses = [
                upload(curator, KAZAKH_NAME, NOTE + lang.encode(), lang),
                curator.post("edit", data=metadata(csrf=csrf(page), lang=lang, name="note.txt", version=version_of(page, "note.txt"),
                                                   title="A new title")),  # fmt: skip
                curator.post("remove", data={"csrf": csrf(page), "lang": lang, "name": "note.txt", "version": version_of(page, "note.txt")}),
            ]
            for response in responses:
                assert response.status_code == 400 and words in response.text and "Traceback" not in response.text, response.text[-600:]
            assert snapshot(settings) == before, f"nothing changed ({lang})"
    outcomes = [(a["action"], a["outcome"]) for a in read_feedback(settings.log_path("audit"))][-9:]
    assert outcomes == [("upload", "read_only"), ("edit", "read_only"), ("remove", "read_only")] * 3
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR], "no traceback in the log"
