"""Dense (FAISS), lexical (BM25) and fused search over a loaded index.

Fusion is reciprocal rank fusion: score = sum over lists of 1 / (fusion_k + rank), rank from 1.
It needs no score calibration between cosine and BM25, and the evaluation compares it with
each list alone (`retrieval_mode`). Chunks of one document whose spans overlap are merged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import Settings
from .hooks import StageHook, no_hook
from .index.read import IndexData
from .types import Chunk, Hit


@dataclass(frozen=True)
class Ranked:
    """One list's ranking: chunk rows best first, with their raw scores."""

    rows: list[int]
    scores: list[float]


def dense_search(index: IndexData, query_vector: np.ndarray, n: int, also: list[int] = (), dense=None) -> Ranked:
    """The n chunks nearest the query, by inner product.

    An approximate (HNSW) index can miss a chunk that exact search ranks first: at 1M synthetic
    chunks it missed the right chunk of q021 from its top 2000 while BM25 ranked it first. So the
    rows in `also` (the lexical candidates) are scored exactly and compete for the n places too.
    With an exact index this changes nothing: its top n already beats every other row.
    `dense` is the FAISS index to search (default: the index's own; the multilingual one for e5 queries).
    """
    dense = index.dense if dense is None else dense
    n = min(n, dense.ntotal)
    if n <= 0:
        return Ranked([], [])
    query = query_vector.reshape(1, -1).astype(np.float32)
    scores, rows = dense.search(query, n)
    found = {int(r): float(s) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0}
    extra = np.array(sorted(set(also) - found.keys()), dtype=np.int64)
    if len(extra):
        found.update(zip(extra.tolist(), (dense.reconstruct_batch(extra) @ query[0]).tolist(), strict=True))
    best = sorted(found, key=lambda r: (-found[r], r))[:n]
    return Ranked(best, [found[r] for r in best])


def lexical_search(index: IndexData, query_terms: list[str], n: int, bm25=None) -> Ranked:
    """The n chunks BM25 scores highest for the terms (`bm25`: another language's lexical index over the same rows)."""
    bm25 = index.bm25 if bm25 is None else bm25
    known = [t for t in query_terms if t in bm25.vocab_dict]
    if not known:
        return Ranked([], [])
    scores = bm25.get_scores(known)
    n = min(n, len(scores))
    top = np.argpartition(-scores, n - 1)[:n]
    top = top[np.argsort(-scores[top], kind="stable")]
    top = [int(r) for r in top if scores[r] > 0]
    return Ranked(top, [float(scores[r]) for r in top])


def fuse_rankings(lists: list[Ranked], fusion_k: int) -> list[tuple[int, float, list[int | None]]]:
    """Reciprocal rank fusion: (row, fused score, rank in each list or None), best first."""
    fused: dict[int, float] = {}
    ranks: dict[int, list[int | None]] = {}
    for i, ranked in enumerate(lists):
        for rank, row in enumerate(ranked.rows, start=1):
            fused[row] = fused.get(row, 0.0) + 1.0 / (fusion_k + rank)
            ranks.setdefault(row, [None] * len(lists))[i] = rank
    order = sorted(fused, key=lambda r: (-fused[r], r))
    return [(r, fused[r], ranks[r]) for r in order]


def search(
    index: IndexData, query_vector: np.ndarray | None, query_terms: list[str], k: int, settings: Settings,
    hook: StageHook = no_hook, language: str = "en", bridge_terms: list[str] = (), e5_vector: np.ndarray | None = None,
) -> list[Hit]:
    """The top k chunks for a query, fused from the lists `settings.retrieval_mode` asks for, overlaps merged.

    A Russian or Kazakh question (with a multilingual index) searches the chunks' e5 vectors, the
    lexical index of the translations into its language, and the originals' lexical index with its
    `bridge_terms` (numbers, and names spelt as English originals spell them: Троцкий -> trotski) and, when some
    original is written in the question's language, once more with its own terms. Two lists, not one, so that an
    original in the question's language, which meets many more of its words, does not bury an English one that
    answers (unseen tune set: ru>en 0.111 with one list, 0.222 with two); none when every original is English (on
    the seed set the extra list cost Russian hit@1, 0.786 -> 0.643 on ru:test).
    """
    mode = settings.retrieval_mode
    depth = max(settings.search_depth_per_k * k, settings.min_search_depth)
    multilingual = index.multilingual if language in ("ru", "kk") else None
    lexical_lists = [(None, bridge_terms)] if multilingual else [(None, query_terms)]
    if multilingual and language in original_languages(index):
        lexical_lists.append((None, query_terms))
    if multilingual and language in multilingual.lexical:
        lexical_lists.append((multilingual.lexical[language], query_terms))
    languages = original_languages(index)
    lexical = dense = Ranked([], [])
    if mode in ("hybrid", "lexical"):
        with hook("lexical"):
            lexical = _fused_lexical(index, lexical_lists, depth, settings.fusion_k)
    if mode in ("hybrid", "dense"):
        with hook("dense"):
            dense = dense_search(index, query_vector, depth, lexical.rows, multilingual.dense if multilingual else None)
            if len(languages) > 1:  # originals in several languages: each language's nearest chunks take turns
                readers = [(dense, languages)]
                if e5_vector is not None and index.multilingual is not None and not multilingual:
                    # an English question: MiniLM reads the English chunks, e5 the others (MiniLM reads no Cyrillic)
                    across = dense_search(index, e5_vector, depth, lexical.rows, index.multilingual.dense)
                    readers = [(dense, ["en"]), (across, [x for x in languages if x != "en"])]
                dense = _taking_turns(index, readers, depth)
    fused = fuse_rankings([dense, lexical], settings.fusion_k)
    if mode == "hybrid" and not multilingual and len(languages) > 1:
        # An English question's words meet only English originals, so fusion ranks every English chunk both lists
        # found above a Russian or Kazakh original that only e5 found: after fusion too, each language takes turns
        # (unseen tune set: en>ru 0.250 -> 0.350, nothing else moved; the seed set has English originals only).
        # Each other language's turn adds a place instead of taking one of English's: with five places and three
        # languages English kept two, and a document's lead paragraph, ranked third, was never read (unseen tune
        # set: en>en 0.636 -> 0.655)
        fused = _fused_in_turns(index, fused)
        k += len(languages) - 1
    hits = [Hit(index.chunks[row], score, d_rank, l_rank, (row,)) for row, score, (d_rank, l_rank) in fused]
    return merge_overlapping(hits, index)[:k]


