"""One report, `evals/reports/reliability.md`, with a section per reliability probe.

Each probe replaces only its own section (between `<!-- name -->` and `<!-- /name -->`), so the
load test, the kill -9 loop and the disk-full sweep can be rerun in any order.
"""

from __future__ import annotations

import re
from pathlib import Path

REPORT = Path(__file__).resolve().parents[1] / "reports" / "reliability.md"
HEADER = (
    "# Reliability\n\n"
    "Load, faults and hostile input, measured by the probes in `evals/rehab_probes/` (each rewrites its own section;\n"
    "run them with `make reliability` and `make load-test`, or `PYTHONPATH=evals python -m rehab_probes.<name>`).\n"
    "The hostile-input fuzzing and the security probes are tests: `tests/test_fuzz.py`, `tests/test_security.py`,\n"
    "`tests/test_reliability.py`.\n"
)
ORDER = ["load", "kill", "disk-full-tmpfs", "disk-full-rlimit"]


def update_section(name: str, markdown: str, path: Path = REPORT) -> Path:
    """Write `markdown` as section `name` of the report, keeping the other sections."""
    text = path.read_text(encoding="utf-8") if path.is_file() else HEADER
    block = f"<!-- {name} -->\n{markdown.strip()}\n<!-- /{name} -->"
    pattern = re.compile(rf"<!-- {re.escape(name)} -->.*?<!-- /{re.escape(name)} -->", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    sections = {m.group(1): m.group(0) for m in re.finditer(r"<!-- ([\w-]+) -->.*?<!-- /\1 -->", text, re.S)}
    head = text.split("<!-- ", 1)[0].rstrip()
    ordered = [sections[n] for n in ORDER if n in sections] + [s for n, s in sections.items() if n not in ORDER]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(head + "\n\n" + "\n\n".join(ordered) + "\n", encoding="utf-8")
    return path
