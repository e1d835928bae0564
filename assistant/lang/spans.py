"""Where a slot filler stands in a sentence: the one small type `facts` and `people` share."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str = ""  # dates: year / day / month / decade / century / period / relative; numbers: the counted forms
