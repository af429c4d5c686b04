"""Likert labels to numbers: built-in English scales plus inline custom scales.

A question map names a scale (``agreement``) or spells one out
(``Poor=1; Fair=2; Good=3; Very good=4; Excellent=5``). Cells like ``4 - Agree`` or
``10 (extremely likely)`` keep their leading number.
"""

from __future__ import annotations

import re
from typing import Any

from connectors.spreadsheets.values import CellError, as_integer

BUILT_IN_SCALES: dict[str, dict[str, int]] = {
    "agreement": {
        "strongly disagree": 1,
        "disagree": 2,
        "neither agree nor disagree": 3,
        "neutral": 3,
        "agree": 4,
        "strongly agree": 5,
    },
    "satisfaction": {
        "very dissatisfied": 1,
        "dissatisfied": 2,
        "neither satisfied nor dissatisfied": 3,
        "neutral": 3,
        "satisfied": 4,
        "very satisfied": 5,
    },
    "value": {
        "no value": 1,
        "very low value": 1,
        "low value": 2,
        "some value": 3,
        "moderate value": 3,
        "high value": 4,
        "very high value": 5,
    },
    "1-5": {},
    "0-10": {"not at all likely": 0, "extremely likely": 10},
}
LEADING_NUMBER = re.compile(r"^\s*(\d+(?:[.,]0+)?)\b")
NON_WORD = re.compile(r"[^a-z0-9]+")


def scale_labels(spec: str) -> dict[str, int]:
    """A built-in scale by name, or ``label=number`` pairs separated by ``;``."""
    name = spec.strip().lower()
    if name in BUILT_IN_SCALES:
        return BUILT_IN_SCALES[name]
    labels = {}
    for pair in spec.split(";"):
        label, separator, number = pair.partition("=")
        if not separator:
            raise ValueError(f"unknown scale {spec!r}: use a built-in name or 'label=number; …'")
        labels[_fold(label)] = int(number)
    return labels


def likert_score(value: Any, spec: str) -> int:
    """The number a cell stands for on the scale ``spec``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return as_integer(value)
    text = str(value)
    labels = scale_labels(spec)
    folded = _fold(text)
    if folded in labels:
        return labels[folded]
    leading = LEADING_NUMBER.match(text)
    if leading:
        return as_integer(leading.group(1))
    raise CellError(f"not a label of the {spec!r} scale: {text!r}")


def _fold(label: str) -> str:
    return " ".join(NON_WORD.sub(" ", label.lower()).split())
