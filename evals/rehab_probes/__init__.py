"""Reliability and speed probes of the assistant: faults, load and latency, each run as `python -m rehab_probes.<name>`.

Not the `evals` package on PyPI, and not part of the product: nothing in `assistant/` imports it, and it
uses only the assistant's public API and its stage hooks (`assistant.hooks`). It is importable with
`evals/` on the path: `PYTHONPATH=evals` (as the Makefile runs it) or pytest's `pythonpath` setting.

    kill_ingest     kill -9 an ingest at random moments; the index stays the old or the new build
    disk_full       run out of disk space at each stage of an ingest; one clear line, old index intact
    capped_ingest   the child process disk_full starts: an ingest under a file-size limit from one stage
    load_test       many concurrent clients against the running app's /ask API
    ask_latency     Assistant.ask() latency over the gold questions, per query encoder
    encoder_speed   the torch, onnx and onnx-int8 encoders compared
    common          what they share: the child environment, starting an ingest child, progress output
    report          evals/reports/reliability.md, one section per probe
"""
