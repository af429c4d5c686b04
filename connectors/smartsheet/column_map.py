"""The column map: which sheet column is the task name, the finish date, the RAG status...

Sheets are laid out by people: the same template gets renamed, reordered and extended columns.
A map says, for each role, which columns may fill it (by title, by column type or symbol, or
by column id) and which roles a sheet cannot be read without. Ready-made maps cover
Smartsheet's "Project with Gantt & Dependencies" template and the sheets Smartsheet's Project
Online import creates; `column_maps` may also name a JSON file holding a map of the same shape
(see the README). The first map whose `sheets` pattern matches a sheet's name reads it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from dlt.common import json

from connectors.smartsheet.errors import SmartsheetConfigError
from connectors.smartsheet.settings import SETTING_NAMES
from connectors.spreadsheets.pseudonymise import mask_emails, respondent_token
from connectors.spreadsheets.values import normalise_header

JsonDict = dict[str, Any]
# role -> how its cells are read; the role is also the `rows` column it fills unless renamed.
ROLE_KINDS = {
    "project_id": "text",
    "task_name": "text",
    "start": "date",
    "finish": "date",
    "baseline_start": "date",
    "baseline_finish": "date",
    "duration": "duration",
    "percent_complete": "percent",
    "status": "rag",
    "milestone": "bool",
    "predecessors": "text",
    "budget": "number",
    "actual_cost": "number",
    "owner": "contact",
}
ROW_COLUMNS = {
    "start": "start_date",
    "finish": "finish_date",
    "duration": "duration_days",
    "milestone": "is_milestone",
    "owner": "owner_token",
}
# Roles whose cell history is loaded (baseline and forecast changes, RAG history).
HISTORY_ROLES = ("start", "finish", "baseline_start", "baseline_finish", "status")
RAG = {"red": "red", "yellow": "amber", "amber": "amber", "green": "green", "gray": "grey"}
RAG |= {"grey": "grey", "blue": "blue"}
HOURS_PER_DAY, DAYS_PER_WEEK = 8, 5
DURATION = re.compile(r"^\s*~?\s*(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>[wdhm]?)", re.IGNORECASE)


@dataclass(frozen=True)
class ColumnMap:
    """One layout: `rules` maps a role to selectors tried in order (`title:Finish`,
    `type:PREDECESSOR`, `symbol:RYG`, `id:123`, `primary`); `summary` maps a role to sheet
    summary field titles; `project_from_name` takes the project id from the sheet's name."""

    name: str
    sheets: str
    rules: dict[str, tuple[str, ...]]
    required: tuple[str, ...] = ()
    summary: dict[str, tuple[str, ...]] | None = None
    project_from_name: str | None = None

    def applies_to(self, sheet_name: str) -> bool:
        return re.search(self.sheets, sheet_name) is not None

    def resolve(self, sheet: JsonDict) -> dict[int, str]:
        """Column id -> role for `sheet`'s columns; a required role without a column raises
        one line naming the sheet, the role and what the map looked for."""
        columns = sheet.get("columns") or []
        roles: dict[int, str] = {}
        for role, selectors in self.rules.items():
            found = next(
                (
                    column["id"]
                    for selector in selectors
                    for column in columns
                    if column["id"] not in roles and _selects(selector, column)
                ),
                None,
            )
            if found is not None:
                roles[found] = role
        missing = [role for role in self.required if role not in roles.values()]
        if missing:
            role = missing[0]
            wanted = " or ".join(_describe(s) for s in self.rules[role])
            raise SmartsheetConfigError(
                f"Smartsheet sheet {sheet.get('name')!r} (id {sheet.get('id')}) has no column "
                f"for {role.replace('_', ' ')}: column map {self.name!r} looks for {wanted}; "
                f"rename the column or set {SETTING_NAMES['column_maps']} to a map that fits"
            )
        return roles

    def summary_role(self, title: str) -> str | None:
        wanted = normalise_header(title)
        for role, titles in (self.summary or {}).items():
            if wanted in (normalise_header(t) for t in titles):
                return role
        return None

    def project_in_name(self, sheet_name: str) -> str | None:
        if not self.project_from_name:
            return None
        match = re.search(self.project_from_name, sheet_name)
        return match.group("project_id") if match else None


