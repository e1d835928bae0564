"""Measured child processes: the environment that carries the settings, the launch, the entry point.

Heavy parts of the benchmark run in fresh interpreters so their peak memory is their own. A
child is any module-level function of this package that takes a JSON-able dict and returns one:
`run_child(function, params, settings)` runs it as
`python -c "from assistant.bench.children import child_main; child_main()" MODULE:NAME JSON`
and reads its figures, plus the child's peak memory, back from one line of its stdout.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from dataclasses import fields

RESULT = "@@RESULT "


class StepFailed(RuntimeError):
    """A measured child process failed; the report records it and the run goes on."""


def log(message: str) -> None:
    """Progress of the benchmark, on stderr."""
    print(message, file=sys.stderr, flush=True)


def child_env(settings=None, **overrides) -> dict:
    """The environment of a child process, offline; with settings, every field as ASSISTANT_<NAME>."""
    from ..config import set_offline_environment

    set_offline_environment()
    env = dict(os.environ)
    if settings is not None:
        settings = settings.with_overrides(**overrides)
        for f in fields(settings):
            env[f"ASSISTANT_{f.name.upper()}"] = str(getattr(settings, f.name))
        env["PYTHONUNBUFFERED"] = "1"
    return env


def run_child(function, params: dict, settings, **overrides) -> dict:
    """Run one measuring function in a fresh interpreter; its stderr passes through, its figures come back."""
    code = "from assistant.bench.children import child_main; child_main()"
    target = f"{function.__module__}:{function.__qualname__}"
    proc = subprocess.run(
        [sys.executable, "-c", code, target, json.dumps(params)],
        env=child_env(settings, **overrides),
        stdout=subprocess.PIPE,
        text=True,
    )
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT):
            return json.loads(line[len(RESULT) :])
    name = function.__name__
    raise StepFailed(f"{name} exited with code {proc.returncode} before reporting (see its messages on stderr)")


def child_main() -> None:
    """Entry point of a measuring child: `python -c ... MODULE:NAME JSON`; prints its figures as one line."""
    from ..config import set_offline_environment
    from .stats import peak_rss_mb

    set_offline_environment()
    module, _, name = sys.argv[1].partition(":")
    result = getattr(importlib.import_module(module), name)(json.loads(sys.argv[2]))
    result["peak_rss_mb"] = peak_rss_mb()
    print(RESULT + json.dumps(result), flush=True)
