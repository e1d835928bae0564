"""schemathesis (pinned in the dev extra) against the JSON API's own schema on a real server: no failures.

`schemathesis run <server>/api/v1/openapi.json --checks all` on the student page's server over the seed
index, bounded by a fixed seed and at most 100 examples per operation (each phase: examples, coverage,
fuzzing; about 300 requests). Every check runs: server errors, status codes, content types, headers,
response schemas, negative and positive data, undeclared methods (405 with `Allow`, RFC 9110).
The fuzzer's questions are junk; what visitors needed must not fill up with them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.bench.serving import free_port
from assistant.curator.needs import collect
from assistant.web.page import create_app
from assistant.web.serve import launch_options

pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")
SEED, MAX_EXAMPLES = 1, 100


@pytest.fixture(scope="module")
def served(assistant, seed_settings, tmp_path_factory):
    """The student page with the API on a free port, no rate limit (the fuzzer asks hundreds of questions)."""
    settings = seed_settings.with_overrides(
        feedback_path=tmp_path_factory.mktemp("fuzzed") / "feedback.jsonl", api_rate_limit_per_minute=0
    )
    app = create_app(assistant, settings)
    port = free_port()
    app.launch(**launch_options(settings, assistant, server_port=port, prevent_thread_lock=True, quiet=True))
    yield f"http://127.0.0.1:{port}", settings
    app.close()


@pytest.fixture(scope="module")
def fuzzed(served, tmp_path_factory):
    """One bounded schemathesis run against the served API: (exit code, its output, the server's settings)."""
    base, settings = served
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        f"{base}/api/v1/openapi.json",
        "--url",
        base,
        "--checks",
        "all",
        "--seed",
        str(SEED),
        "--max-examples",
        str(MAX_EXAMPLES),
        "--generation-database",
        "none",
        "--workers",
        "1",
        "--no-color",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=800, cwd=tmp_path_factory.mktemp("st"))
    return done.returncode, done.stdout + done.stderr, settings


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_schemathesis_checks_all_find_no_failure(fuzzed):
    code, output, _ = fuzzed
    cases = re.search(r"(\d+) generated, (\d+) passed", output)
    print(output[-1500:])  # the figures, in the test log
    assert code == 0 and "No issues found" in output, output[-6000:]
    assert cases and int(cases.group(1)) == int(cases.group(2)) >= 3 * 50, output[-1500:]  # it really asked
    assert "Selected: 3/3" in output and "Tested: 3" in output  # ask, health, documents/{doc_id}


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_the_fuzzers_junk_is_not_shown_as_what_visitors_needed(fuzzed):
    _, _, settings = fuzzed
    needs = [need.question for need in collect(settings)]
    assert needs == [], needs[:20]
