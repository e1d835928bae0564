"""`assistant ingest --ray auto|ADDRESS`: embed on a Ray cluster, then write the index as a local ingest does.

Embedding is the one part of an ingest that grows with the archive, and it is embarrassingly
parallel: every vector depends on its text alone (the int8 encoder runs one text at a time, e5
likewise) and is cached by model and text hash. So this module only fills the embedding cache:
it lists every text a build will embed (chunks and sentences for each model, the sentences the
translations are aligned by), keeps those the cache lacks, and sends them through a Ray Data
`map_batches` over CPU actors, each loading its encoders once. `build_index` then finds every
vector in the cache and writes the same index a local ingest writes.

Ray is an optional extra (`pip install -e ".[cluster]"`). `auto` starts a cluster on this machine
for this ingest, bound to 127.0.0.1, with no dashboard, usage statistics off and a small object
store. An ADDRESS (host:port of a cluster's head) joins that cluster, whose workers need this
package installed (and, with token authentication, the cluster's token in RAY_AUTH_TOKEN_PATH).
Scans are read by OCR on this machine before the texts are listed (into the OCR cache, which the
build then reads), so their text is embedded on the cluster too. Left out: spreading the corpus
reading and the index build itself (seconds next to embedding's hours at archive scale), and OCR, which
runs on this machine's cores only: a scan-heavy archive would gain from spreading it too.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import numpy as np

from ..chunking import chunk_corpus, embedded_sentence, embedded_text
from ..config import Settings
from ..corpus import load_corpus
from ..embedding import EmbeddingCache, Encoder, text_hash
from ..errors import AssistantError
from ..scan.reader import ScanReader
from ..translations import sentence_spans, split_originals

OBJECT_STORE_BYTES = 100 * 2**20  # texts and vectors only: a small store is plenty
ROWS_PER_BATCH = 64


@dataclass
class RayReport:
    """What the Ray step did: texts listed, already cached, embedded on the cluster, workers and time."""

    texts: int = 0
    cached: int = 0
    embedded: int = 0
    workers: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        rate = f", {self.embedded / self.seconds:.0f} texts/s" if self.seconds and self.embedded else ""
        return (
            f"ray: {self.texts} texts, {self.cached} already cached, {self.embedded} embedded by "
            f"{self.workers} worker(s) in {self.seconds:.1f} s{rate}"
        )


def texts_to_embed(settings: Settings, encoder: Encoder) -> dict[str, list[str]]:
    """Every text a build of the corpus embeds, per model ("ingest", and "multilingual" when it is on)."""
    documents, _ = load_corpus(settings.corpus_dir, ScanReader(settings))  # scans too: OCR'd here, cached
    originals, translations, _ = split_originals(documents)
    chunks = chunk_corpus(originals, settings, encoder)
    texts = [embedded_text(c) for c in chunks] + [embedded_sentence(c, s) for c in chunks for s in c.sentences]
    wanted = {"ingest": texts}
    if settings.multilingual_model:
        by_id = {d.id: d for d in documents}
        aligned = []
        for translation in translations:
            original = by_id.get(translation.meta.get("translation_of"))
            for doc in (original, translation) if original else ():
                aligned += [doc.text[a:b] for a, b in sentence_spans(doc)]
        wanted["multilingual"] = texts + aligned
    return wanted


def fill_cache_with_ray(
    settings: Settings, address: str, workers: int = 2, encoder: Encoder | None = None
) -> RayReport:
    """Embed on Ray every text of the next build that the cache lacks, and store the vectors in the cache."""
    started = time.perf_counter()
    encoder = encoder or Encoder.for_ingest(settings)
    encoders = {"ingest": encoder, "multilingual": Encoder.for_multilingual(settings)}
    wanted = texts_to_embed(settings, encoder)
    report = RayReport(workers=workers)
    rows = []
    cache = EmbeddingCache(settings.cache_dir / "embeddings.sqlite")
    try:
        for which, texts in wanted.items():
            by_hash = {text_hash(t): t for t in texts}
            known = cache.get_many(cache_key(encoders[which]), list(by_hash))
            report.texts += len(by_hash)
            report.cached += len(known)
            rows += [{"model": which, "hash": h, "text": t} for h, t in sorted(by_hash.items()) if h not in known]
        if rows:
            for which, vectors in embed_on_ray(settings, address, workers, rows).items():
                cache.put_many(cache_key(encoders[which]), vectors)
        report.embedded = len(rows)
    finally:
        cache.close()
    report.seconds = time.perf_counter() - started
    return report


def cache_key(encoder: Encoder) -> str:
    """How the embedding cache names a model's vectors (as embed_with_cache does)."""
    return f"{encoder.model_id}|{encoder.backend}"


