"""The survey question map: export headers (question text) to PMO service, dimension and scale.

Real exports (Microsoft Forms, Google Forms, Qualtrics) carry question text as headers. A map
row says which header is which rating; the parser then treats the export like the template.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from connectors.spreadsheets.layouts import Column, Kind
from connectors.spreadsheets.values import normalise_header

# dimension -> (column name template, kind, low, high, default scale)
DIMENSIONS: dict[str, tuple[str, Kind, int | None, int | None, str | None]] = {
    "satisfaction": ("{service}|satisfaction", Kind.INTEGER, 1, 5, "1-5"),
    "value": ("{service}|value", Kind.INTEGER, 1, 5, "1-5"),
    "overall value": ("overall_value", Kind.INTEGER, 1, 5, "1-5"),
    "nps": ("likelihood_to_recommend", Kind.INTEGER, 0, 10, "0-10"),
    "comment": ("comment", Kind.TEXT, None, None, None),
    "stakeholder group": ("stakeholder_group", Kind.TEXT, None, None, None),
    "business unit": ("business_unit", Kind.TEXT, None, None, None),
}


@dataclass(frozen=True)
class QuestionRule:
    """One map row, compiled: exact and ``*`` rules compare normalised text, regexes the raw."""

    pattern: re.Pattern[str]
    is_regex: bool
    column: Column

    def matches(self, header: str) -> bool:
        if self.is_regex:
            return self.pattern.search(header) is not None
        return self.pattern.fullmatch(normalise_header(header)) is not None


class QuestionMap:
    """Finds the contracted column an export header stands for; first matching rule wins."""

    def __init__(self, rows: Iterable[Mapping[str, Any]] = ()) -> None:
        self.rules = [self._rule(row) for row in rows]

    def __bool__(self) -> bool:
        return bool(self.rules)

    def column_for(self, header: str) -> Column | None:
        rule = next((rule for rule in self.rules if rule.matches(header)), None)
        return None if rule is None else replace(rule.column, header=header)

    @staticmethod
    def _rule(row: Mapping[str, Any]) -> QuestionRule:
        question, dimension = str(row["question"]), str(row["dimension"]).lower()
        template, kind, low, high, default_scale = DIMENSIONS[dimension]
        service = (row.get("service_id") or "").strip().upper()
        if "{service}" in template and not service:
            raise ValueError(f"question {question!r}: a {dimension} rating needs a service id")
        column = Column(
            question,
            template.format(service=service),
            kind,
            low=low,
            high=high,
            scale=(row.get("scale") or default_scale) if kind is Kind.INTEGER else None,
        )
        if question.startswith("re:"):
            return QuestionRule(re.compile(question[3:].strip(), re.IGNORECASE), True, column)
        parts = [re.escape(normalise_header(part)) for part in question.split("*")]
        return QuestionRule(re.compile(" ?.*".join(parts)), False, column)
