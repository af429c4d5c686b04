"""A deterministic synthetic Jira site: the single source of truth behind the emulator and tests.

The domain objects are plain dataclasses so tests can compute expected KPIs (lead time, cycle
time, throughput) straight from them, independently of the connector and the warehouse.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

DEFAULT_AS_OF = datetime(2026, 10, 1, tzinfo=UTC)
HISTORY_SPAN = timedelta(days=600)
SPRINT_LENGTH = timedelta(days=14)

PROJECT_CATALOGUE = [
    ("APOLLO", "Apollo launch platform"),
    ("HERMES", "Hermes messaging"),
    ("ATLAS", "Atlas data lake"),
    ("ZEUS", "Zeus billing"),
    ("ARTEMIS", "Artemis mobile app"),
    ("HERA", "Hera customer portal"),
    ("ORION", "Orion analytics"),
    ("DEMETER", "Demeter supply chain"),
]
PEOPLE = [
    ("Amélie Dubois", "Europe/Paris"),
    ("Jonas Müller", "Europe/Berlin"),
    ("Priya Raman", "Asia/Kolkata"),
    ("Mateo García", "America/Sao_Paulo"),
    ("Grace Chen", "America/Los_Angeles"),
    ("Liam O'Connor", "Europe/Dublin"),
    ("Yuki Tanaka", "Asia/Tokyo"),
    ("Olivia Smith", "Australia/Sydney"),
    ("Noah Johnson", "America/New_York"),
    ("Fatou Diop", "Africa/Dakar"),
    ("Lucas Martin", "UTC"),
]
FLOAT_FIELD_TYPE = "com.atlassian.jira.plugin.system.customfieldtypes:float"
LABELS = ["backend", "frontend", "customer", "tech-debt", "security", "ux"]
COMPONENTS = ["API", "Web", "Data"]


@dataclass(frozen=True)
class StatusCategory:
    id: int
    key: str
    name: str
    color_name: str


NEW = StatusCategory(2, "new", "To Do", "blue-gray")
IN_PROGRESS = StatusCategory(4, "indeterminate", "In Progress", "yellow")
DONE = StatusCategory(3, "done", "Done", "green")


@dataclass(frozen=True)
class Status:
    id: str
    name: str
    category: StatusCategory


@dataclass(frozen=True)
class Workflow:
    """The five statuses one project uses, named in the project's language; `retired` are
    statuses its issues passed through before the workflow changed (changelogs keep them)."""

    todo: Status
    in_progress: Status
    blocked: Status
    review: Status
    done: Status
    retired: tuple[Status, ...] = ()

    @property
    def statuses(self) -> list[Status]:
        return [self.todo, self.in_progress, self.blocked, self.review, self.done, *self.retired]


WORKFLOWS = [
    Workflow(
        Status("10000", "To Do", NEW),
        Status("3", "In Progress", IN_PROGRESS),
        Status("10010", "Blocked", IN_PROGRESS),
        Status("10011", "In Review", IN_PROGRESS),
        Status("10001", "Done", DONE),
    ),
    Workflow(
        Status("10020", "À faire", NEW),
        Status("10021", "En cours", IN_PROGRESS),
        Status("10022", "Bloqué", IN_PROGRESS),
        Status("10023", "En revue", IN_PROGRESS),
        Status("10024", "Erledigt", DONE),
    ),
]


@dataclass(frozen=True)
class IssueType:
    id: str
    name: str
    hierarchy_level: int
    subtask: bool = False


EPIC = IssueType("10000", "Epic", 1)
STORY = IssueType("10001", "Story", 0)
TASK = IssueType("10002", "Task", 0)
BUG = IssueType("10003", "Bug", 0)
SUBTASK = IssueType("10004", "Subtask", -1, subtask=True)
PRIORITIES = [("1", "Highest"), ("2", "High"), ("3", "Medium"), ("4", "Low"), ("5", "Lowest")]


@dataclass(frozen=True)
class User:
    account_id: str
    display_name: str
    email: str
    time_zone: str
    active: bool = True
    account_type: str = "atlassian"


@dataclass(frozen=True)
class FieldDef:
    """One entry of `/rest/api/3/field`; `role` is what the connector must discover by schema."""

    id: str
    name: str
    custom: bool
    schema_type: str | None
    schema_system: str | None = None
    schema_custom: str | None = None
    schema_items: str | None = None
    role: str | None = None


@dataclass(frozen=True)
class Project:
    id: str
    key: str
    name: str
    lead_account_id: str
    workflow: Workflow
    project_type_key: str = "software"
    # Localised projects name their issue types in their language: base type id -> the type
    # as this project shows it (its own id and name, same hierarchy level).
    localised_types: tuple[tuple[str, IssueType], ...] = ()

    def shown_type(self, issue_type: IssueType) -> IssueType:
        """The issue type as Jira shows it in this project (the site objects keep the base
        type, e.g. `BUG`, as the language-free truth)."""
        return dict(self.localised_types).get(issue_type.id, issue_type)


@dataclass(frozen=True)
class Board:
    id: int
    name: str
    project_key: str
    type: str = "scrum"


@dataclass
class Sprint:
    id: int
    board_id: int
    name: str
    state: str
    start: datetime | None
    end: datetime | None
    complete: datetime | None
    goal: str = ""


@dataclass(frozen=True)
class ChangeItem:
    field: str
    field_id: str
    field_type: str
    from_value: str | None
    from_string: str | None
    to_value: str | None
    to_string: str | None


@dataclass
class History:
    id: str
    author_account_id: str
    created: datetime
    items: list[ChangeItem]


@dataclass(frozen=True)
class StatusChange:
    at: datetime
    from_status: Status
    to_status: Status


@dataclass
class Worklog:
    id: int
    issue_id: str
    author_account_id: str
    started: datetime
    time_spent_seconds: int
    created: datetime
    updated: datetime


@dataclass
class Issue:
    id: str
    key: str
    project: Project
    issue_type: IssueType
    summary: str
    priority: tuple[str, str]
    created: datetime
    updated: datetime
    status: Status
    reporter_account_id: str
    assignee_account_id: str | None = None
    story_points: float | None = None
    due_date: date | None = None
    start_date: date | None = None
    parent_key: str | None = None
    labels: list[str] = field(default_factory=list)
    components: list[str] = field(default_factory=list)
    sprint_ids: list[int] = field(default_factory=list)
    resolution_date: datetime | None = None
    histories: list[History] = field(default_factory=list)
    status_changes: list[StatusChange] = field(default_factory=list)
    custom_values: dict[str, Any] = field(default_factory=dict)

    @property
    def status_category_key(self) -> str:
        return self.status.category.key

    @property
    def first_in_progress_at(self) -> datetime | None:
        return next(
            (c.at for c in self.status_changes if c.to_status.category is IN_PROGRESS), None
        )

    @property
    def first_done_at(self) -> datetime | None:
        return next((c.at for c in self.status_changes if c.to_status.category is DONE), None)

    @property
    def was_reopened(self) -> bool:
        return any(c.from_status.category is DONE for c in self.status_changes)


@dataclass(frozen=True)
class Quirks:
    """How a site's answers depart from the tidy default, each as real Jira sites do; all off
    by default (see `sandbox.jira.messy` for a site with every one on).

    `omit_empty`: keys without a value are absent rather than null (issue fields, statuses,
    users, sprints); `project_lead`: `/project/search` sends `lead` "always", only when asked
    ("expand=lead", as Jira Cloud) or "never"; `board_project_id`: boards' `location` carries
    `projectId`; `user_details`: `/users/search` entries carry `displayName`, `active` and
    `timeZone` (the recorded sample has none); `users_ignore_start_at`: `/users/search`
    answers the first page whatever `startAt` says; `stale_categories`: status id -> the
    category issues embed for it, which `/status` no longer says (recategorised since);
    `transient_faults`: (kind, path prefix, times, HTTP status) faults the emulator starts
    with, e.g. `("html", "/rest/api/3/status", 1, 503)` (see `JiraEmulator.inject`).
    """

    omit_empty: bool = False
    project_lead: str = "always"
    board_project_id: bool = True
    user_details: bool = True
    users_ignore_start_at: bool = False
    stale_categories: tuple[tuple[str, StatusCategory], ...] = ()
    transient_faults: tuple[tuple[str, str, int, int], ...] = ()


@dataclass
class JiraSite:
    """The whole site; mutators let tests play Jira activity between two loads."""

    as_of: datetime
    api_user: User
    users: list[User]
    projects: list[Project]
    fields: list[FieldDef]
    issues: dict[str, Issue]
    boards: list[Board]
    sprints: list[Sprint]
    worklogs: list[Worklog]
    deployment: str = "Cloud"
    next_history_id: int = 0
    revision: int = 0
    # Bumped by worklog changes only, so that the emulator's worklog index survives issue edits.
    worklog_revision: int = 0
    deleted_worklogs: dict[int, datetime] = field(default_factory=dict)
    # Status ids that changelogs reference but `/status` does not list (see `sandbox.jira.messy`).
    hidden_status_ids: frozenset[str] = frozenset()
    quirks: Quirks = field(default_factory=lambda: Quirks())

    def next_worklog_id(self) -> int:
        return 100000 + len(self.worklogs) + len(self.deleted_worklogs)

    @property
    def statuses(self) -> list[Status]:
        """What `/status` lists: every workflow's statuses but the hidden ones."""
        return [s for s in self.all_statuses if s.id not in self.hidden_status_ids]

    @property
    def all_statuses(self) -> list[Status]:
        """Every status the site's issues can be or have been in, hidden ones included."""
        unique = {s.id: s for p in self.projects for s in p.workflow.statuses}
        return list(unique.values())

    def field_for(self, role: str) -> FieldDef:
        return next(f for f in self.fields if f.role == role)

    def user(self, account_id: str) -> User:
        return next(u for u in self.users if u.account_id == account_id)

    def record(self, issue: Issue, at: datetime, items: list[ChangeItem]) -> History:
        """Append one history to an issue and bump its `updated`, as any Jira edit does."""
        at = to_millis(at)
        self.revision += 1
        self.next_history_id += 1
        history = History(str(self.next_history_id), self.api_user.account_id, at, items)
        issue.histories.append(history)
        issue.updated = max(issue.updated, at)
        return history

    def transition(self, key: str, to_status_id: str, at: datetime) -> Issue:
        """Move an issue to another status of its workflow at `at`, with resolution handling."""
        issue, at = self.issues[key], to_millis(at)
        target = next(s for s in issue.project.workflow.statuses if s.id == to_status_id)
        self.record(issue, at, _status_items(issue.status, target))
        issue.status_changes.append(StatusChange(at, issue.status, target))
        if target.category is not DONE or issue.status.category is not DONE:
            issue.resolution_date = at if target.category is DONE else None
        issue.status = target
        return issue

    def edit_summary(self, key: str, summary: str, at: datetime) -> Issue:
        issue = self.issues[key]
        item = ChangeItem("summary", "summary", "jira", None, issue.summary, None, summary)
        self.record(issue, at, [item])
        issue.summary = summary
        return issue

    def create_issue(self, project_key: str, summary: str, at: datetime) -> Issue:
        """A new story; `at` in the past plays an issue that reaches the search index late."""
        project = next(p for p in self.projects if p.key == project_key)
        number = 1 + max(
            (int(i.key.rsplit("-", 1)[1]) for i in self.issues.values() if i.project is project),
            default=0,
        )
        issue_id = 1 + max((int(i.id) for i in self.issues.values()), default=10000)
        at = to_millis(at)
        issue = Issue(
            str(issue_id),
            f"{project_key}-{number}",
            project,
            STORY,
            summary,
            PRIORITIES[2],
            at,
            at,
            project.workflow.todo,
            self.api_user.account_id,
        )
        self.issues[issue.key] = issue
        self.revision += 1
        return issue

    def set_sprints(self, key: str, sprint_ids: list[int], at: datetime) -> Issue:
        """Move an issue between sprints (an empty list sends it back to the backlog)."""
        issue = self.issues[key]
        names = {s.id: s.name for s in self.sprints}
        sprint = self.field_for("sprint")
        before, after = issue.sprint_ids, sprint_ids
        item = ChangeItem(
            sprint.name,
            sprint.id,
            "custom",
            ", ".join(map(str, before)),
            ", ".join(names[i] for i in before),
            ", ".join(map(str, after)),
            ", ".join(names[i] for i in after),
        )
        self.record(issue, at, [item])
        issue.sprint_ids = list(sprint_ids)
        return issue

    def add_field(self, field_def: FieldDef) -> FieldDef:
        """A Jira admin creates a custom field: it shows in `/field` from now on."""
        self.revision += 1
        self.fields.append(field_def)
        return field_def

    def set_custom_value(self, key: str, field_id: str, value: Any, at: datetime) -> Issue:
        """Set any custom field on an issue, of any JSON type (drift tests change types)."""
        issue = self.issues[key]
        name = next(f.name for f in self.fields if f.id == field_id)
        old = issue.custom_values.get(field_id)
        old_text = None if old is None else str(old)
        self.record(
            issue, at, [ChangeItem(name, field_id, "custom", None, old_text, None, str(value))]
        )
        issue.custom_values[field_id] = value
        return issue

    def log_work(self, key: str, seconds: int, at: datetime) -> Worklog:
        issue, at = self.issues[key], to_millis(at)
        author = issue.assignee_account_id or issue.reporter_account_id
        worklog = Worklog(self.next_worklog_id(), issue.id, author, at, seconds, at, at)
        self.worklogs.append(worklog)
        self.revision += 1
        self.worklog_revision += 1
        issue.updated = max(issue.updated, at)
        return worklog

    def delete_worklog(self, worklog_id: int, at: datetime) -> None:
        """Remove a worklog; Jira lists it in `/worklog/deleted` from `at` on."""
        self.worklogs = [w for w in self.worklogs if w.id != worklog_id]
        self.deleted_worklogs[worklog_id] = to_millis(at)
        self.revision += 1
        self.worklog_revision += 1

    def delete_issue(self, key: str, at: datetime | None = None) -> Issue:
        """Remove an issue like a Jira delete: it vanishes from every search without a trace;
        its worklogs are listed as deleted at `at` (default: `as_of`)."""
        issue = self.issues.pop(key)
        for worklog in [w for w in self.worklogs if w.issue_id == issue.id]:
            self.delete_worklog(worklog.id, at or self.as_of)
        self.revision += 1
        return issue