def _selects(selector: str, column: JsonDict) -> bool:
    kind, _, wanted = selector.partition(":")
    if kind == "title":
        return normalise_header(column.get("title") or "") == normalise_header(wanted)
    if kind == "type":
        return column.get("type") == wanted
    if kind == "symbol":
        return column.get("symbol") == wanted
    if kind == "id":
        return str(column["id"]) == wanted
    if kind == "primary":
        return bool(column.get("primary"))
    raise SmartsheetConfigError(
        f"column map selector {selector!r}: use title:, type:, symbol:, id:"
    )


def _describe(selector: str) -> str:
    kind, _, wanted = selector.partition(":")
    return "the primary column" if kind == "primary" else f"{kind} {wanted!r}"


PLAN_RULES: dict[str, tuple[str, ...]] = {
    "task_name": ("title:Task Name", "title:Task", "primary"),
    "start": ("title:Start", "title:Start Date"),
    "finish": ("title:Finish", "title:End Date", "title:End", "title:Due Date"),
    "baseline_start": ("title:Baseline Start",),
    "baseline_finish": ("title:Baseline Finish",),
    "duration": ("title:Duration", "type:DURATION"),
    "predecessors": ("title:Predecessors", "type:PREDECESSOR"),
    "percent_complete": ("title:% Complete", "title:Percent Complete"),
    "milestone": ("title:Milestone",),
    "project_id": ("title:Project ID",),
}
GANTT_MAP = ColumnMap(
    "gantt",
    sheets=".",
    rules=PLAN_RULES
    | {
        "status": ("title:Status", "title:RAG", "symbol:RYG"),
        "owner": ("title:Assigned To", "title:Owner", "type:CONTACT_LIST"),
        "budget": ("title:Budget", "title:Planned Cost"),
        "actual_cost": ("title:Actual Cost", "title:Actual"),
    },
    required=("task_name", "start", "finish"),
    summary={
        "project_id": ("Project ID",),
        "status": ("Project Status", "Status"),
        "budget": ("Total Budget", "Budget"),
        "owner": ("Project Manager", "Owner"),
    },
)
PROJECT_ONLINE_TASKS = ColumnMap(
    "project_online",
    sheets=r" - Tasks$",
    rules=PLAN_RULES
    | {
        "status": ("title:Health", "title:Status", "symbol:RYG"),
        "owner": ("title:Resource Names", "type:CONTACT_LIST"),
        "budget": ("title:Cost", "title:Baseline Cost"),
        "actual_cost": ("title:Actual Cost",),
    },
    required=("task_name", "start", "finish"),
    project_from_name=r"^(?P<project_id>[A-Z][A-Z0-9_]*)\b",
)
# The import's Summary and Resources sheets: loaded as they are (cells in `extra`).
PROJECT_ONLINE_REFERENCE = ColumnMap(
    "project_online_reference",
    sheets=r" - (Summary|Resources)$",
    rules={},
    project_from_name=r"^(?P<project_id>[A-Z][A-Z0-9_]*)\b",
)
READY_MAPS: dict[str, tuple[ColumnMap, ...]] = {
    "gantt": (GANTT_MAP,),
    "project_online": (PROJECT_ONLINE_TASKS, PROJECT_ONLINE_REFERENCE),
}


def column_maps(setting: str) -> list[ColumnMap]:
    """The maps `column_maps` names, in order: ready-made names or JSON files."""
    maps: list[ColumnMap] = []
    for entry in (part.strip() for part in setting.split(",") if part.strip()):
        if entry in READY_MAPS:
            maps += READY_MAPS[entry]
        elif entry.endswith(".json"):
            maps.append(_map_file(Path(entry)))
        else:
            raise SmartsheetConfigError(
                f"{SETTING_NAMES['column_maps']} names {entry!r}: use "
                f"{', '.join(READY_MAPS)} or the path of a .json column map"
            )
    return maps