def embed_on_ray(
    settings: Settings, address: str, workers: int, rows: list[dict], timing: dict | None = None
) -> dict[str, dict[str, np.ndarray]]:
    """model -> text hash -> vector for rows {model, hash, text}, from a map_batches over `workers` one-CPU actors.

    `timing`, when given, receives connect_s (joining or starting the cluster) and embed_s (the map itself).
    """
    t0 = time.perf_counter()
    ray = _connect(address)
    t1 = time.perf_counter()
    try:
        import ray.data

        ray.data.DataContext.get_current().enable_progress_bars = False
        dataset = ray.data.from_items(rows, override_num_blocks=max(1, min(len(rows) // ROWS_PER_BATCH, 4 * workers)))
        embedded = dataset.map_batches(
            EmbedBatch,
            fn_constructor_kwargs={"settings": settings},
            batch_size=ROWS_PER_BATCH,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=workers),
            num_cpus=1,
        )
        out: dict[str, dict[str, np.ndarray]] = {}
        for batch in embedded.iter_batches(batch_size=1024, batch_format="numpy"):
            for which, h, v in zip(batch["model"], batch["hash"], batch["vector"], strict=True):
                out.setdefault(str(which), {})[str(h)] = np.asarray(v, dtype=np.float32)
        if timing is not None:
            timing.update(connect_s=t1 - t0, embed_s=time.perf_counter() - t1)
        return out
    finally:
        ray.shutdown()


class EmbedBatch:
    """A Ray actor's work: its encoders loaded once, then a batch of rows embedded per model."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.encoders: dict[str, Encoder] = {}

    def encoder(self, which: str) -> Encoder:
        if which not in self.encoders:
            s = self.settings
            if which == "ingest":  # one actor is one CPU: one single-thread run, not one per core
                enc = Encoder(s.model, s.embed_batch_size, s.ingest_encoder, s.onnx_dir, bulk=False, threads=1)
            else:
                enc = Encoder.for_multilingual(s, threads=1)
            self.encoders[which] = enc
        return self.encoders[which]

    def __call__(self, batch: dict) -> dict:
        models = [str(m) for m in batch["model"]]
        texts = [str(t) for t in batch["text"]]
        vectors: list = [None] * len(texts)
        for which in sorted(set(models)):
            rows = [i for i, m in enumerate(models) if m == which]
            for i, v in zip(rows, self.encoder(which).encode([texts[i] for i in rows]), strict=True):
                vectors[i] = v
        return {"model": batch["model"], "hash": batch["hash"], "vector": np.stack(vectors).astype(np.float32)}


def _connect(address: str):
    """Ray, joined to the cluster at `address`, or with "auto" a cluster of this machine started for this ingest.

    On this machine (auto, or a 127.x / localhost address) Ray is kept on loopback: its node address
    resolves to 127.0.0.1, as the cluster's does when started with the same environment (see tests/test_ray.py).
    Token authentication stays on: a cluster started here shares its token through RAY_AUTH_TOKEN_PATH
    or ~/.ray/auth_token.
    """
    host = address.rpartition(":")[0] if address != "auto" else "127.0.0.1"
    os.environ.update(ray_environment(loopback=host.startswith("127.") or host == "localhost"))
    try:
        import ray
    except ImportError:
        raise AssistantError(
            'Ray is not installed; run `pip install -e ".[cluster]"`, or ingest without --ray.'
        ) from None
    options = {"include_dashboard": False, "log_to_driver": False, "configure_logging": False}
    try:
        if address == "auto":  # Ray's own "auto" would join whatever cluster last ran here, even a dead one
            ray.init(address="local", _node_ip_address="127.0.0.1", object_store_memory=OBJECT_STORE_BYTES, **options)
        else:
            ray.init(address=address, **options)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise AssistantError(
            f"Could not join the Ray cluster at {address} ({str(exc).splitlines()[0][:200]}); start one with "
            "`ray start --head --node-ip-address=127.0.0.1`, or ingest without --ray."
        ) from None
    return ray


def ray_environment(loopback: bool = True) -> dict[str, str]:
    """The variables Ray reads at import: no usage statistics, token authentication, and on one machine, loopback.

    Ray 2.60 turns a node address of 127.0.0.1 into the machine's network address unless told this is
    a single-machine cluster (RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0 makes it use loopback).
    """
    env = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": os.environ.get("RAY_AUTH_MODE", "token")}
    if loopback:
        env["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
    return env
