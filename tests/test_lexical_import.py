"""bm25s is imported without numba and scipy, and leaves no placeholder that would stop them importing afterwards."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_bm25s_comes_without_numba_and_scipy():
    code = (
        "import json, sys; from assistant.index.lexical import import_bm25s; b = import_bm25s(); "
        "print(json.dumps({'left': [m for m in ('numba', 'scipy') if m in sys.modules], "
        "'numba_backend': b.NUMBA_AVAILABLE, 'again': import_bm25s() is b, 'retriever': b.BM25().backend}))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    # no None placeholder left behind, which would stop numba and scipy importing later
    assert result == {"left": [], "numba_backend": False, "again": True, "retriever": "numpy"}
