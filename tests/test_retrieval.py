"""Retrieval: reciprocal rank fusion and overlap merging as pure logic, then each mode on the real seed index."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from assistant.retrieval import Ranked, dense_search, fuse_rankings, merge_overlapping
from assistant.types import Chunk, Document, Hit, Sentence

MODES = ("hybrid", "dense", "lexical")


# --- fusion: exact scores on tiny inputs ---------------------------------------------


def test_fusion_sums_reciprocal_ranks_and_records_each_lists_rank():
    dense = Ranked(rows=[1, 2, 3], scores=[0.9, 0.8, 0.7])
    lexical = Ranked(rows=[3, 1], scores=[12.0, 4.0])
    fused = fuse_rankings([dense, lexical], fusion_k=60)
    assert [row for row, _, _ in fused] == [1, 3, 2]
    scores = {row: score for row, score, _ in fused}
    assert scores[1] == pytest.approx(1 / 61 + 1 / 62)
    assert scores[3] == pytest.approx(1 / 63 + 1 / 61)
    assert scores[2] == pytest.approx(1 / 62)
    assert {row: ranks for row, _, ranks in fused} == {1: [1, 2], 3: [3, 1], 2: [2, None]}


def test_fusion_ignores_raw_scores_and_breaks_ties_by_row():
    # Only ranks count: wildly different raw scores give the same fusion.
    a = fuse_rankings([Ranked([7, 4], [1e9, -5.0]), Ranked([4, 7], [0.1, 0.0])], fusion_k=1)
    assert a == [(4, pytest.approx(1 / 3 + 1 / 2), [2, 1]), (7, pytest.approx(1 / 2 + 1 / 3), [1, 2])]


def test_fusion_with_one_list_empty_keeps_the_other_lists_order():
    fused = fuse_rankings([Ranked([], []), Ranked([5, 2, 9], [3.0, 2.0, 1.0])], fusion_k=10)
    assert fused == [
        (5, pytest.approx(1 / 11), [None, 1]),
        (2, pytest.approx(1 / 12), [None, 2]),
        (9, pytest.approx(1 / 13), [None, 3]),
    ]
    assert fuse_rankings([Ranked([], []), Ranked([], [])], fusion_k=60) == []


# --- dense search over an approximate index that misses a row -----------------------


class MissingRow:
    """A real exact FAISS index whose search never returns one row, as an HNSW graph can fail to reach it."""

    def __init__(self, vectors, missing: int):
        import faiss

        self.exact = faiss.IndexFlatIP(vectors.shape[1])
        self.exact.add(vectors)
        self.missing, self.ntotal = missing, self.exact.ntotal

    def search(self, query, n):
        scores, rows = self.exact.search(query, self.ntotal)
        keep = rows[0] != self.missing
        return scores[:, keep][:, :n], rows[:, keep][:, :n]

    def reconstruct_batch(self, rows):
        return self.exact.reconstruct_batch(rows)


def test_a_lexical_candidate_the_approximate_search_missed_is_scored_exactly():
    import numpy as np

    vectors = np.eye(4, dtype=np.float32)[[0, 1, 2, 3, 0]] * np.array([[1.0], [0.9], [0.8], [0.7], [0.95]], np.float32)
    query = np.array([1.0, 0.3, 0.2, 0.1], dtype=np.float32)  # exact order: 0, 4, 1, 2, 3
    index = SimpleNamespace(dense=MissingRow(vectors, missing=0))
    assert dense_search(index, query, 3).rows == [4, 1, 2]  # row 0 missed
    found = dense_search(index, query, 3, also=[3, 0])
    assert found.rows == [0, 4, 1] and found.scores[0] == pytest.approx(1.0)  # back in its exact place; 3 too weak
    assert dense_search(SimpleNamespace(dense=MissingRow(vectors, missing=-1)), query, 3, also=[3]).rows == [0, 4, 1]


# --- merging overlapping chunks: hand-made hits --------------------------------------

TEXT = "Alpha one. Beta two. Gamma three. Delta four. Epsilon five."


def _chunk(doc_id: str, first: str, last: str) -> Chunk:
    """A chunk of TEXT from the sentence starting `first` to the one starting `last`, with its sentences."""
    start, end = TEXT.index(first), TEXT.index(".", TEXT.index(last)) + 1
    cid = f"{doc_id}:{start}-{end}"
    sentences = []
    pos = start
    while pos < end:
        stop = TEXT.index(".", pos) + 1
        sentences.append(Sentence(cid, pos, stop, TEXT[pos:stop]))
        pos = stop + 1
    return Chunk(cid, doc_id, ("Doc",), start, end, TEXT[start:end], tuple(sentences))


def _index():
    """Just what merging reads from an index: the documents' text."""
    docs = {d: Document(d, d.upper(), TEXT, f"{d}.txt") for d in ("d", "e")}
    return SimpleNamespace(documents=docs)


