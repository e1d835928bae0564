"""The machine a benchmark ran on: CPU, cores, memory, load, and the versions of the libraries that set the speed."""

from __future__ import annotations

import os
import platform
from importlib import metadata

LIBRARIES = ("torch", "faiss-cpu", "onnxruntime", "sentence-transformers", "transformers", "bm25s", "gradio", "numpy")


def describe_machine() -> dict:
    """CPU, cores, memory and the versions of the libraries that set the speed."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
        with open("/proc/meminfo", encoding="utf-8") as f:
            ram_kb = next(int(line.split()[1]) for line in f if line.startswith("MemTotal"))
    except (OSError, StopIteration):
        ram_kb = 0
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "ram_gb": round(ram_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "os": platform.platform(),
        "load_average_start": list(os.getloadavg()),
        "versions": {pkg: _version(pkg) for pkg in LIBRARIES},
    }


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"
