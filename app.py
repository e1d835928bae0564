"""Placeholder until the Gradio app lands: serve the terminal chat."""

import sys

from assistant.cli import main

if __name__ == "__main__":
    sys.exit(main(["chat"]))
