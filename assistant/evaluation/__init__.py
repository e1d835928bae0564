"""`assistant eval`: the gold set asked through the public API, scored, reported and gated (see evals/README.md).

Measurement only: nothing on the product path imports this package. No re-exports here, so the
CLI can import `arguments` to build its parser without loading the machinery (or ranx).
Modules: configs, arguments, gold, run (ask and score items), summary (metrics over results),
metrics (per-item metrics, ranx), gate (evals/expected.json), report, formatting, sweep,
command (the `assistant eval` command), check_gold (`python -m assistant.evaluation.check_gold`);
issue 20's unseen documents: unseen (the sets), unseen_index (a temporary index), unseen_figures, unseen_command
(`--unseen`, `--sealed`, `--ablate`).
"""
