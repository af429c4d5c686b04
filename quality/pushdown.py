"""Expectations evaluated inside DuckDB, so that a table never leaves the warehouse to be checked.

Great Expectations' pandas engine needs the table in memory: at 1,000,000 issues the changelog
has 20,000,000 rows, and reading, fingerprinting and factorising them was most of the check
time (and GiBs of memory). Here each expectation of a suite becomes SQL over the table: one scan
counts the rows, the missing and the unexpected values of every row-wise expectation; each
uniqueness expectation compares the sorted hashes of its key; failing values are sampled only
for expectations that failed. The outcome is Great Expectations' own ``ExpectationValidationResult``
with the keys of its SUMMARY result format, so it is stored and rendered in Data Docs like one
of its own; ``tests/quality`` checks that both engines agree on the same tables.
"""

from __future__ import annotations

import copy
import html
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import duckdb
from great_expectations.core.expectation_validation_result import (
    ExpectationSuiteValidationResult,
    ExpectationValidationResult,
)
from great_expectations.expectations import (
    ExpectColumnPairValuesAToBeGreaterThanB,
    ExpectColumnValuesToBeBetween,
    ExpectColumnValuesToBeInSet,
    ExpectColumnValuesToBeNull,
    ExpectColumnValuesToBeUnique,
    ExpectColumnValuesToNotBeNull,
    ExpectColumnValuesToNotMatchRegex,
    ExpectCompoundColumnsToBeUnique,
)
from great_expectations.expectations.expectation import Expectation
from great_expectations.expectations.row_conditions import (
    AndCondition,
    ComparisonCondition,
    NullityCondition,
    Operator,
    OrCondition,
)

SAMPLE_LIMIT = 20
"""Unexpected values kept per failed expectation, as in GE's SUMMARY result format."""

_PLACEHOLDER = re.compile(r"\$(p\d+)\b")
_COMPARISONS = {
    Operator.EQUAL: "=",
    Operator.NOT_EQUAL: "<>",
    Operator.LESS_THAN: "<",
    Operator.LESS_THAN_OR_EQUAL: "<=",
    Operator.GREATER_THAN: ">",
    Operator.GREATER_THAN_OR_EQUAL: ">=",
}


