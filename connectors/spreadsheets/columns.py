"""Rows kept column by column: what the parser produces and the arrow items are built from.

A 100,000-response survey is about a million ``survey_answers`` rows. Holding them as one
list per column instead of one dict per row made parsing cheaper, halved the memory and lets
each column become an arrow array in one call.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any

Record = dict[str, Any]


@dataclass(frozen=True)
class Repeated:
    """A column with one value on every row of its block (lineage, a rating's service id):
    kept once, and one ``pyarrow.repeat`` instead of converting a million equal values."""

    value: Any
    length: int

    def __len__(self) -> int:
        return self.length

    def __iter__(self) -> Iterator[Any]:
        return repeat(self.value, self.length)


Columns = dict[str, list[Any] | Repeated]
"""A block of rows: column name to values, every column as long as the block."""


def block_length(block: Columns) -> int:
    return len(next(iter(block.values()), ()))


def single_row(record: Mapping[str, Any]) -> Columns:
    """A one-row block."""
    return {name: [value] for name, value in record.items()}


def constant(value: Any, length: int) -> list[Any]:
    return [value] * length


def take(values: Sequence[Any], indices: Iterable[int]) -> list[Any]:
    """``values`` at ``indices``, in that order."""
    return [values[index] for index in indices]


def block_records(block: Columns, names: Sequence[str]) -> list[Record]:
    """The rows of a block as records of ``names`` (a column the block lacks is None)."""
    length = block_length(block)
    columns = [block.get(name, Repeated(None, length)) for name in names]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]
