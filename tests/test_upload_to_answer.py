"""The upload-to-answer probe's generated corpus (evals/rehab_probes/upload_to_answer.py): ten times the seed,
translations and all, as the real corpus loader and the translation split read it. The timing itself is a
measurement (`make upload-to-answer`), not a test."""

from __future__ import annotations

from rehab_probes.upload_to_answer import scaled_corpus

from assistant.corpus import load_corpus
from assistant.translations import split_originals


def test_the_tenfold_corpus_holds_ten_copies_of_every_document_and_translation(tmp_path):
    seed, _ = load_corpus(scaled_corpus(tmp_path / "x1", 1))
    documents, skipped = load_corpus(scaled_corpus(tmp_path / "x10", 10))
    assert skipped == [] and len(documents) == 10 * len(seed) == 60
    assert len({d.id for d in documents}) == 60, "every copy has an id of its own"
    originals, translations, warnings = split_originals(documents)
    assert (len(originals), len(translations), warnings) == (20, 40, [])
    ids = {d.id for d in originals}
    assert all(t.meta["translation_of"] in ids and t.meta["language"] in ("ru", "kk") for t in translations)
    copy = next(d for d in documents if d.id == "rehabilitation-soviet-ru-copy-07")
    assert copy.meta["translation_of"] == "rehabilitation-soviet-copy-07" and copy.path == "copy-07/rehabilitation-soviet.ru.txt"
