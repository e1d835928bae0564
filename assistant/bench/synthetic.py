"""Synthetic corpora for the scale benchmark, with the real corpus inside.

A synthetic chunk is two sentences drawn from a pool of generated fake-history sentences
("The tribunal of Varesk reviewed the petitions of the miners ..."): no digits, and no sentence
holds any gold answer string, so the gold questions can only be answered from the real chunks.
To keep a million-chunk run short only the pool is embedded with the real model; a chunk's
vector is the normalised sum of its two sentences' vectors plus Gaussian noise (so no two are
identical), and its sentence vectors are the pool's own. The real chunks keep their real
vectors and sit at random positions. The index is written by `assistant.index.write.write_index`,
so the loader, HNSW switch and BM25 under test are the project's own.
"""

from __future__ import annotations

import copy
import math
import random
import time
from pathlib import Path

CHUNKS_PER_DOCUMENT = 100
NOISE = 0.03  # per-dimension standard deviation added to synthetic chunk vectors

_SYLLABLES = "va re do ko mi li sha to ne ul be ga os ta ve ri ma so di ka lu pe zo tu".split()
_SURNAME_ENDS = ["ov", "in", "enko", "ski", "ek", "ar", "uk", "eva"]
_PLACE_ENDS = ["grad", "sk", "ovo", "ino", "ar", "eni", "pol", "yar"]
_WORDS = {
    "verb": "reviewed sealed opened catalogued copied transferred examined annotated rejected forwarded".split(),
    "records": "files petitions registers letters appeals ledgers reports dossiers decrees minutes".split(),
    "body": [
        "council",
        "tribunal",
        "ministry",
        "committee",
        "bureau",
        "archive office",
        "district court",
        "regional board",
        "procuracy",
        "land office",
    ],
    "ordinal": "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split(),
    "period": "season quarter decade winter spring harvest session campaign".split(),
    "count": ["several", "dozens of", "hundreds of", "a few", "many", "nearly all", "some", "numerous"],
    "group": [
        "farmers",
        "clerks",
        "teachers",
        "engineers",
        "railway workers",
        "miners",
        "students",
        "officers",
        "writers",
        "fishermen",
        "deportees",
        "settlers",
    ],
    "outcome": [
        "been released",
        "been resettled",
        "been pardoned",
        "been cleared of charges",
        "returned home",
        "lost their property",
        "been sent to the northern camps",
        "been rehabilitated after review",
        "been exiled",
    ],
    "topic": "rehabilitation repression deportation amnesty resettlement trial appeal release".split(),
    "adj": "brief detailed damaged sealed forgotten handwritten typed classified".split(),
}
_TEMPLATES = [
    "{name} of {place} {verb} the {records} of the {body} during the {ordinal} {period}.",
    "In the {ordinal} {period}, the {body} of {place} {verb} {count} {records} concerning the {group}.",
    "The {body} at {place} {verb} {count} {records} showing that {group} from {place2} had {outcome}.",
    "{Group} in {place} sent {count} {records} to the {body}, according to {name}.",
    "A {adj} register from {place} records the {topic} of {group} under {name}.",
    "{name} wrote that the {topic} of the {group} of {place} was delayed by the {body}.",
]


