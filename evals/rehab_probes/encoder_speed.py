"""Compare the query/ingest encoders: torch, onnx and onnx-int8 (latency, throughput, agreement with torch).

Usage: python -m rehab_probes.encoder_speed [--queries 200] [--chunks 64] [--onnx-dir DIR] [--no-cold]

Prints, per backend: in-process load time, single-query latency (median, p95) over short questions after a
warm-up, chunk throughput at batch 16 for 128- and 256-token chunks, and cosine to the torch vectors; then
onnxruntime's intra-op pool (1 thread, all cores spinning, all cores not spinning, one 1-thread run per core
at once), and a cold start (fresh interpreter: import, load,
encode one query). Backends take turns (blocks of 20 queries, single batches), so a busy machine slows all
alike; the absolute numbers still depend on the machine and its load, and nothing here asserts a threshold.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from .common import GOLD, SEED_CORPUS

BACKENDS = ("torch", "onnx", "onnx-int8")
CHUNK_SIZES = (128, 256)  # word pieces per chunk, [CLS] and [SEP] included
BATCH = 16


def short_queries(n: int) -> list[str]:
    """Gold-set questions, topped up with the openings of corpus sentences, n in all."""
    from assistant.evaluation.gold import load_gold

    gold = [item["question"] for item in load_gold(GOLD)]
    words = " ".join(p.read_text(encoding="utf-8") for p in sorted(SEED_CORPUS.glob("*.txt"))).split()
    extra = [" ".join(words[i : i + 10]) + "?" for i in range(0, len(words), 10)]
    queries = (gold + extra) * (n // max(len(gold) + len(extra), 1) + 1)
    return queries[:n]


def token_chunks(tokenizer_path: Path, size: int, count: int) -> list[str]:
    """count corpus passages of size word pieces each, cut on token boundaries at staggered starts."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    tokenizer.no_truncation()
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEED_CORPUS.glob("*.txt")))
    text = " ".join([text] * (size * count // 1000 + 2))  # repeat so every window fits
    offsets = tokenizer.encode(text, add_special_tokens=False).offsets
    pieces = size - 2
    stride = max(1, (len(offsets) - pieces) // count)
    return [text[offsets[i][0] : offsets[i + pieces - 1][1]] for i in range(0, stride * count, stride)]


def query_latencies(encoders: dict, queries: list[str], warmup: int = 10, block: int = 20) -> dict[str, list[float]]:
    """Seconds per single-query encode for each encoder, taking turns in blocks so machine load hits all alike."""
    for encode in encoders.values():
        for q in queries[:warmup]:
            encode([q])
    times = {name: [] for name in encoders}
    for i in range(0, len(queries), block):
        for name, encode in encoders.items():
            settle()
            for q in queries[i : i + block]:
                start = time.perf_counter()
                encode([q])
                times[name].append(time.perf_counter() - start)
    return times


def settle() -> None:
    """Let the previous backend's worker threads stop spin-waiting before the next one is timed."""
    time.sleep(0.2)


def throughput(encoders: dict, chunks: list[str]) -> dict[str, tuple[float, np.ndarray]]:
    """(seconds, vectors) per encoder for chunks in batches of BATCH, taking turns batch by batch."""
    for encode in encoders.values():
        encode(chunks[:BATCH])  # warm-up
    seconds = dict.fromkeys(encoders, 0.0)
    vectors = {name: [] for name in encoders}
    for i in range(0, len(chunks), BATCH):
        for name, encode in encoders.items():
            settle()
            start = time.perf_counter()
            vectors[name].append(encode(chunks[i : i + BATCH]))
            seconds[name] += time.perf_counter() - start
    return {name: (seconds[name], np.concatenate(vectors[name])) for name in encoders}


def cold_start(backend: str, onnx_dir: Path) -> float:
    """Wall seconds for a fresh interpreter to import, load and encode one query."""
    code = (
        "from pathlib import Path; from assistant.embedding import Encoder; "
        f"Encoder('all-MiniLM-L6-v2', backend={backend!r}, onnx_dir=Path({str(onnx_dir)!r})).encode(['Who was Trotsky?'])"
    )
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - start


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def main(argv: list[str] | None = None) -> None:
    from assistant.config import default_onnx_dir, set_offline_environment

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--chunks", type=int, default=64, help="chunks per size")
    parser.add_argument("--onnx-dir", type=Path, default=default_onnx_dir())
    parser.add_argument("--no-cold", action="store_true", help="skip the fresh-interpreter cold starts")
    args = parser.parse_args(argv)

    from assistant.embedding import Encoder
    from assistant.onnx_encoder import OnnxEncoder

    set_offline_environment()
    queries = short_queries(args.queries)
    encoders = {b: Encoder("all-MiniLM-L6-v2", batch_size=BATCH, backend=b, onnx_dir=args.onnx_dir) for b in BACKENDS}
    tokenizer_path = encoders["torch"].path / "tokenizer.json"
    chunks = {size: token_chunks(tokenizer_path, size, args.chunks) for size in CHUNK_SIZES}
    tokens = {size: sum(min(encoders["torch"].count_tokens(c) + 2, size) for c in chunks[size]) for size in CHUNK_SIZES}

    loads = {}
    for backend, encoder in encoders.items():
        start = time.perf_counter()
        encoder.encode(["warm up"])  # loads the model or the ONNX session (exporting once if needed)
        loads[backend] = time.perf_counter() - start
    encode = {backend: encoder.encode for backend, encoder in encoders.items()}
    latencies = query_latencies(encode, queries)
    runs = {size: throughput(encode, chunks[size]) for size in CHUNK_SIZES}
    query_vectors = {backend: encoder.encode(queries) for backend, encoder in encoders.items()}

    print(
        f"{len(queries)} queries; {args.chunks} chunks each of {' and '.join(map(str, CHUNK_SIZES))} tokens; batch {BATCH}"
    )
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (figures inflate when it exceeds the CPUs)")
    header = f"{'backend':<10} {'load s':>7} {'q med ms':>9} {'q p95 ms':>9}"
    header += "".join(f" {f'{size}t ch/s':>9} {f'{size}t tok/s':>10}" for size in CHUNK_SIZES)
    print(header + f" {'cos min':>8} {'cos mean':>9}")
    for backend in BACKENDS:
        lat = latencies[backend]
        row = f"{backend:<10} {loads[backend]:>7.2f} {ms(statistics.median(lat)):>9} {ms(np.percentile(lat, 95)):>9}"
        for size in CHUNK_SIZES:
            seconds = runs[size][backend][0]
            row += f" {len(chunks[size]) / seconds:>9.1f} {tokens[size] / seconds:>10.0f}"
        vectors = np.concatenate([query_vectors[backend], *(runs[size][backend][1] for size in CHUNK_SIZES)])
        reference = np.concatenate([query_vectors["torch"], *(runs[size]["torch"][1] for size in CHUNK_SIZES)])
        cosines = (vectors * reference).sum(axis=1)
        print(f"{row} {cosines.min():>8.4f} {cosines.mean():>9.4f}", flush=True)

    print("\nonnxruntime intra-op pool: single query median / p95 ms, 256-token chunks/s")
    cores = os.cpu_count() or 2
    pools = {  # threads per run, spinning, runs at once (the bulk/ingest encoder uses 1 thread x cores)
        "1 thread": (1, False, 1),
        f"{cores} threads, spinning": (cores, True, 1),
        f"{cores} threads, no spinning": (cores, False, 1),
        f"1 thread x {cores} runs at once": (1, False, cores),
    }
    sessions = {
        f"{backend}, {pool}": OnnxEncoder.for_model(
            encoders[backend], quantized=backend == "onnx-int8", threads=threads, spin=spin, workers=workers
        ).encode
        for backend in ("onnx", "onnx-int8")
        for pool, (threads, spin, workers) in pools.items()
    }
    pool_latencies = query_latencies(sessions, queries)
    pool_runs = throughput(sessions, chunks[256])
    for name, lat in pool_latencies.items():
        rate = len(chunks[256]) / pool_runs[name][0]
        print(f"  {name:<34} {ms(statistics.median(lat)):>6} / {ms(np.percentile(lat, 95)):>6}   {rate:>5.1f}")

    if not args.no_cold:
        print("\ncold start: fresh interpreter, import + load + one query (s)")
        for backend in BACKENDS:
            print(f"  {backend:<10} {cold_start(backend, args.onnx_dir):.2f}", flush=True)


if __name__ == "__main__":
    main()
