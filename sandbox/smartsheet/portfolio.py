"""A synthetic Smartsheet account: one project plan per Jira sandbox project, deterministic from a
seed, and mutable (edit, add and delete rows, delete sheets) so incremental loads can be tested.

Plans follow Smartsheet's "Project with Gantt & Dependencies" template (Task Name, Start,
Finish, Duration, Predecessors, % Complete, Status with RYG symbols - or, every fifth plan, a
text picklist of localised labels -, Assigned To, baselines, duration-0 milestones, budget
and actual cost) in a "Portfolio" workspace, or the layout
Smartsheet's Project Online import creates: a "PMO Standards" workspace with a folder per
project holding its Summary, Tasks and Resources sheets. Project keys and ids are the Jira
sandbox's (`sandbox.jira.site.PROJECT_CATALOGUE`, ids from 10000), so plan and delivery join.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sandbox.jira.site import PEOPLE, PROJECT_CATALOGUE

AS_OF = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
# Plans start from this long before the as-of moment (its Monday), a week apart: at the as-of
# day they are mid-flight.
FIRST_START_BEFORE = timedelta(days=147)
# A register row's RAG word -> its place in a plan's (green, amber, red) status labels.
REGISTER_RAG = {"green": 0, "amber": 1, "yellow": 1, "red": 2}
RAG = ("Green", "Yellow", "Red")
# Every fifth plan keeps its status in a text picklist with its team's own words, as real
# sheets often do (no RYG symbol): green, amber, red in the order of RAG.
PICKLIST_LABELS = (("Grün", "Gelb", "Rot"), ("On track", "At risk", "Off track"))
GANTT = "gantt"
PROJECT_ONLINE = "project_online"
LAYOUTS = (GANTT, PROJECT_ONLINE)
# Gantt template columns: (title, type, extra column properties).
GANTT_COLUMNS: list[tuple[str, str, dict[str, Any]]] = [
    ("Task Name", "TEXT_NUMBER", {"primary": True}),
    ("Start", "DATE", {}),
    ("Finish", "DATE", {}),
    ("Duration", "DURATION", {}),
    ("Predecessors", "PREDECESSOR", {}),
    ("% Complete", "TEXT_NUMBER", {}),
    ("Status", "PICKLIST", {"symbol": "RYG", "options": list(RAG)}),
    ("Assigned To", "CONTACT_LIST", {}),
    ("Baseline Start", "DATE", {}),
    ("Baseline Finish", "DATE", {}),
    ("Budget", "TEXT_NUMBER", {}),
    ("Actual Cost", "TEXT_NUMBER", {}),
    ("Comments", "TEXT_NUMBER", {}),
]
# Project Online import, Tasks sheet (Smartsheet keeps Project's field names).
PROJECT_ONLINE_COLUMNS: list[tuple[str, str, dict[str, Any]]] = [
    ("Task Name", "TEXT_NUMBER", {"primary": True}),
    ("Duration", "DURATION", {}),
    ("Start", "DATE", {}),
    ("Finish", "DATE", {}),
    ("Predecessors", "PREDECESSOR", {}),
    ("% Complete", "TEXT_NUMBER", {}),
    ("Resource Names", "CONTACT_LIST", {}),
    ("Baseline Start", "DATE", {}),
    ("Baseline Finish", "DATE", {}),
    ("Milestone", "CHECKBOX", {}),
    ("Cost", "TEXT_NUMBER", {}),
    ("Actual Cost", "TEXT_NUMBER", {}),
    ("Health", "PICKLIST", {"symbol": "RYG", "options": list(RAG)}),
    ("Notes", "TEXT_NUMBER", {}),
]
SUMMARY_SHEET_COLUMNS = [
    ("Field", "TEXT_NUMBER", {"primary": True}),
    ("Value", "TEXT_NUMBER", {}),
]
RESOURCE_SHEET_COLUMNS = [
    ("Resource Name", "TEXT_NUMBER", {"primary": True}),
    ("Email", "CONTACT_LIST", {}),
    ("Max Units", "TEXT_NUMBER", {}),
]
PHASES = ("Initiation", "Planning", "Execution", "Closure")


def build_day() -> datetime:
    """The start of today (UTC): plans drawn around it are the same all day, so a second demo
    loads nothing new, and never ahead of the edits made to them."""
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Person:
    name: str
    email: str


@dataclass
class Column:
    id: int
    index: int
    title: str
    type: str
    primary: bool = False
    symbol: str | None = None
    options: list[str] | None = None


@dataclass
class HistoryEntry:
    value: Any
    modified_at: datetime
    modified_by: Person


@dataclass
class Row:
    id: int
    values: dict[int, Any]  # column id -> the cell's value as the site knows it (see `cells`)
    created_at: datetime
    modified_at: datetime
    created_by: Person
    parent_id: int | None = None
    history: dict[int, list[HistoryEntry]] = field(default_factory=dict)


@dataclass
class SummaryField:
    id: int
    index: int
    title: str
    type: str
    value: Any
    modified_at: datetime
    symbol: str | None = None


@dataclass
class Sheet:
    id: int
    name: str
    project_key: str
    kind: str  # "plan", "summary" or "resources"
    columns: list[Column]
    rows: list[Row]
    created_at: datetime
    modified_at: datetime
    version: int = 1
    summary: list[SummaryField] = field(default_factory=list)

    def column(self, title: str) -> Column:
        return next(c for c in self.columns if c.title == title)


@dataclass
class Folder:
    id: int
    name: str
    sheet_ids: list[int] = field(default_factory=list)
    folders: list[Folder] = field(default_factory=list)


@dataclass
class Workspace:
    id: int
    name: str
    sheet_ids: list[int] = field(default_factory=list)
    folders: list[Folder] = field(default_factory=list)


@dataclass
class Portfolio:
    """The account's workspaces and sheets; mutations bump the sheet's version and times."""

    sheets: dict[int, Sheet]
    workspaces: list[Workspace]
    people: list[Person]
    rng: random.Random
    last_change: datetime = AS_OF

    def now(self) -> datetime:
        """Now, to the second as Smartsheet stamps, never before the previous change."""
        moment = max(datetime.now(UTC).replace(microsecond=0), self.last_change)
        self.last_change = moment
        return moment

    def plans(self) -> list[Sheet]:
        return [s for s in self.sheets.values() if s.kind == "plan"]

    def touch(self, sheet: Sheet, at: datetime) -> None:
        sheet.version += 1
        sheet.modified_at = at

    def update_row(self, sheet_id: int, row_id: int, values: dict[str, Any]) -> None:
        """Set cells by column title; date and status changes are kept in the cell history."""
        sheet = self.sheets[sheet_id]
        row = next(r for r in sheet.rows if r.id == row_id)
        at = self.now()
        editor = self.rng.choice(self.people)
        for title, value in values.items():
            column = sheet.column(title)
            row.values[column.id] = value
            if column.id in row.history:
                row.history[column.id].append(HistoryEntry(value, at, editor))
        row.modified_at = at
        self.touch(sheet, at)

    def add_row(self, sheet_id: int, values: dict[str, Any]) -> Row:
        sheet = self.sheets[sheet_id]
        at = self.now()
        row = Row(self.new_id(), {}, at, at, self.rng.choice(self.people))
        for title, value in values.items():
            row.values[sheet.column(title).id] = value
        sheet.rows.append(row)
        self.touch(sheet, at)
        return row

    def delete_row(self, sheet_id: int, row_id: int) -> None:
        sheet = self.sheets[sheet_id]
        sheet.rows = [r for r in sheet.rows if r.id != row_id]
        self.touch(sheet, self.now())

    def delete_sheet(self, sheet_id: int) -> None:
        del self.sheets[sheet_id]
        for workspace in self.workspaces:
            for container in [workspace, *_all_folders(workspace.folders)]:
                if sheet_id in container.sheet_ids:
                    container.sheet_ids.remove(sheet_id)

    def new_id(self) -> int:
        return self.rng.randrange(10**15, 9 * 10**15)


def _all_folders(folders: list[Folder]) -> list[Folder]:
    return [f for folder in folders for f in (folder, *_all_folders(folder.folders))]


def generate_portfolio(
    seed: int = 11,
    projects: int = 4,
    tasks_per_sheet: int = 24,
    layout: str = GANTT,
    as_of: datetime = AS_OF,
    register: Sequence[Mapping[str, Any]] = (),
) -> Portfolio:
    """The same arguments always give the same portfolio, down to every id and timestamp.

    Each plan has phases (parent rows) with tasks and a closing duration-0 milestone; plans
    beyond the Jira sandbox's eight named projects take its `PRJ<n>` keys. Plans are drawn
    around `as_of` (the demo passes its build day, so projects are mid-flight whenever it
    runs). A project of `register` (project register rows) gets the register's budget and
    RAG in its sheet summary, so both sources tell the same story (its dates are the plan's).
    """
    rng = random.Random(seed)
    people = [
        Person(name, f"{name.split()[0].lower()}.{n}@example.com")
        for n, (name, _zone) in enumerate(PEOPLE)
    ]
    portfolio = Portfolio({}, [], people, rng, as_of)
    catalogue = PROJECT_CATALOGUE + [
        (f"PRJ{n}", f"Project {n}") for n in range(len(PROJECT_CATALOGUE), projects)
    ]
    builder = _PlanBuilder(portfolio, as_of, {row["project_key"]: row for row in register})
    if layout == GANTT:
        folder = Folder(portfolio.new_id(), "Active projects")
        portfolio.workspaces.append(Workspace(portfolio.new_id(), "Portfolio", folders=[folder]))
        for n, (key, name) in enumerate(catalogue[:projects]):
            sheet = builder.plan(key, f"{key} - {name}", GANTT_COLUMNS, tasks_per_sheet, n)
            sheet.summary = builder.summary_fields(key, n, sheet.created_at)
            folder.sheet_ids.append(sheet.id)
    elif layout == PROJECT_ONLINE:
        workspace = Workspace(portfolio.new_id(), "PMO Standards")
        portfolio.workspaces.append(workspace)
        for n, (key, name) in enumerate(catalogue[:projects]):
            folder = Folder(portfolio.new_id(), f"{key} {name}")
            workspace.folders.append(folder)
            title = f"{key} {name}"
            tasks = builder.plan(
                key, f"{title} - Tasks", PROJECT_ONLINE_COLUMNS, tasks_per_sheet, n
            )
            summary = builder.summary_sheet(key, f"{title} - Summary", n, tasks.created_at)
            resources = builder.resource_sheet(key, f"{title} - Resources", tasks.created_at)
            folder.sheet_ids += [summary.id, tasks.id, resources.id]
    else:
        raise ValueError(f"unknown layout {layout!r}, expected one of {LAYOUTS}")
    return portfolio


class _PlanBuilder:
    def __init__(
        self, portfolio: Portfolio, as_of: datetime, register: dict[str, Mapping[str, Any]]
    ) -> None:
        self.portfolio = portfolio
        self.rng = portfolio.rng
        self.as_of = as_of
        self.register = register
        first = (as_of - FIRST_START_BEFORE).date()
        self.first_start = first - timedelta(days=first.weekday())
        self.labels: tuple[str, ...] = RAG  # the status labels of the plan being built

    def sheet(self, key: str, name: str, kind: str, layout: list[Any], created: datetime) -> Sheet:
        columns = [
            Column(self.portfolio.new_id(), index, title, kind_, **extra)
            for index, (title, kind_, extra) in enumerate(layout)
        ]
        sheet = Sheet(self.portfolio.new_id(), name, key, kind, columns, [], created, created)
        self.portfolio.sheets[sheet.id] = sheet
        return sheet

    def plan(self, key: str, name: str, layout: list[Any], tasks: int, number: int) -> Sheet:
        rng = self.rng
        created = self.as_of - timedelta(days=120 + number % 60, minutes=rng.randint(0, 600))
        self.labels = status_labels(number)
        sheet = self.sheet(key, name, "plan", with_status_labels(layout, self.labels), created)
        titles = {c.title: c.id for c in sheet.columns}
        start = self.first_start + timedelta(days=7 * (number % 8))
        per_phase = max(1, (tasks - len(PHASES) - 1) // len(PHASES))
        previous: Row | None = None
        for phase in PHASES:
            parent = self.row(sheet, {titles["Task Name"]: f"{phase}"}, created)
            for task in range(per_phase):
                days = rng.randint(2, 15)
                begin = start + timedelta(days=rng.randint(0, 5))
                values = self.task_values(titles, f"{phase} task {task + 1}", begin, days)
                if previous is not None:
                    values[titles["Predecessors"]] = len(sheet.rows)  # row number of previous
                previous = self.row(sheet, values, created, parent.id)
                start = begin + timedelta(days=days)
        milestone = self.task_values(titles, "Go-live", start, 0)
        self.row(sheet, milestone, created)
        # The last row written sets the sheet's modification time.
        sheet.modified_at = max(r.modified_at for r in sheet.rows)
        sheet.version = 1 + sum(len(h) for r in sheet.rows for h in r.history.values())
        return sheet

    def task_values(self, titles: dict[str, int], name: str, begin: date, days: int) -> dict:
        rng = self.rng
        slip = rng.choice((0, 0, 0, 2, 5, 10))
        values: dict[int, Any] = {
            titles["Task Name"]: name,
            titles["Start"]: begin,
            titles["Finish"]: begin + timedelta(days=max(days, 1) - 1 + slip),
            titles["Duration"]: days,
            titles["% Complete"]: rng.choice((0.0, 0.25, 0.5, 0.75, 1.0)),
            titles["Baseline Start"]: begin,
            titles["Baseline Finish"]: begin + timedelta(days=max(days, 1) - 1),
            titles["Actual Cost"]: float(rng.randint(0, 40) * 250),
        }
        owner = titles.get("Assigned To") or titles["Resource Names"]
        values[owner] = rng.choice(self.portfolio.people)
        status = titles.get("Status") or titles["Health"]
        values[status] = self.labels[min(slip // 4, 2)]
        budget = titles.get("Budget") or titles["Cost"]
        values[budget] = float(rng.randint(4, 60) * 500)
        if "Milestone" in titles:
            values[titles["Milestone"]] = days == 0
        notes = titles.get("Comments") or titles["Notes"]
        if rng.random() < 0.3:
            values[notes] = f"see {rng.choice(self.portfolio.people).email}"
        return values

    def row(
        self, sheet: Sheet, values: dict[int, Any], created: datetime, parent: int | None = None
    ) -> Row:
        rng = self.rng
        at = created + timedelta(minutes=len(sheet.rows) + 1)
        row = Row(
            self.portfolio.new_id(), values, at, at, rng.choice(self.portfolio.people), parent
        )
        tracked = [c for c in sheet.columns if c.title in ("Finish", "Status", "Health")]
        for column in tracked if column_has(values, tracked) else []:
            row.history[column.id] = self.history(values.get(column.id), at)
        row.modified_at = max([at, *(h.modified_at for e in row.history.values() for h in e)])
        sheet.rows.append(row)
        return row

    def history(self, final: Any, created: datetime) -> list[HistoryEntry]:
        """Earlier values of a cell (a finish date slipping, a status changing), then `final`."""
        rng = self.rng
        changes = rng.randint(0, 2)
        entries = []
        for n in range(changes, 0, -1):
            earlier: Any = final
            if isinstance(final, date):
                earlier = final - timedelta(days=3 * n)
            elif isinstance(final, str) and final in self.labels:
                earlier = self.labels[max(self.labels.index(final) - n, 0)]
            at = created + timedelta(days=5 * (changes - n))
            entries.append(HistoryEntry(earlier, at, rng.choice(self.portfolio.people)))
        last = created + timedelta(days=5 * changes)
        entries.append(HistoryEntry(final, last, rng.choice(self.portfolio.people)))
        return entries

    def summary_fields(self, key: str, number: int, created: datetime) -> list[SummaryField]:
        rng = self.rng
        labels = status_labels(number)
        fields = [
            ("Project ID", "TEXT_NUMBER", key, None),
            ("Jira Project Id", "TEXT_NUMBER", str(10000 + number), None),
            ("Project Status", "PICKLIST", rng.choice(labels), "RYG" if labels == RAG else None),
            ("Project Manager", "CONTACT_LIST", rng.choice(self.portfolio.people), None),
            ("Total Budget", "TEXT_NUMBER", float(rng.randint(50, 400) * 1000), None),
        ]
        registered = self.register.get(key)
        if registered is not None:  # the register's figures (the draws above keep the seed's)
            rag = REGISTER_RAG.get(str(registered["rag"]).strip().lower())
            status = fields[2][2] if rag is None else labels[rag]
            fields[2] = ("Project Status", "PICKLIST", status, fields[2][3])
            fields[4] = ("Total Budget", "TEXT_NUMBER", float(registered["budget"]), None)
        return [
            SummaryField(self.portfolio.new_id(), i, title, kind, value, created, symbol)
            for i, (title, kind, value, symbol) in enumerate(fields)
        ]

    def summary_sheet(self, key: str, name: str, number: int, created: datetime) -> Sheet:
        sheet = self.sheet(key, name, "summary", SUMMARY_SHEET_COLUMNS, created)
        field_id, value_id = (c.id for c in sheet.columns)
        for summary in self.summary_fields(key, number, created):
            shown = summary.value.email if isinstance(summary.value, Person) else summary.value
            self.row(sheet, {field_id: summary.title, value_id: shown}, created)
        sheet.modified_at = max(r.modified_at for r in sheet.rows)
        return sheet

    def resource_sheet(self, key: str, name: str, created: datetime) -> Sheet:
        sheet = self.sheet(key, name, "resources", RESOURCE_SHEET_COLUMNS, created)
        name_id, email_id, units_id = (c.id for c in sheet.columns)
        for person in self.rng.sample(self.portfolio.people, 3):
            values = {name_id: person.name, email_id: person, units_id: 1.0}
            self.row(sheet, values, created)
        sheet.modified_at = max(r.modified_at for r in sheet.rows)
        return sheet


def status_labels(number: int) -> tuple[str, str, str]:
    """The green, amber and red labels of plan `number`'s status column: RYG symbol names, or
    every fifth plan a text picklist's words (German, then English "On track"... in turn)."""
    if number % 5 != 4:
        return RAG
    return PICKLIST_LABELS[number // 5 % len(PICKLIST_LABELS)]


def with_status_labels(layout: list[Any], labels: tuple[str, ...]) -> list[Any]:
    """The layout with its status column offering `labels`: a RYG symbol column, or a plain
    text picklist when they are not RYG symbol names."""
    status = {"options": list(labels)} | ({"symbol": "RYG"} if labels == RAG else {})
    return [
        (title, kind, status if title in ("Status", "Health") else extra)
        for title, kind, extra in layout
    ]


def column_has(values: dict[int, Any], columns: list[Column]) -> bool:
    """Whether the row is a task (it has a value in a tracked column), not a phase heading."""
    return any(values.get(c.id) is not None for c in columns)