def to_millis(at: datetime) -> datetime:
    """Jira stores timestamps with millisecond precision."""
    return at.replace(microsecond=at.microsecond // 1000 * 1000)


def _status_items(current: Status, target: Status) -> list[ChangeItem]:
    items = [
        ChangeItem("status", "status", "jira", current.id, current.name, target.id, target.name)
    ]
    if target.category is DONE and current.category is not DONE:
        items.append(ChangeItem("resolution", "resolution", "jira", None, None, "10000", "Done"))
    elif current.category is DONE and target.category is not DONE:
        items.append(ChangeItem("resolution", "resolution", "jira", "10000", "Done", None, None))
    return items


def _custom_field_ids(rng: random.Random) -> dict[str, str]:
    """Site-specific custom field ids: never the 10016 many tutorials hard-code."""
    ids = rng.sample(range(10030, 10400), 5)
    return {
        role: f"customfield_{n}"
        for role, n in zip(
            ("story_points", "sprint", "start_date", "rank", "team"), ids, strict=True
        )
    }


def _fields(ids: dict[str, str], story_points_name: str) -> list[FieldDef]:
    def system(fid: str, name: str, schema_type: str | None, items: str | None = None) -> FieldDef:
        system_name = fid if schema_type else None
        return FieldDef(fid, name, False, schema_type, system_name, schema_items=items)

    return [
        system("summary", "Summary", "string"),
        system("issuetype", "Issue Type", "issuetype"),
        system("project", "Project", "project"),
        system("status", "Status", "status"),
        system("statuscategorychangedate", "Status Category Changed", "datetime"),
        system("priority", "Priority", "priority"),
        system("created", "Created", "datetime"),
        system("updated", "Updated", "datetime"),
        system("resolutiondate", "Resolved", "datetime"),
        system("resolution", "Resolution", "resolution"),
        system("duedate", "Due date", "date"),
        system("labels", "Labels", "array", "string"),
        system("components", "Components", "array", "component"),
        system("fixVersions", "Fix versions", "array", "version"),
        system("assignee", "Assignee", "user"),
        system("reporter", "Reporter", "user"),
        system("description", "Description", "string"),
        system("parent", "Parent", None),
        FieldDef(
            ids["story_points"],
            story_points_name,
            True,
            "number",
            schema_custom=FLOAT_FIELD_TYPE,
            role="story_points",
        ),
        FieldDef(
            ids["sprint"],
            "Sprint",
            True,
            "array",
            schema_custom="com.pyxis.greenhopper.jira:gh-sprint",
            schema_items="json",
            role="sprint",
        ),
        FieldDef(
            ids["start_date"],
            "Start date",
            True,
            "date",
            schema_custom="com.atlassian.jira.plugin.system.customfieldtypes:datepicker",
            role="start_date",
        ),
        FieldDef(
            ids["rank"],
            "Rank",
            True,
            "any",
            schema_custom="com.pyxis.greenhopper.jira:gh-lexo-rank",
        ),
        FieldDef(
            ids["team"],
            "Team",
            True,
            "option",
            schema_custom="com.atlassian.jira.plugin.system.customfieldtypes:select",
        ),
    ]


def _users(rng: random.Random) -> list[User]:
    users = []
    for n, (name, tz) in enumerate(PEOPLE):
        handle = name.split()[0].lower().replace("é", "e")
        account_id = (
            f"712020:{uuid.UUID(int=rng.getrandbits(128))}" if n % 2 else rng.randbytes(12).hex()
        )
        users.append(User(account_id, name, f"{handle}@example.com", tz))
    return users


def _sprints_for(board: Board, first_id: int, as_of: datetime) -> list[Sprint]:
    start = (as_of - HISTORY_SPAN).replace(hour=9, minute=0, second=0, microsecond=0)
    sprints: list[Sprint] = []
    number = 1
    while start <= as_of:
        end = start + SPRINT_LENGTH
        state = "closed" if end <= as_of else "active"
        complete = end + timedelta(hours=2) if state == "closed" else None
        name = f"{board.project_key} Sprint {number}"
        sprints.append(Sprint(first_id + number - 1, board.id, name, state, start, end, complete))
        start, number = end, number + 1
    name = f"{board.project_key} Sprint {number}"
    sprints.append(Sprint(first_id + number - 1, board.id, name, "future", None, None, None))
    return sprints


class _IssueBuilder:
    """Plays one issue's life from creation to `as_of`: statuses, edits, sprints, worklogs."""

    def __init__(
        self,
        rng: random.Random,
        site: JiraSite,
        sprints: list[Sprint],
        extra_histories: tuple[int, int],
    ) -> None:
        self.rng = rng
        self.site = site
        self.sprints = sprints
        self.extra_histories = extra_histories
        self.points_field = site.field_for("story_points")
        self.rank_field = next(f for f in site.fields if f.name == "Rank")

    def status_path(self, issue: Issue) -> list[tuple[datetime, Status]]:
        """Created -> in progress -> maybe blocked/review -> done, sometimes reopened."""
        rng, wf, as_of = self.rng, issue.project.workflow, self.site.as_of
        path: list[tuple[datetime, Status]] = []
        if rng.random() < 0.15:
            return path
        t = issue.created + timedelta(days=rng.uniform(0.2, 25))
        rounds = 2 if rng.random() < 0.12 else 1
        for _ in range(rounds):
            steps = [wf.in_progress]
            if rng.random() < 0.25:
                steps += [wf.blocked, wf.in_progress]
            if rng.random() < 0.6:
                steps.append(wf.review)
            steps.append(wf.done)
            for status in steps:
                if t >= as_of:
                    return path
                path.append((t, status))
                t += timedelta(days=rng.uniform(0.1, 9) * (1 + (issue.story_points or 1) / 8))
            t += timedelta(days=rng.uniform(1, 20))
        return path

    def edit_items(self, issue: Issue, kind: str) -> list[ChangeItem]:
        rng = self.rng
        if kind == "assignee":
            new = rng.choice(self.site.users).account_id
            old = issue.assignee_account_id
            issue.assignee_account_id = new
            return [
                ChangeItem(
                    "assignee", "assignee", "jira", old, self._name(old), new, self._name(new)
                )
            ]
        if kind == "priority":
            new = rng.choice(PRIORITIES)
            old, issue.priority = issue.priority, new
            return [ChangeItem("priority", "priority", "jira", old[0], old[1], new[0], new[1])]
        if kind == "points" and issue.issue_type is not EPIC:
            new = float(rng.choice([1, 2, 3, 5, 8, 13]))
            old, issue.story_points = issue.story_points, new
            field_def = self.points_field
            old_text = None if old is None else f"{old:g}"
            return [
                ChangeItem(field_def.name, field_def.id, "custom", None, old_text, None, f"{new:g}")
            ]
        direction = rng.choice(["higher", "lower"])
        field_def = self.rank_field
        return [
            ChangeItem(field_def.name, field_def.id, "custom", "", "", "", f"Ranked {direction}")
        ]

    def _name(self, account_id: str | None) -> str | None:
        return None if account_id is None else self.site.user(account_id).display_name

    def sprint_joins(
        self, issue: Issue, path: list[tuple[datetime, Status]]
    ) -> list[tuple[datetime, int]]:
        """Sprints the issue belonged to: the one it started in plus carry-overs until done."""
        if issue.issue_type in (EPIC, SUBTASK) or not path:
            return []
        started = path[0][0]
        finished = next((t for t, s in path if s.category is DONE), self.site.as_of)
        joins: list[tuple[datetime, int]] = []
        for sprint in self.sprints:
            if sprint.start is None or sprint.end is None:
                continue
            if sprint.end > started and sprint.start <= finished:
                late = self.rng.random() < 0.2
                offset = timedelta(days=self.rng.uniform(0.1, 3))
                joined = sprint.start + offset if late else sprint.start - offset
                joined = max(joined, issue.created)
                joins.append((min(joined, started) if not joins else joined, sprint.id))
        return joins

    def play(self, issue: Issue, long_changelog: bool) -> None:
        rng, site = self.rng, self.site
        path = self.status_path(issue)
        joins = self.sprint_joins(issue, path)
        last = path[-1][0] if path else min(site.as_of, issue.created + timedelta(days=30))
        low, high = self.extra_histories
        n_edits = rng.randint(low, high) + (rng.randint(41, 70) if long_changelog else 0)
        span = max((last - issue.created).total_seconds(), 60.0)
        edits = sorted(
            issue.created + timedelta(seconds=rng.uniform(1, span)) for _ in range(n_edits)
        )
        events: list[tuple[datetime, int, object]] = [(t, 0, s) for t, s in path]
        events += [(t, 1, sprint_id) for t, sprint_id in joins]
        events += [(t, 2, None) for t in edits]
        for at, kind, payload in sorted(events, key=lambda e: (e[0], e[1])):
            if at >= site.as_of:
                continue
            if kind == 0:
                site.transition(issue.key, payload.id, at)  # type: ignore[attr-defined]
            elif kind == 1:
                site.set_sprints(issue.key, [*issue.sprint_ids, int(payload)], at)  # type: ignore[call-overload]
            else:
                choice = rng.choice(["rank", "rank", "assignee", "priority", "points"])
                site.record(issue, at, self.edit_items(issue, choice))
        self._worklogs(issue)

    def _worklogs(self, issue: Issue) -> None:
        started, rng = issue.first_in_progress_at, self.rng
        if started is None or issue.issue_type is EPIC:
            return
        end = issue.first_done_at or self.site.as_of
        for _ in range(rng.randint(0, 3)):
            at = to_millis(started + (end - started) * rng.random())
            logged = to_millis(at + timedelta(hours=rng.uniform(0.5, 30)))
            if logged >= self.site.as_of:
                continue
            wid = self.site.next_worklog_id()
            author = issue.assignee_account_id or issue.reporter_account_id
            seconds = 900 * rng.randint(1, 32)
            self.site.worklogs.append(Worklog(wid, issue.id, author, at, seconds, logged, logged))


def generate_site(
    seed: int = 7,
    projects: int = 4,
    issues_per_project: int = 80,
    as_of: datetime = DEFAULT_AS_OF,
    *,
    long_changelog_every: int = 25,
    extra_histories: tuple[int, int] = (0, 4),
    deployment: str = "Cloud",
) -> JiraSite:
    """Build a site; the same arguments always give the same site, down to every timestamp.

    `long_changelog_every`: every n-th issue gets more histories than Jira embeds (40+);
    `extra_histories`: range of non-status edits (rank, assignee, priority, points) per issue.
    """
    rng = random.Random(seed)
    users = _users(rng)
    api_user = User(users[0].account_id, users[0].display_name, "demo@example.com", "Europe/Paris")
    story_points_name = "Story point estimate" if deployment == "Cloud" else "Story Points"
    fields = _fields(_custom_field_ids(rng), story_points_name)
    catalogue = PROJECT_CATALOGUE + [
        (f"PRJ{n}", f"Project {n}") for n in range(len(PROJECT_CATALOGUE), projects)
    ]
    project_list = [
        Project(str(10000 + n), key, name, rng.choice(users).account_id, WORKFLOWS[n % 2])
        for n, (key, name) in enumerate(catalogue[:projects])
    ]
    site = JiraSite(as_of, api_user, users, project_list, fields, {}, [], [], [], deployment)
    populate(rng, site, issues_per_project, long_changelog_every, extra_histories)
    return site


def populate(
    rng: random.Random,
    site: JiraSite,
    issues_per_project: int,
    long_changelog_every: int,
    extra_histories: tuple[int, int],
    builder: type[_IssueBuilder] = _IssueBuilder,
) -> None:
    """Give each project of `site` a scrum board, its sprints and issues played to `as_of`."""
    issue_id = 10000
    for n, project in enumerate(site.projects):
        board = Board(n + 1, f"{project.key} board", project.key)
        sprints = _sprints_for(board, 1 + len(site.sprints), site.as_of)
        site.boards.append(board)
        site.sprints += sprints
        player = builder(rng, site, sprints, extra_histories)
        epics: list[Issue] = []
        parents: list[Issue] = []
        for number in range(1, issues_per_project + 1):
            issue_id += 1
            issue = _new_issue(rng, site, project, issue_id, number, epics, parents)
            site.issues[issue.key] = issue
            (epics if issue.issue_type is EPIC else parents).append(issue)
            player.play(issue, long_changelog=(issue_id % long_changelog_every == 0))


def _new_issue(
    rng: random.Random,
    site: JiraSite,
    project: Project,
    issue_id: int,
    number: int,
    epics: list[Issue],
    parents: list[Issue],
) -> Issue:
    roll = rng.random()
    if number == 1 or roll < 0.08:
        issue_type = EPIC
    elif roll < 0.13 and parents:
        issue_type = SUBTASK
    else:
        issue_type = rng.choices([STORY, TASK, BUG], weights=[55, 25, 20])[0]
    created = site.as_of - HISTORY_SPAN + (HISTORY_SPAN * 0.97) * rng.random()
    created = created.replace(microsecond=rng.randrange(0, 1000) * 1000)
    parent = None
    if issue_type is SUBTASK:
        parent = rng.choice(parents).key
    elif issue_type is not EPIC and epics and rng.random() < 0.75:
        parent = rng.choice(epics).key
    reporter = rng.choice(site.users).account_id
    has_due = rng.random() < 0.45
    issue = Issue(
        id=str(issue_id),
        key=f"{project.key}-{number}",
        project=project,
        issue_type=issue_type,
        summary=f"{issue_type.name} {number} of {project.name}",
        priority=rng.choice(PRIORITIES),
        created=created,
        updated=created,
        status=project.workflow.todo,
        reporter_account_id=reporter,
        assignee_account_id=rng.choice([None, *[u.account_id for u in site.users]]),
        story_points=float(rng.choice([1, 2, 3, 5, 8])) if issue_type is not EPIC else None,
        due_date=(created + timedelta(days=rng.uniform(5, 90))).date() if has_due else None,
        start_date=created.date() if rng.random() < 0.3 else None,
        parent_key=parent,
        labels=rng.sample(LABELS, rng.randint(0, 2)),
        components=rng.sample(COMPONENTS, rng.randint(0, 1)),
    )
    return issue
