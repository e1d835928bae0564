#!/usr/bin/env python3
"""Validate the gold set: `python evals/check_gold.py [path]`, the same as `python -m assistant.evaluation.check_gold`."""

import sys

from assistant.evaluation.check_gold import main

if __name__ == "__main__":
    sys.exit(main(sys.argv))