class Sql:
    """What expectations are written against: a table's columns, stored or derived (an SQL
    expression computed in the query, only where an expectation uses it), and named query
    parameters, so that values (sets, regexes, bounds) are never spliced into SQL."""

    def __init__(self, derived: Mapping[str, str] | None = None) -> None:
        self.derived = dict(derived or {})
        self.values: dict[str, Any] = {}

    def column(self, name: str) -> str:
        derived = self.derived.get(name)
        return f"({derived})" if derived else _quoted(name)

    def param(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"${name}"

    def used_by(self, query: str) -> dict[str, Any]:
        """The parameters ``query`` refers to (DuckDB rejects unused ones)."""
        return {name: self.values[name] for name in _PLACEHOLDER.findall(query)}

    def named(self, columns: Sequence[str]) -> str:
        """``columns`` selected under their own names."""
        return ", ".join(f"{self.column(c)} as {_quoted(c)}" for c in columns)


@dataclass(frozen=True)
class Rule:
    """One expectation as SQL predicates over the rows its row condition selects."""

    columns: tuple[str, ...]
    """The columns a sample of failing rows shows."""
    unexpected: str
    """A row that fails (for uniqueness: unused, repeats are found across rows)."""
    missing: str | None = None
    """Rows the expectation ignores; ``None`` for expectations about nulls themselves."""
    unique: bool = False
    scope: str = "true"
    """The expectation's row condition."""

    @property
    def considered(self) -> str:
        """Rows the expectation judges: in its scope and not missing."""
        return f"({self.scope}) and not ({self.missing or 'false'})"

    def sample_shape(self, row: tuple) -> Any:
        """A failing row as GE shows it: a value, a pair as a list, compound keys as a dict."""
        if len(self.columns) == 1:
            return row[0]
        if self.unique:
            return dict(zip(self.columns, row, strict=True))
        return list(row)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _not_null(e: ExpectColumnValuesToNotBeNull, sql: Sql) -> Rule:
    return Rule((e.column,), f"{sql.column(e.column)} is null")


def _null(e: ExpectColumnValuesToBeNull, sql: Sql) -> Rule:
    return Rule((e.column,), f"{sql.column(e.column)} is not null")


def _unique(e: ExpectColumnValuesToBeUnique, sql: Sql) -> Rule:
    return Rule((e.column,), "false", f"{sql.column(e.column)} is null", unique=True)


def _compound_unique(e: ExpectCompoundColumnsToBeUnique, sql: Sql) -> Rule:
    nulls = [f"{sql.column(c)} is null" for c in e.column_list]
    missing = {
        "all_values_are_missing": " and ".join(nulls),
        "any_value_is_missing": " or ".join(nulls),
        "never": "false",
    }[e.ignore_row_if]
    return Rule(tuple(e.column_list), "false", missing, unique=True)


def _in_set(e: ExpectColumnValuesToBeInSet, sql: Sql) -> Rule:
    column, allowed = sql.column(e.column), sql.param(list(e.value_set))
    return Rule((e.column,), f"not ({column} = any({allowed}))", f"{column} is null")


def _between(e: ExpectColumnValuesToBeBetween, sql: Sql) -> Rule:
    column = sql.column(e.column)
    bounds = []
    if e.min_value is not None:
        bounds.append(f"{column} {'>' if e.strict_min else '>='} {sql.param(e.min_value)}")
    if e.max_value is not None:
        bounds.append(f"{column} {'<' if e.strict_max else '<='} {sql.param(e.max_value)}")
    return Rule((e.column,), f"not ({' and '.join(bounds) or 'true'})", f"{column} is null")


def _not_matching(e: ExpectColumnValuesToNotMatchRegex, sql: Sql) -> Rule:
    column = sql.column(e.column)
    matches = f"regexp_matches({column}::varchar, {sql.param(e.regex)})"
    return Rule((e.column,), matches, f"{column} is null")


def _a_greater_than_b(e: ExpectColumnPairValuesAToBeGreaterThanB, sql: Sql) -> Rule:
    a, b = sql.column(e.column_A), sql.column(e.column_B)
    missing = {
        "both_values_are_missing": f"{a} is null and {b} is null",
        "either_value_is_missing": f"{a} is null or {b} is null",
        "neither": "false",
    }[e.ignore_row_if]
    holds = f"{a} {'>=' if e.or_equal else '>'} {b}"
    return Rule((e.column_A, e.column_B), f"not coalesce({holds}, false)", missing)


RULES: dict[type[Expectation], Callable[[Any, Sql], Rule]] = {
    ExpectColumnValuesToNotBeNull: _not_null,
    ExpectColumnValuesToBeNull: _null,
    ExpectColumnValuesToBeUnique: _unique,
    ExpectCompoundColumnsToBeUnique: _compound_unique,
    ExpectColumnValuesToBeInSet: _in_set,
    ExpectColumnValuesToBeBetween: _between,
    ExpectColumnValuesToNotMatchRegex: _not_matching,
    ExpectColumnPairValuesAToBeGreaterThanB: _a_greater_than_b,
}


def condition_sql(condition: object, sql: Sql) -> str:
    """A GE row condition (``Column("x") == v``, ``is_null()``, ``&``, ``|``) as SQL."""
    if condition is None:
        return "true"
    if isinstance(condition, NullityCondition):
        return f"{sql.column(condition.column.name)} is {'' if condition.is_null else 'not '}null"
    if isinstance(condition, ComparisonCondition):
        column, operator = sql.column(condition.column.name), Operator(condition.operator)
        value = sql.param(condition.parameter)
        if operator in (Operator.IN, Operator.NOT_IN):
            found = f"{column} = any({value})"
            return found if operator is Operator.IN else f"not ({found})"
        return f"{column} {_COMPARISONS[operator]} {value}"
    if isinstance(condition, (AndCondition, OrCondition)):
        joiner = " and " if isinstance(condition, AndCondition) else " or "
        return "(" + joiner.join(condition_sql(c, sql) for c in condition.conditions) + ")"
    raise NotImplementedError(f"row condition {condition!r} has no SQL translation")


def rule_for(expectation: Expectation, sql: Sql) -> Rule:
    """The SQL form of ``expectation``; an expectation type without one is refused loudly."""
    build = RULES.get(type(expectation))
    if build is None:
        raise NotImplementedError(f"{expectation.expectation_type} has no DuckDB translation")
    return replace(build(expectation, sql), scope=condition_sql(expectation.row_condition, sql))


@dataclass(frozen=True)
class Counts:
    """What one expectation saw: rows in scope, ignored (missing) and failing."""

    elements: int
    missing: int
    unexpected: int


def evaluate(
    con: duckdb.DuckDBPyConnection,
    table: str,
    expectations: Sequence[Expectation],
    derived: Mapping[str, str] | None = None,
) -> tuple[int, list[ExpectationValidationResult]]:
    """Rows of ``table`` (a qualified name) and one GE result per expectation, in suite order.

    ``derived`` maps column names the expectations use to SQL expressions over the table.
    """
    sql = Sql(derived)
    rules = [rule_for(e, sql) for e in expectations]
    counted = ["count(*)"]
    for rule in rules:
        failing = "0" if rule.unique else _count(f"{rule.considered} and ({rule.unexpected})")
        counted += [
            _count(rule.scope),
            _count(f"({rule.scope}) and ({rule.missing or 'false'})"),
            failing,
        ]
    scan = f"select {', '.join(counted)} from {table}"
    rows, *figures = con.execute(scan, sql.used_by(scan)).fetchone()
    results = []
    for n, (expectation, rule) in enumerate(zip(expectations, rules, strict=True)):
        elements, missing, unexpected = figures[3 * n : 3 * n + 3]
        if rule.unique:
            unexpected = _repeated_rows(con, table, rule, sql)
        counts = Counts(elements, missing, unexpected)
        sample = _sample(con, table, rule, sql) if unexpected else []
        results.append(_result(expectation, rule, counts, sample))
    return rows, results


def _count(predicate: str) -> str:
    """Rows where ``predicate`` holds (``count_if`` alone gives null on an empty table)."""
    return f"coalesce(count_if({predicate}), 0)"


def _duplicates(table: str, rule: Rule, sql: Sql) -> str:
    return (
        f"select {sql.named(rule.columns)}, count(*) as repeats from {table} "
        f"where {rule.considered} group by all having count(*) > 1"
    )


def _repeated_rows(con: duckdb.DuckDBPyConnection, table: str, rule: Rule, sql: Sql) -> int:
    """Rows whose value repeats (GE flags every copy, not only the later ones).

    Grouping 20,000,000 distinct keys is the most expensive part of the checks. Instead DuckDB
    hashes the key to 64 bits and NumPy sorts the hashes (a SIMD radix sort, about half the CPU
    of DuckDB's own sort) to compare neighbours: distinct hashes prove the keys distinct. Only
    when two hashes meet (a repeat, or a rare collision) are the keys grouped to count exactly.
    """
    keys = ", ".join(sql.column(c) for c in rule.columns)
    hashes = f"select hash({keys}) as h from {table} where {rule.considered}"
    ordered = con.execute(hashes, sql.used_by(hashes)).fetchnumpy()["h"]
    ordered.sort()
    if not (ordered[1:] == ordered[:-1]).any():
        return 0
    exact = f"select coalesce(sum(repeats), 0) from ({_duplicates(table, rule, sql)})"
    return int(con.execute(exact, sql.used_by(exact)).fetchone()[0])


def _sample(con: duckdb.DuckDBPyConnection, table: str, rule: Rule, sql: Sql) -> list:
    """Up to SAMPLE_LIMIT failing rows, as GE shows them; queried only for a failure."""
    if rule.unique:
        names = ", ".join(_quoted(c) for c in rule.columns)
        query = (
            f"select {names} from (select {sql.named(rule.columns)} from {table} "
            f"where {rule.considered}) semi join ({_duplicates(table, rule, sql)}) "
            f"using ({names}) limit {SAMPLE_LIMIT}"
        )
    else:
        query = (
            f"select {sql.named(rule.columns)} from {table} "
            f"where {rule.considered} and ({rule.unexpected}) limit {SAMPLE_LIMIT}"
        )
    return [rule.sample_shape(row) for row in con.execute(query, sql.used_by(query)).fetchall()]


def _pct(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


def _result(
    expectation: Expectation, rule: Rule, counts: Counts, sample: list
) -> ExpectationValidationResult:
    """GE's SUMMARY result for a map expectation, from the counts DuckDB computed."""
    considered = counts.elements - counts.missing
    mostly = getattr(expectation, "mostly", None) or 1.0
    success = considered == 0 or (considered - counts.unexpected) / considered >= mostly
    tally = Counter(repr(v) for v in sample)
    firsts = {repr(v): v for v in reversed(sample)}
    result: dict[str, Any] = {
        "element_count": counts.elements,
        "unexpected_count": counts.unexpected,
        "unexpected_percent": _pct(counts.unexpected, considered),
        "partial_unexpected_list": sample,
    }
    if rule.missing is not None:
        result |= {
            "missing_count": counts.missing,
            "missing_percent": _pct(counts.missing, counts.elements),
            "unexpected_percent_total": _pct(counts.unexpected, counts.elements),
            "unexpected_percent_nonmissing": _pct(counts.unexpected, considered),
        }
    result["partial_unexpected_counts"] = [
        {"value": firsts[key], "count": n} for key, n in tally.most_common()
    ]
    return ExpectationValidationResult(
        success=success,
        expectation_config=expectation.configuration,
        result=result,
        exception_info={
            "raised_exception": False,
            "exception_message": None,
            "exception_traceback": None,
        },
    )


def escaped_for_data_docs(
    result: ExpectationSuiteValidationResult,
) -> ExpectationSuiteValidationResult:
    """A copy of ``result`` whose values seen in the data are HTML-escaped, for Data Docs.

    GE escapes an expectation's parameters when it renders them, but writes what a check saw
    (sampled unexpected values, observed values) into its pages as raw HTML: a project key
    ``<img src=x onerror=alert(3)>`` in a workbook would run in the browser of whoever opens
    the validation page that the Dagster check links. Escaped, the page shows it as text. The
    result itself keeps the values as seen, for Dagster metadata and alerts.
    """
    escaped = copy.deepcopy(result)
    for expectation in escaped.results:
        expectation.result = _escaped(expectation.result)
    return escaped


def _escaped(value: Any) -> Any:
    """Strings (and dict keys) escaped at any depth; bytes as escaped text; others kept."""
    if isinstance(value, str):
        return html.escape(value)
    if isinstance(value, (bytes, bytearray)):
        return html.escape(str(value))
    if isinstance(value, dict):
        return {_escaped(key): _escaped(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_escaped(item) for item in value]
    return value