def test_overlapping_chunks_of_one_document_merge_into_the_better_hit():
    first = Hit(_chunk("d", "Beta", "Gamma"), 0.5, 1, 3, (10,))
    other_doc = Hit(_chunk("e", "Beta", "Gamma"), 0.4, 2, None, (20,))
    overlapping = Hit(_chunk("d", "Gamma", "Delta"), 0.3, None, 1, (11,))
    apart = Hit(_chunk("d", "Epsilon", "Epsilon"), 0.2, 4, None, (12,))
    merged = merge_overlapping([first, other_doc, overlapping, apart], _index())

    assert [h.rows for h in merged] == [(10, 11), (20,), (12,)]
    top = merged[0]
    assert (top.chunk.start, top.chunk.end) == (TEXT.index("Beta"), TEXT.index("Delta four.") + len("Delta four."))
    assert top.chunk.text == "Beta two. Gamma three. Delta four."
    assert top.chunk.id == first.chunk.id and top.chunk.doc_id == "d"
    assert [s.text for s in top.chunk.sentences] == ["Beta two.", "Gamma three.", "Delta four."]  # shared sentence once
    assert top.score == pytest.approx(0.8)
    assert (top.dense_rank, top.lexical_rank) == (1, 3)  # the better hit's ranks
    assert merged[1] == other_doc and merged[2] == apart


def test_touching_chunks_stay_apart_and_a_chain_of_overlaps_merges_into_one():
    a = Hit(Chunk("a", "d", ("Doc",), 0, 10, TEXT[0:10]), 0.3, 1, None, (0,))
    b = Hit(Chunk("b", "d", ("Doc",), 10, 20, TEXT[10:20]), 0.2, 2, None, (1,))  # starts where a ends
    assert merge_overlapping([a, b], _index()) == [a, b]

    x = Hit(_chunk("d", "Alpha", "Beta"), 0.3, 1, None, (0,))
    y = Hit(_chunk("d", "Beta", "Gamma"), 0.2, 2, None, (1,))
    z = Hit(_chunk("d", "Gamma", "Delta"), 0.1, 3, None, (2,))  # overlaps y only, so the union x+y
    (merged,) = merge_overlapping([x, y, z], _index())
    assert merged.chunk.text == "Alpha one. Beta two. Gamma three. Delta four."
    assert merged.rows == (0, 1, 2)
    assert merged.score == pytest.approx(0.6)


# --- each mode on the real seed index ------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_each_mode_finds_trotsky(assistant, mode):
    hits = assistant.with_settings(retrieval_mode=mode).retrieve("Trotsky rehabilitated 2001")
    assert hits and "Trotsky" in hits[0].chunk.text
    assert len(hits) <= assistant.settings.top_k
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    if mode == "dense":
        assert all(h.lexical_rank is None and h.dense_rank for h in hits)
    if mode == "lexical":
        assert all(h.dense_rank is None and h.lexical_rank for h in hits)


@pytest.mark.parametrize("mode", MODES)
def test_hits_are_document_text_and_never_overlap(assistant, mode):
    hits = assistant.with_settings(retrieval_mode=mode).retrieve("When did Khrushchev denounce Stalin?", k=8)
    for hit in hits:
        c = hit.chunk
        assert assistant.document(c.doc_id).text[c.start : c.end] == c.text
        assert all(c.start <= s.start < s.end <= c.end for s in c.sentences)
        assert len({(s.start, s.end) for s in c.sentences}) == len(c.sentences)
    for i, a in enumerate(hits):
        for b in hits[i + 1 :]:
            same_doc = a.chunk.doc_id == b.chunk.doc_id
            assert not (same_doc and a.chunk.start < b.chunk.end and b.chunk.start < a.chunk.end), (a.rows, b.rows)


