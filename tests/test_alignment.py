"""Sentence alignment of translations: the dynamic programme on hand-made matrices, then the drafts with real e5 vectors."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from assistant.alignment import FLOOR, GAP, AlignmentReport, Pair, align, report, scores
from assistant.chunking import split_sentences

ROOT = Path(__file__).parents[1]
DRAFTS = ROOT / "corpus"  # the draft translations ship in the corpus
FIXTURE = ROOT / "tests" / "data" / "translations" / "misaligned.ru.txt"


def steps(pairs: list[Pair]) -> list[tuple[int | None, int | None]]:
    return [(p.original, p.translation) for p in pairs]


def check_shape(pairs: list[Pair], n: int, m: int) -> None:
    """Every sentence of each side appears exactly once, in order, and no index is out of range."""
    assert [p.original for p in pairs if p.original is not None] == list(range(n))
    assert [p.translation for p in pairs if p.translation is not None] == list(range(m))


# --- the dynamic programme on hand-made matrices ----------------------------------------


def test_identity_aligns_every_sentence_with_its_own():
    pairs = align(np.eye(4))
    assert steps(pairs) == [(0, 0), (1, 1), (2, 2), (3, 3)]
    assert [p.similarity for p in pairs] == [1.0] * 4
    assert report(pairs) == AlignmentReport(pairs, aligned=4, flagged_original=[], flagged_translation=[])


def test_a_dropped_sentence_is_flagged_on_the_original_side():
    sim = np.full((4, 3), -0.05)
    sim[[0, 1, 3], [0, 1, 2]] = 0.05  # original 2 was left out of the translation
    pairs = align(sim)
    assert steps(pairs) == [(0, 0), (1, 1), (2, None), (3, 2)]
    r = report(pairs)
    assert (r.aligned, r.flagged_original, r.flagged_translation) == (3, [2], [])


def test_an_inserted_sentence_is_flagged_on_the_translation_side():
    sim = np.full((3, 4), -0.05)
    sim[[0, 1, 2], [0, 2, 3]] = 0.05  # translation 1 has no original
    pairs = align(sim)
    assert steps(pairs) == [(0, 0), (None, 1), (1, 2), (2, 3)]
    r = report(pairs)
    assert (r.aligned, r.flagged_original, r.flagged_translation) == (3, [], [1])


@pytest.mark.parametrize("gap", [0.0, GAP, 0.1, 10.0])
def test_a_swap_is_flagged_or_aligned_right_never_crossed(gap):
    sim = np.full((4, 4), -0.05)
    sim[[0, 1, 2, 3], [0, 2, 1, 3]] = 0.05  # the translation has sentences 1 and 2 the other way round
    pairs = align(sim, gap=gap)
    check_shape(pairs, 4, 4)
    right = {(0, 0), (1, 2), (2, 1), (3, 3)}
    aligned = {(p.original, p.translation) for p in pairs if None not in (p.original, p.translation)}
    assert aligned <= right and {(0, 0), (3, 3)} <= aligned
    r = report(pairs)
    assert r.aligned == len(aligned) and r.aligned + len(r.flagged_original) == 4
    if gap == 10.0:  # gaps too dear: the crossed pairs are taken, and the floor flags them
        assert r.flagged_original == [1, 2] and r.flagged_translation == [1, 2]


def test_a_pair_below_the_floor_is_flagged_on_both_sides_in_place():
    sim = np.array([[0.9, 0.0, 0.0], [0.0, 0.2, 0.0], [0.0, 0.0, 0.9]])
    pairs = align(sim, gap=1.0, floor=0.5)
    assert steps(pairs) == [(0, 0), (1, None), (None, 1), (2, 2)]
    assert pairs[1].similarity == pairs[2].similarity == pytest.approx(0.2)  # the rejected pair's score is kept
    r = report(pairs)
    assert (r.aligned, r.flagged_original, r.flagged_translation) == (2, [1], [1])


@pytest.mark.parametrize("n, m", [(0, 0), (0, 3), (3, 0)])
def test_empty_sides(n, m):
    pairs = align(np.zeros((n, m)))
    check_shape(pairs, n, m)
    assert report(pairs) == AlignmentReport(
        pairs, aligned=0, flagged_original=list(range(n)), flagged_translation=list(range(m))
    )
    assert scores(np.zeros((n, 384)), np.zeros((m, 384))).shape == (n, m)


def _best_total(sim: np.ndarray, gap: float) -> float:
    """The best total over every monotonic alignment, by brute force."""
    n, m = sim.shape
    best = -np.inf
    for k in range(min(n, m) + 1):
        for rows in itertools.combinations(range(n), k):
            for cols in itertools.combinations(range(m), k):
                total = sum(sim[i, j] for i, j in zip(rows, cols, strict=True)) - gap * (n + m - 2 * k)
                best = max(best, total)
    return best


def test_the_programme_finds_the_best_alignment_and_keeps_order():
    rng = np.random.default_rng(7)
    for _ in range(150):
        n, m = rng.integers(0, 5, size=2)
        sim = rng.normal(0, 0.05, size=(n, m))
        gap = float(rng.choice([0.0, 0.01, 0.03, 0.1]))
        pairs = align(sim, gap=gap, floor=-np.inf)
        check_shape(pairs, n, m)
        total = sum(p.similarity for p in pairs if None not in (p.original, p.translation))
        total -= gap * sum(None in (p.original, p.translation) for p in pairs)
        assert total == pytest.approx(_best_total(sim, gap))
        floored = align(sim, gap=gap, floor=0.0)
        check_shape(floored, n, m)
        assert all(p.similarity >= 0.0 for p in floored if None not in (p.original, p.translation))


def test_scores_are_margins_over_each_sides_neighbours():
    rng = np.random.default_rng(3)
    base = rng.normal(size=(6, 16))
    noisy = base + rng.normal(scale=0.3, size=base.shape)
    unit = lambda x: x / np.linalg.norm(x, axis=1, keepdims=True)  # noqa: E731
    s = scores(unit(base), unit(noisy))
    assert s.shape == (6, 6)
    assert (np.diag(s) > 0).all() and (s[~np.eye(6, dtype=bool)] < np.diag(s).min()).all()
    assert steps(align(s)) == [(i, i) for i in range(6)]


# --- the draft translations, with the real multilingual model -----------------------------

def sentences(text: str, language: str = "en") -> list[str]:
    """The sentences of a whole document, as ingest splits them (in its language)."""
    return [text[a:b] for a, b in split_sentences(text, language=language)]


GOOD = [
    ("kazakhstan-state-commission", "ru"),
    ("kazakhstan-state-commission", "kk"),
    ("rehabilitation-soviet", "ru"),
    ("rehabilitation-soviet", "kk"),
]


@pytest.fixture(scope="module")
def vectors():
    """Unit e5 vectors of each original's and each draft's sentences, keyed by file name."""
    from assistant.config import default_onnx_dir
    from assistant.e5_onnx import E5Onnx

    model = E5Onnx.load(default_onnx_dir(), threads=2)  # the engine ingest aligns with (multilingual_encoder default)
    files = [ROOT / "corpus" / f"{doc}.txt" for doc in {d for d, _ in GOOD}]
    files += [DRAFTS / f"{doc}.{lang}.txt" for doc, lang in GOOD] + [FIXTURE]
    out = {}
    for path in files:
        language = path.name.split(".")[-2] if path.name.count(".") > 1 else "en"  # name.ru.txt is Russian
        texts = sentences(path.read_text(encoding="utf-8"), language)
        out[path.name] = (texts, model.passages(texts))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("doc, lang", GOOD)
def test_each_draft_aligns_one_to_one_in_order(vectors, doc, lang):
    original, (translation, t_vecs) = vectors[f"{doc}.txt"], vectors[f"{doc}.{lang}.txt"]
    n = len(original[0])
    assert len(translation) == n  # the drafts are sentence for sentence
    s = scores(original[1], t_vecs)
    assert np.diag(s).min() > FLOOR + 0.01  # measured: 0.008 for the weakest kk pair, FLOOR -0.01
    pairs = align(s)
    assert steps(pairs) == [(i, i) for i in range(n)]
    r = report(pairs)
    assert (r.aligned, r.flagged_original, r.flagged_translation) == (n, [], [])


@pytest.mark.slow
def test_the_misaligned_fixture_flags_its_dropped_sentences_and_never_crosses_the_swap(vectors):
    original, (translation, t_vecs) = vectors["kazakhstan-state-commission.txt"], vectors["misaligned.ru.txt"]
    assert (len(original[0]), len(translation)) == (20, 18)
    # sentences 8 and 14 (counting from 1, the title line as 1) dropped, 19 and 20 swapped; 0-based below
    truth = [i for i in range(20) if i not in (7, 13)]
    truth[16], truth[17] = truth[17], truth[16]
    pairs = align(scores(original[1], t_vecs))
    check_shape(pairs, 20, 18)
    for p in pairs:
        if p.original is not None and p.translation is not None:
            assert truth[p.translation] == p.original, (p, translation[p.translation])
    r = report(pairs)
    assert {7, 13} <= set(r.flagged_original) <= {7, 13, 18, 19}
    assert set(r.flagged_translation) <= {16, 17}
    assert r.aligned == 18 - len(r.flagged_translation) >= 16


@pytest.mark.slow
def test_no_pair_points_out_of_range_for_any_draft_against_any_original(vectors):
    originals = ["kazakhstan-state-commission.txt", "rehabilitation-soviet.txt"]
    drafts = [f"{d}.{lang}.txt" for d, lang in GOOD] + ["misaligned.ru.txt"]
    for o, t in itertools.product(originals, drafts):
        (_, o_vecs), (_, t_vecs) = vectors[o], vectors[t]
        check_shape(align(scores(o_vecs, t_vecs)), len(o_vecs), len(t_vecs))
