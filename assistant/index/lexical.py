"""bm25s, imported without the numba and scipy it takes in whenever they are installed.

bm25s's `__init__` imports numba (for its JIT backend) and scipy.sparse (for one way of building its
matrix) if it can; the index is built and read with its numpy backend (its default), which needs
neither. A cold start paid for both: importing bm25s took ~0.35-0.45 s of CPU time with them (numba
comes with the eval extras' ranx; scipy with sentence-transformers) and ~0.065 s without. The matrices
it builds are byte for byte the same either way (checked under one hash seed; the vocabulary's order
follows the hash seed). Once imported, numba and scipy import as usual for whoever needs them.
"""

from __future__ import annotations

import sys

OPTIONAL = ("numba", "scipy")


def import_bm25s():
    """The bm25s module (imported on first use with numba and scipy held back, then released)."""
    if "bm25s" in sys.modules:
        return sys.modules["bm25s"]
    held = [name for name in OPTIONAL if name not in sys.modules]
    for name in held:
        sys.modules[name] = None  # `import name` raises ImportError, which bm25s handles
    try:
        import bm25s
    finally:
        for name in held:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]
    return bm25s
