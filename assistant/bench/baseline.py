"""The LangChain-tutorial RAG pipeline, kept as the benchmark's baseline.

As the tutorial builds it: `RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)`
over the corpus text, one MiniLM vector per chunk (sentence-transformers, torch), FAISS flat
inner product over unit vectors, and, with no language model here, the top-1 chunk's text as
the answer. It never refuses and ignores the conversation history. Held in memory, not saved.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

CHUNK_SIZE = 1000  # characters, the tutorial's figures
CHUNK_OVERLAP = 200


@dataclass
class Baseline:
    """Chunk texts, their FAISS index, and the model that embedded them."""

    chunks: list[str]
    index: object  # faiss.IndexFlatIP
    model: object  # sentence_transformers.SentenceTransformer
    seconds: float = 0.0  # how long `build` took, model already loaded
    embed_seconds: float = 0.0  # of which embedding the chunks

    @classmethod
    def build(cls, corpus_dir: Path, model) -> Baseline:
        """Split, embed and index the corpus documents the tutorial's way."""
        import faiss
        import numpy as np
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        from ..corpus import load_corpus

        started = time.perf_counter()
        documents, _ = load_corpus(Path(corpus_dir))
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        chunks = [piece for doc in documents for piece in splitter.split_text(doc.text)]
        embedding = time.perf_counter()
        vectors = model.encode(chunks, normalize_embeddings=True, convert_to_numpy=True)
        embed_seconds = time.perf_counter() - embedding
        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(chunks, index, model, time.perf_counter() - started, embed_seconds)

    def ask(self, question: str) -> str:
        """The text of the chunk nearest the question: the tutorial's context, shown as the answer."""
        return self.chunks[self.top(question, 1)[0]]

    def top(self, question: str, k: int = 1) -> list[int]:
        """Rows of the k chunks nearest the question, best first."""
        import numpy as np

        vector = self.model.encode([question], normalize_embeddings=True, convert_to_numpy=True)
        _, rows = self.index.search(np.ascontiguousarray(vector, dtype=np.float32), k)
        return [int(r) for r in rows[0] if r >= 0]