def original_languages(index: IndexData) -> list[str]:
    """The languages the originals (not translations) are written in, English first; worked out once per loaded
    index (every question asks)."""
    found = index.__dict__.get("_original_languages")
    if found is None:
        languages = {d.meta.get("language", "en") for d in index.documents.values() if not d.meta.get("translation_of")}
        found = index.__dict__["_original_languages"] = sorted(languages, key=lambda x: (x != "en", x))
    return found


def _taking_turns(index: IndexData, readers: list[tuple[Ranked, list[str]]], depth: int) -> Ranked:
    """One dense ranking from each reader's ranking split by document language: the first chunk of each language,
    then the second of each, and so on; within a turn by the model's own score (the first reader's chunks before
    the second's). A model ranks chunks of the question's language above equally relevant ones of another, so a
    Russian original that answers an English question stood behind every English chunk on the topic; taking turns
    gives each language's best a place."""
    row_language = _row_languages(index)
    lists = []
    for reader, (ranked, languages) in enumerate(readers):
        for lang in languages:
            kept = [(r, sc) for r, sc in zip(ranked.rows, ranked.scores, strict=True) if row_language[r] == lang]
            lists.append((reader, kept))
    rows, scores, seen = [], [], set()
    for turn in range(max((len(k) for _, k in lists), default=0)):
        # within a turn, one model's chunks by its own score (comparable), another model's after them
        in_turn = sorted((reader, -k[turn][1], k[turn][0], k[turn][1]) for reader, k in lists if turn < len(k))
        for _, _, row, score in in_turn:
            if row not in seen:
                seen.add(row)
                rows.append(row)
                scores.append(score)
    return Ranked(rows[:depth], scores[:depth])


def _fused_in_turns(index: IndexData, fused: list[tuple[int, float, list[int | None]]]) -> list:
    """A fused ranking reordered so that each document language's chunks take turns, best first within each."""
    row_language = _row_languages(index)
    by_language: dict[str, list] = {}
    for item in fused:
        by_language.setdefault(row_language[item[0]], []).append(item)
    order = sorted(by_language, key=lambda x: (x != "en", x))
    longest = max((len(v) for v in by_language.values()), default=0)
    return [by_language[x][turn] for turn in range(longest) for x in order if turn < len(by_language[x])]


def _row_languages(index: IndexData) -> list[str]:
    """Each chunk row's document language, worked out once per loaded index."""
    row_language = index.__dict__.get("_row_language")
    if row_language is None:
        row_language = index.__dict__["_row_language"] = [
            index.documents[c.doc_id].meta.get("language", "en") for c in index.chunks
        ]
    return row_language


def _fused_lexical(index: IndexData, lists: list[tuple[object, list[str]]], depth: int, fusion_k: int) -> Ranked:
    """One lexical ranking: a single list as it is, several (one per language) fused by reciprocal rank."""
    ranked = [lexical_search(index, terms, depth, bm25) for bm25, terms in lists]
    if len(ranked) == 1:
        return ranked[0]
    fused = fuse_rankings(ranked, fusion_k)[:depth]
    return Ranked([row for row, _, _ in fused], [score for _, score, _ in fused])


def merge_overlapping(hits: list[Hit], index: IndexData) -> list[Hit]:
    """Fold a hit into a better-ranked one from the same document when their spans overlap."""
    kept: list[Hit] = []
    for hit in hits:
        for i, other in enumerate(kept):
            a, b = hit.chunk, other.chunk
            if a.doc_id == b.doc_id and a.start < b.end and b.start < a.end:
                kept[i] = Hit(_union(b, a, index), other.score + hit.score, other.dense_rank, other.lexical_rank, other.rows + hit.rows)
                break
        else:
            kept.append(hit)
    return kept


def _union(a: Chunk, b: Chunk, index: IndexData) -> Chunk:
    text = index.documents[a.doc_id].text
    start, end = min(a.start, b.start), max(a.end, b.end)
    sentences = {(s.start, s.end): s for s in (*a.sentences, *b.sentences)}
    return Chunk(a.id, a.doc_id, a.section, start, end, text[start:end], tuple(sentences[k] for k in sorted(sentences)))

