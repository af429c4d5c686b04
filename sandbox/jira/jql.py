"""The slice of JQL a connector sends, evaluated the way Jira does.

Supported: `project in (A, B)` / `project = A`, `key in (...)`, `issuetype in (...)`,
`updated|created >=|>|<=|< "yyyy-MM-dd HH:mm"` (in the API user's timezone, minute precision),
`id >=|>|<=|< 10042` (numeric issue ids, how a connector slices a large search), `id in (...)`,
joined by AND, parenthesised groups of those, then
`ORDER BY updated|created|key|id ASC|DESC, ...`. Anything else raises `JqlError`, which the
emulator answers with Jira's 400 error shape, so a connector cannot rely on JQL we do not check.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sandbox.jira.site import Issue

TOKEN = re.compile(r'\s*(?:"([^"]*)"|\'([^\']*)\'|(>=|<=|!=|=|>|<|\(|\)|,)|([\w.\-/:]+))')
DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d")
COMPARISONS: dict[str, Callable[[datetime, datetime], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}
SORT_KEYS: dict[str, Callable[[Issue], object]] = {
    "updated": lambda i: i.updated,
    "created": lambda i: i.created,
    "key": lambda i: (i.project.key, int(i.key.rsplit("-", 1)[1])),
    "id": lambda i: int(i.id),
}


class JqlError(ValueError):
    """A query Jira would reject with HTTP 400."""


@dataclass(frozen=True)
class Token:
    text: str
    quoted: bool


@dataclass
class JqlQuery:
    predicates: list[Callable[[Issue], bool]]
    order: list[tuple[str, bool]]

    @property
    def bounded(self) -> bool:
        return bool(self.predicates)

    def matches(self, issue: Issue) -> bool:
        return all(p(issue) for p in self.predicates)

    def sort(self, issues: list[Issue]) -> list[Issue]:
        ordered = sorted(issues, key=SORT_KEYS["id"])
        for name, descending in reversed(self.order):
            ordered.sort(key=SORT_KEYS[name], reverse=descending)  # type: ignore[arg-type]
        return ordered


def tokenize(jql: str) -> list[Token]:
    tokens, position = [], 0
    text = jql.strip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            raise JqlError(f"Error in the JQL Query: unexpected character at position {position}.")
        double, single, symbol, word = match.groups()
        quoted = double is not None or single is not None
        value = next(v for v in (double, single, symbol, word) if v is not None)
        tokens.append(Token(value, quoted))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, jql: str, tz: ZoneInfo, project_keys: set[str]) -> None:
        self.tokens = tokenize(jql)
        self.position = 0
        self.tz = tz
        self.project_keys = project_keys

    def peek(self) -> str | None:
        token = self.tokens[self.position] if self.position < len(self.tokens) else None
        return None if token is None else token.text

    def next(self) -> Token:
        if self.position >= len(self.tokens):
            raise JqlError("Error in the JQL Query: the query ended unexpectedly.")
        token = self.tokens[self.position]
        self.position += 1
        return token

    def expect(self, text: str) -> None:
        token = self.next()
        if token.text.lower() != text.lower() or token.quoted:
            raise JqlError(f"Error in the JQL Query: expecting '{text}' but got '{token.text}'.")

    def parse(self) -> JqlQuery:
        predicates = []
        while self.peek() is not None and (self.peek() or "").lower() != "order":
            if predicates:
                self.expect("AND")
            predicates.append(self.clause())
        order: list[tuple[str, bool]] = []
        if self.peek() is not None:
            self.expect("ORDER")
            self.expect("BY")
            order.append(self.sort_key())
            while self.peek() == ",":
                self.next()
                order.append(self.sort_key())
        return JqlQuery(predicates, order)

    def sort_key(self) -> tuple[str, bool]:
        name = self.next().text.lower()
        if name not in SORT_KEYS:
            raise JqlError(f"Not able to sort using field '{name}'.")
        direction = (self.peek() or "").lower()
        if direction in ("asc", "desc"):
            self.next()
        return name, direction == "desc"

    def values(self) -> list[str]:
        self.expect("(")
        values = [self.next().text]
        while self.peek() == ",":
            self.next()
            values.append(self.next().text)
        self.expect(")")
        return values

    def clause(self) -> Callable[[Issue], bool]:
        if self.peek() == "(":
            self.next()
            group = [self.clause()]
            while self.peek() != ")":
                self.expect("AND")
                group.append(self.clause())
            self.next()
            return lambda issue: all(p(issue) for p in group)
        name = self.next().text.lower()
        op = self.next().text.lower()
        if name in ("project", "key", "issuekey", "issuetype", "type") and op in ("in", "="):
            values = self.values() if op == "in" else [self.next().text]
            if name == "project":
                return self.project_clause(values)
            if name in ("issuetype", "type"):
                types = {v.lower() for v in values}
                return lambda issue: issue.issue_type.name.lower() in types
            keys = {v.upper() for v in values}
            return lambda issue: issue.key in keys
        if name in ("updated", "created") and op in COMPARISONS:
            # In UTC like the site's timestamps: datetimes sharing a tzinfo compare without a
            # zone conversion per issue (half the time of a search on a large site).
            bound = self.moment(self.next().text).astimezone(UTC)
            compare = COMPARISONS[op]
            if name == "updated":
                return lambda issue: compare(issue.updated, bound)
            return lambda issue: compare(issue.created, bound)
        if name == "id" and op in ("in", "="):
            raw_ids = self.values() if op == "in" else [self.next().text]
            if not all(raw.isdigit() for raw in raw_ids):
                raise JqlError(f"The issue keys '{raw_ids}' for field 'id' are invalid.")
            wanted = set(raw_ids)
            return lambda issue: issue.id in wanted
        if name == "id" and op in COMPARISONS:
            raw = self.next().text
            if not raw.isdigit():
                raise JqlError(f"The issue key '{raw}' for field 'id' is invalid.")
            compare_id, number = COMPARISONS[op], int(raw)
            return lambda issue: compare_id(int(issue.id), number)
        if name in ("project", "key", "issuekey", "updated", "created"):
            raise JqlError(f"Error in the JQL Query: operator '{op}' is not supported here.")
        raise JqlError(f"Field '{name}' does not exist or you do not have permission to view it.")

    def project_clause(self, values: list[str]) -> Callable[[Issue], bool]:
        unknown = [v for v in values if v.upper() not in self.project_keys]
        if unknown:
            raise JqlError(f"The value '{unknown[0]}' does not exist for the field 'project'.")
        keys = {v.upper() for v in values}
        return lambda issue: issue.project.key in keys

    def moment(self, text: str) -> datetime:
        for fmt in DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).replace(tzinfo=self.tz)
            except ValueError:
                continue
        raise JqlError(
            f"Date value '{text}' for field 'updated' is invalid. Valid formats include: "
            "'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period "
            "format e.g. '-5d', '4w 2d'."
        )


def parse_jql(jql: str, tz: ZoneInfo, project_keys: set[str]) -> JqlQuery:
    """Parse `jql` with dates read in `tz`; unknown projects are errors, as in Jira."""
    return _Parser(jql, tz, project_keys).parse()