def _pseudo_word(rng: random.Random, ends: list[str]) -> str:
    return ("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 2))) + rng.choice(ends)).capitalize()


def _sentence(rng: random.Random) -> str:
    slots = {k: rng.choice(v) for k, v in _WORDS.items()}
    slots["Group"] = slots["group"].capitalize()
    first = _pseudo_word(rng, ["a", "o", "ir", "an", "el"])
    slots["name"] = f"{first} {_pseudo_word(rng, _SURNAME_ENDS)}"
    slots["place"], slots["place2"] = _pseudo_word(rng, _PLACE_ENDS), _pseudo_word(rng, _PLACE_ENDS)
    return rng.choice(_TEMPLATES).format(**slots)


def sentence_pool(n: int, forbidden: list[str], seed: int = 0) -> list[str]:
    """n distinct generated sentences, none containing a forbidden string (case-insensitive)."""
    rng = random.Random(seed)
    folded = [f.casefold() for f in forbidden if f.strip()]
    pool: dict[str, None] = {}
    while len(pool) < n:
        text = _sentence(rng)
        if not any(f in text.casefold() for f in folded):
            pool[text] = None
    return list(pool)


def pool_size(max_chunks: int) -> int:
    """Sentences needed so every synthetic chunk can be a distinct ordered pair of them."""
    return max(16, math.ceil(math.sqrt(max_chunks * 1.1)))


def _code(n: int) -> str:
    """A letters-only name for a synthetic document (digits could spell a gold year)."""
    letters = ""
    for _ in range(4):
        n, r = divmod(n, 26)
        letters = chr(ord("a") + r) + letters
    return letters


def synthetic_chunks(n: int, pool: list[str], rng):
    """Documents and chunks for n synthetic chunks, plus the pool rows (a, b) each is made of."""
    from ..chunking import chunk_id
    from ..types import Chunk, Document, Section, Sentence

    pairs = rng.choice(len(pool) ** 2, size=n, replace=False)
    first, second = pairs // len(pool), pairs % len(pool)
    documents, chunks = [], []
    for d in range(0, n, CHUNKS_PER_DOCUMENT):
        doc_id, title = (
            f"synthetic-{_code(d // CHUNKS_PER_DOCUMENT)}",
            f"Synthetic register {_code(d // CHUNKS_PER_DOCUMENT).upper()}",
        )
        parts, cursor, doc_chunks = [], 0, []
        for a, b in zip(
            first[d : d + CHUNKS_PER_DOCUMENT].tolist(), second[d : d + CHUNKS_PER_DOCUMENT].tolist(), strict=True
        ):
            s1, s2 = pool[a], pool[b]
            start, end = cursor, cursor + len(s1) + 1 + len(s2)
            text = f"{s1} {s2}"
            cid = chunk_id(doc_id, start, end, text)
            sentences = (Sentence(cid, start, start + len(s1), s1), Sentence(cid, end - len(s2), end, s2))
            doc_chunks.append(Chunk(cid, doc_id, (title,), start, end, text, sentences))
            parts.append(text)
            cursor = end + 2
        text = "\n\n".join(parts)
        documents.append(
            Document(
                doc_id, title, text, f"synthetic/{doc_id}.txt", (Section((title,), 0, len(text)),), {"synthetic": True}
            )
        )
        chunks += doc_chunks
    return documents, chunks, first, second


def synthetic_vectors(first, second, pool_vectors, rng, block: int = 100_000):
    """Chunk vectors: normalised sum of the two sentence vectors plus noise, built block by block."""
    import numpy as np

    out = np.empty((len(first), pool_vectors.shape[1]), dtype=np.float32)
    for i in range(0, len(first), block):
        v = pool_vectors[first[i : i + block]] + pool_vectors[second[i : i + block]]
        v += rng.normal(0.0, NOISE, size=v.shape).astype(np.float32)
        out[i : i + block] = v / np.linalg.norm(v, axis=1, keepdims=True)
    return out


def real_parts(seed_index_dir: Path):
    """The seed index's documents, chunks, chunk vectors, sentence vectors and manifest."""
    from ..index.read import load_index

    seed = load_index(Path(seed_index_dir))
    vectors = seed.dense.reconstruct_n(0, seed.dense.ntotal)
    return list(seed.documents.values()), seed.chunks, vectors, seed.sentence_vectors, seed.manifest


def scaled_corpus(total: int, seed_index_dir: Path, pool: list[str], pool_vectors, seed: int = 0):
    """(documents, chunks, chunk vectors, sentence vectors, manifest) of `total` chunks, the real ones inside."""
    import numpy as np

    documents, real_chunks, real_vectors, real_sentences, manifest = real_parts(seed_index_dir)
    n_syn = total - len(real_chunks)
    if n_syn < 0 or n_syn > len(pool) ** 2:
        raise ValueError(f"cannot make {total} chunks from {len(real_chunks)} real ones and a pool of {len(pool)}")
    rng = np.random.default_rng(seed)
    syn_docs, syn_chunks, first, second = synthetic_chunks(n_syn, pool, rng)
    real_at = np.sort(rng.choice(total, size=len(real_chunks), replace=False))
    is_real = np.zeros(total, dtype=bool)
    is_real[real_at] = True
    chunks = _interleave(real_chunks, syn_chunks, is_real)
    chunk_vectors = np.empty((total, real_vectors.shape[1]), dtype=np.float32)
    chunk_vectors[is_real] = real_vectors
    chunk_vectors[~is_real] = synthetic_vectors(first, second, pool_vectors, rng)
    sentence_vectors = _sentence_rows(chunks, is_real, real_sentences, pool_vectors, first, second)
    manifest = copy.deepcopy(manifest)
    for key in ("index", "build", "checksums", "multilingual", "translations"):  # the scaled index is English only
        manifest.pop(key, None)
    manifest["counts"] = {
        "documents": len(documents) + len(syn_docs),
        "chunks": total,
        "sentences": len(sentence_vectors),
    }
    manifest["synthetic"] = {"chunks": n_syn, "real_chunks": len(real_chunks), "pool": len(pool), "noise": NOISE}
    return documents + syn_docs, chunks, chunk_vectors, sentence_vectors, manifest


def _interleave(real: list, synthetic: list, is_real) -> list:
    real_it, syn_it = iter(real), iter(synthetic)
    return [next(real_it) if flag else next(syn_it) for flag in is_real.tolist()]


def _sentence_rows(chunks, is_real, real_sentences, pool_vectors, first, second):
    """Sentence vectors in chunk order: the real rows for real chunks, pool rows for synthetic ones."""
    import numpy as np

    counts = np.array([len(c.sentences) for c in chunks])
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    out = np.empty((int(counts.sum()), pool_vectors.shape[1]), dtype=np.float32)
    syn_at = offsets[~is_real]
    out[syn_at] = pool_vectors[first]
    out[syn_at + 1] = pool_vectors[second]
    real_rows = (
        np.concatenate([np.arange(o, o + c) for o, c in zip(offsets[is_real], counts[is_real], strict=True)])
        if is_real.any()
        else []
    )
    out[real_rows] = real_sentences
    return out


def write_scaled_index(
    settings, total: int, seed_index_dir: Path, pool: list[str], pool_vectors, seed: int = 0
) -> dict:
    """Generate a corpus of `total` chunks and write it to settings.index_dir; returns timings."""
    from ..hooks import timing_hook
    from ..index.write import write_index

    started = time.perf_counter()
    documents, chunks, chunk_vectors, sentence_vectors, manifest = scaled_corpus(
        total, seed_index_dir, pool, pool_vectors, seed
    )
    generated = time.perf_counter() - started
    times: dict = {}  # the writer's stages: "dense" (FAISS), "bm25", ...
    hook = timing_hook(times.__setitem__)
    started = time.perf_counter()
    write_index(settings, manifest, documents, chunks, chunk_vectors, sentence_vectors, hook=hook)
    times["write"] = time.perf_counter() - started
    return {
        "generate_s": generated,
        "write_s": times["write"],
        "dense_s": times.get("dense"),
        "bm25_s": times.get("bm25"),
        "sentences": len(sentence_vectors),
    }