def _map_file(path: Path) -> ColumnMap:
    try:
        spec = json.loads(path.read_text())
        return ColumnMap(
            name=spec.get("name", path.stem),
            sheets=spec.get("sheets", "."),
            rules={role: tuple(selectors) for role, selectors in spec["rules"].items()},
            required=tuple(spec.get("required", ())),
            summary={role: tuple(titles) for role, titles in spec.get("summary", {}).items()},
            project_from_name=spec.get("project_from_name"),
        )
    except (OSError, ValueError, KeyError, AttributeError) as error:
        raise SmartsheetConfigError(
            f"column map {path} cannot be read ({type(error).__name__}: {error})"
        ) from None


def map_for(maps: list[ColumnMap], sheet_name: str) -> ColumnMap:
    found = next((m for m in maps if m.applies_to(sheet_name)), None)
    if found is None:
        names = ", ".join(m.name for m in maps)
        raise SmartsheetConfigError(
            f"Smartsheet sheet {sheet_name!r} matches none of the column maps ({names}): add "
            f"`gantt` (reads any sheet) to {SETTING_NAMES['column_maps']}"
        )
    return found


def cell_text(cell: JsonDict) -> str | None:
    shown = cell.get("displayValue")
    value = cell.get("value")
    return shown if shown is not None else None if value is None else str(value)


def read_cell(kind: str, cell: JsonDict, key: str) -> Any:
    """A cell's value as its role needs it; unreadable values become None, never a failure."""
    return READERS[kind](cell, key)


def _contact(cell: JsonDict, key: str) -> str | None:
    value = cell.get("value")
    contact = cell.get("objectValue") or {}
    email = contact.get("email") or (value if isinstance(value, str) and "@" in value else None)
    name = contact.get("name") or cell.get("displayValue")
    return contact_token(key, email, name) if email or name else None


def _text(cell: JsonDict, key: str) -> str | None:
    return mask_emails(cell_text(cell))


def _date(cell: JsonDict, key: str) -> date | None:
    value = cell.get("value")
    return None if value is None else parse_date(value)


def _number(cell: JsonDict, key: str) -> float | None:
    value = cell.get("value")
    return None if value is None else to_number(value)


def _percent(cell: JsonDict, key: str) -> float | None:
    value = cell.get("value")
    number = None if value is None else to_number(value)
    if number is None:
        return None
    typed = isinstance(value, str) and value.strip().endswith("%")
    return number / 100 if typed or number > 1 else number


def _duration(cell: JsonDict, key: str) -> float | None:
    days = (cell.get("objectValue") or {}).get("days")
    if days is not None:
        return float(days)
    value = cell.get("value")
    return None if value is None else parse_duration(str(value))


def _rag(cell: JsonDict, key: str) -> str | None:
    value = cell.get("value")
    return None if value is None else RAG.get(str(value).strip().lower())


def _bool(cell: JsonDict, key: str) -> bool | None:
    value = cell.get("value")
    return None if value is None else bool(value)


READERS: dict[str, Callable[[JsonDict, str], Any]] = {
    "contact": _contact,
    "text": _text,
    "date": _date,
    "number": _number,
    "percent": _percent,
    "duration": _duration,
    "rag": _rag,
    "bool": _bool,
}


@lru_cache(maxsize=65536)
def contact_token(key: str, email: str | None, name: str | None) -> str | None:
    """The survey respondents' pseudonym of a contact (people recur on every row)."""
    return respondent_token(key, email, name)


def to_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(re.sub(r"[^\d.\-]", "", str(value)))
    except ValueError:
        return None


def parse_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def parse_duration(text: str) -> float | None:
    """`5d`, `2w`, `4h`, `0`, `~3d` (elapsed) as working days."""
    match = DURATION.match(text)
    if not match:
        return None
    amount, unit = float(match["amount"]), match["unit"].lower()
    return {
        "w": amount * DAYS_PER_WEEK,
        "h": amount / HOURS_PER_DAY,
        "m": amount / HOURS_PER_DAY / 60,
    }.get(unit, amount)


def parse_timestamp(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000).astimezone()
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