def test_hybrid_scores_are_reciprocal_rank_sums(assistant):
    k = assistant.settings.fusion_k
    hits = assistant.retrieve("How many victims did Kazakhstan's State Commission rehabilitate?", k=6)
    single = [h for h in hits if len(h.rows) == 1]
    assert single, "expected at least one unmerged hit"
    for h in single:
        expected = sum(1 / (k + r) for r in (h.dense_rank, h.lexical_rank) if r is not None)
        assert h.score == pytest.approx(expected)
    assert hits[0].dense_rank is not None and hits[0].lexical_rank is not None
    assert "311,000" in hits[0].chunk.text


def test_k_is_respected(assistant):
    assert len(assistant.retrieve("rehabilitation", k=2)) == 2
    many = assistant.retrieve("rehabilitation", k=1000)
    rows = [r for h in many for r in h.rows]
    assert len(rows) == len(set(rows)) <= len(assistant.index.chunks)


def test_a_follow_up_retrieves_through_its_history(assistant):
    history = [{"role": "user", "content": "Who called for the rehabilitation of Yeghishe Charents?"}]
    hits = assistant.retrieve("Where?", history=history)
    assert "Yerevan" in hits[0].chunk.text


def test_lexical_search_with_no_known_terms_finds_nothing(assistant):
    assert assistant.with_settings(retrieval_mode="lexical").retrieve("xyzzyq blorfle") == []


@pytest.mark.parametrize("mode", MODES)
def test_every_mode_answers(assistant, mode):
    answer = assistant.with_settings(retrieval_mode=mode).ask("When did Russia rehabilitate Leon Trotsky?")
    assert not answer.abstained
    assert "16 June 2001" in answer.text


def test_with_originals_in_several_languages_each_languages_nearest_chunks_take_turns():
    """A model ranks chunks of the question's language above equally relevant ones in another language; with
    originals in several languages the dense ranking gives each language's best chunk a place (issue 20)."""
    from types import SimpleNamespace

    from assistant.retrieval import _taking_turns

    documents = {
        "en1": SimpleNamespace(meta={"language": "en"}),
        "ru1": SimpleNamespace(meta={"language": "ru"}),
        "kk1": SimpleNamespace(meta={"language": "kk"}),
    }
    chunks = [SimpleNamespace(doc_id=d) for d in ("en1", "en1", "en1", "ru1", "kk1")]
    index = SimpleNamespace(documents=documents, chunks=chunks)
    e5 = Ranked([0, 1, 2, 3, 4], [0.9, 0.88, 0.87, 0.85, 0.84])
    # a Russian question: the first of each language (by e5's own score), then the second of each
    assert _taking_turns(index, [(e5, ["en", "ru", "kk"])], 10).rows == [0, 3, 4, 1, 2]
    minilm = Ranked([2, 0, 3], [0.6, 0.5, 0.1])  # an English question: MiniLM for English chunks, e5 for the rest
    assert _taking_turns(index, [(minilm, ["en"]), (e5, ["ru", "kk"])], 3).rows == [2, 3, 4]


def test_an_english_questions_fused_ranking_also_gives_each_language_a_turn():
    """Fusion adds the lexical list, which an English question's words fill with English chunks only: after it,
    each document language's best fused chunk still gets a place (the others follow in turns)."""
    from types import SimpleNamespace

    from assistant.retrieval import _fused_in_turns

    documents = {"en1": SimpleNamespace(meta={"language": "en"}), "ru1": SimpleNamespace(meta={"language": "ru"})}
    chunks = [SimpleNamespace(doc_id=d) for d in ("en1", "en1", "en1", "ru1")]
    index = SimpleNamespace(documents=documents, chunks=chunks)
    dense = Ranked([0, 3, 1, 2], [0.9, 0.8, 0.7, 0.6])
    lexical = Ranked([0, 1, 2], [9.0, 8.0, 7.0])  # English words: English chunks only
    fused = fuse_rankings([dense, lexical], 60)
    assert [row for row, _, _ in fused] == [0, 1, 2, 3]  # the Russian chunk, second by meaning, comes last
    assert [row for row, _, _ in _fused_in_turns(index, fused)] == [0, 3, 1, 2]
