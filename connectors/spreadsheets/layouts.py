"""The PMO workbook layouts: one definition shared by the templates, the sandbox and the parser.

Keeping the layout in one place is what makes "templates round-trip" true by construction: the
template writer, the synthetic data and the connector all read the same column list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """How a cell is parsed and validated."""

    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    DATE = "date"
    DATETIME = "datetime"
    PERSONAL = "personal"  # pseudonymised, never stored raw


@dataclass(frozen=True)
class Column:
    """One contracted column of a workbook sheet."""

    header: str
    name: str
    kind: Kind = Kind.TEXT
    required: bool = False
    low: float | None = None
    high: float | None = None
    choices: str | None = None  # name of a validation list on the template's Lists sheet
    aliases: tuple[str, ...] = ()
    help: str = ""
    scale: str | None = None  # Likert scale (see likert.py) for labelled ratings


@dataclass(frozen=True)
class Layout:
    """One workbook: its data sheet, its columns and the raw table it feeds.

    ``sheet`` is the template's sheet name; files are recognised by headers, whatever the
    sheet is called (it only breaks ties).
    """

    workbook: str
    table: str
    sheet: str
    title: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


MATURITY_DOMAINS = (
    "Organisational Development and Alignment",
    "PMO Strategic Elements",
    "PMO Design and Structuring",
    "PMO Operation and Performance",
    "PMO Enhancement and Effectiveness",
    "People",
)
RAG_VALUES = ("Red", "Amber", "Green")
PRIORITIES = ("High", "Medium", "Low")
SURVEY_DIMENSIONS = ("satisfaction", "value")
SERVICE_ID_PATTERN = r"SVC-[A-Z0-9]+"
SERVICE_COLUMN = re.compile(
    rf"^\s*(?P<service>{SERVICE_ID_PATTERN})\s*[-:_ ]\s*(?P<dimension>satisfaction|value)\s*$",
    re.IGNORECASE,
)


def service_header(service_id: str, dimension: str) -> str:
    """The survey template's per-service column header, e.g. ``SVC-GOV satisfaction``."""
    return f"{service_id} {dimension}"


SURVEY = Layout(
    workbook="value_survey",
    table="survey_responses",
    sheet="Responses",
    title="PMO value survey responses: one row per respondent per wave",
    key=("response_id",),
    columns=(
        Column(
            "Response ID",
            "response_id",
            aliases=("id", "response id", "responseid"),
            help="Unique within its wave (stored as <wave>-<id>); derived from wave and "
            "respondent if blank.",
        ),
        Column("Wave", "wave", help="Survey wave as YYYY-Qn; derived from Submitted at if blank."),
        Column(
            "Submitted at",
            "submitted_at",
            Kind.DATETIME,
            required=True,
            aliases=("completion time", "timestamp", "end date", "recorded date"),
        ),
        Column(
            "Respondent email",
            "respondent_email",
            Kind.PERSONAL,
            aliases=("email", "email address", "recipient email"),
            help="Pseudonymised with a keyed HMAC on load; never stored.",
        ),
        Column(
            "Respondent name",
            "respondent_name",
            Kind.PERSONAL,
            aliases=("name", "full name"),
            help="Pseudonymised with a keyed HMAC on load; never stored.",
        ),
        Column("Stakeholder group", "stakeholder_group", required=True, choices="groups"),
        Column("Business unit", "business_unit"),
        Column(
            "Overall: the PMO delivers value to me",
            "overall_value",
            Kind.INTEGER,
            low=1,
            high=5,
            aliases=("overall value", "the pmo delivers value to me"),
        ),
        Column(
            "Likelihood to recommend",
            "likelihood_to_recommend",
            Kind.INTEGER,
            low=0,
            high=10,
            aliases=("nps", "likelihood to recommend the pmo"),
        ),
        Column("Comment", "comment", aliases=("comments",)),
    ),
)

SERVICE_CATALOGUE = Layout(
    workbook="service_catalogue",
    table="service_catalogue",
    sheet="Services",
    title="PMO service catalogue: one row per PMO service",
    key=("service_id",),
    columns=(
        Column("Service ID", "service_id", required=True, help="SVC-XXX"),
        Column("Service name", "service_name", required=True, aliases=("name",)),
        Column("Value Ring function", "value_ring_function", choices="functions"),
        Column(
            "Customer groups",
            "customer_groups",
            help="Stakeholder groups served, separated by ';'.",
        ),
        Column("Owner", "owner"),
        Column("Start date", "start_date", Kind.DATE),
        Column(
            "Target satisfaction", "target_satisfaction", Kind.NUMBER, low=1, high=5, help="1-5"
        ),
    ),
)

NEEDS_REGISTER = Layout(
    workbook="needs_register",
    table="needs_register",
    sheet="Needs",
    title="Customer needs register: one row per stakeholder need",
    key=("need_id",),
    columns=(
        Column("Need ID", "need_id", required=True),
        Column("Customer group", "customer_group", required=True, choices="groups"),
        Column("Need", "need", required=True, aliases=("description",)),
        Column("Priority", "priority", choices="priorities"),
        Column(
            "Services",
            "service_ids",
            aliases=("service ids", "addressed by"),
            help="Service IDs that address the need, separated by ';'.",
        ),
    ),
)

MATURITY_ASSESSMENT = Layout(
    workbook="maturity_assessment",
    table="maturity_assessments",
    sheet="Assessments",
    title="PMO maturity self-assessment: one row per domain rating per assessment",
    key=("assessed_on", "domain"),
    columns=(
        Column("Assessed on", "assessed_on", Kind.DATE, required=True, aliases=("date",)),
        Column("Domain", "domain", required=True, choices="domains"),
        Column("Level", "level", Kind.INTEGER, required=True, low=1, high=5),
        Column("Target level", "target_level", Kind.INTEGER, low=1, high=5),
        Column("Assessor", "assessor"),
        Column("Evidence", "evidence"),
    ),
)

PROJECT_REGISTER = Layout(
    workbook="project_register",
    table="project_register",
    sheet="Projects",
    title="Project register: one row per project",
    key=("project_key",),
    columns=(
        Column(
            "Jira project key",
            "project_key",
            required=True,
            aliases=("project key", "jira key", "key"),
        ),
        Column("Project name", "project_name", required=True, aliases=("name",)),
        Column("Strategic objective", "strategic_objective_id", aliases=("objective id",)),
        Column("Sponsor", "sponsor"),
        Column("Budget", "budget", Kind.NUMBER, low=0),
        Column("Actual cost to date", "actual_cost_to_date", Kind.NUMBER, low=0),
        Column("Baseline start", "baseline_start", Kind.DATE),
        Column("Baseline end", "baseline_end", Kind.DATE),
        Column("Forecast end", "forecast_end", Kind.DATE),
        Column("Planned benefits", "planned_benefits", Kind.NUMBER, low=0),
        Column("Realised benefits", "realised_benefits", Kind.NUMBER, low=0),
        Column("RAG", "rag", choices="rag", aliases=("status", "rag status")),
    ),
)

STRATEGIC_OBJECTIVES = Layout(
    workbook="strategic_objectives",
    table="strategic_objectives",
    sheet="Objectives",
    title="Strategic objectives: one row per objective",
    key=("objective_id",),
    columns=(
        Column("Objective ID", "objective_id", required=True),
        Column("Objective name", "objective_name", required=True, aliases=("name",)),
        Column("Weight", "weight", Kind.NUMBER, low=0, help="Relative weight, e.g. 0.3"),
    ),
)

QUESTION_DIMENSIONS = (
    "satisfaction",
    "value",
    "overall value",
    "nps",
    "comment",
    "stakeholder group",
    "business unit",
)

QUESTION_MAP = Layout(
    workbook="survey_question_map",
    table="survey_question_map",
    sheet="Questions",
    title="Survey question map: how a Forms, Google Forms or Qualtrics export's questions load",
    key=("question",),
    columns=(
        Column(
            "Question",
            "question",
            required=True,
            aliases=("question text", "pattern"),
            help="Header text as exported; '*' matches anything, a 're:' prefix is a regex.",
        ),
        Column("Service ID", "service_id", help="Required for satisfaction and value."),
        Column("Dimension", "dimension", required=True, choices="dimensions"),
        Column(
            "Scale",
            "scale",
            help="agreement, satisfaction, value, 1-5, 0-10, or 'label=number; …'. "
            "Default 1-5 (0-10 for nps).",
        ),
    ),
)

LAYOUTS: tuple[Layout, ...] = (
    SURVEY,
    QUESTION_MAP,
    SERVICE_CATALOGUE,
    NEEDS_REGISTER,
    MATURITY_ASSESSMENT,
    PROJECT_REGISTER,
    STRATEGIC_OBJECTIVES,
)

VALIDATION_LISTS: dict[str, tuple[str, ...]] = {
    "domains": MATURITY_DOMAINS,
    "dimensions": QUESTION_DIMENSIONS,
    "rag": RAG_VALUES,
    "priorities": PRIORITIES,
    "groups": (
        "Executive sponsors",
        "Project managers",
        "Delivery teams",
        "Business unit leads",
        "Finance and governance",
    ),
    "functions": (
        "Strategy and alignment",
        "Governance and control",
        "Delivery support",
        "Capability development",
        "Performance and reporting",
    ),
}

DEFAULT_SERVICE_IDS = ("SVC-GOV", "SVC-REP", "SVC-RES", "SVC-MTH", "SVC-TRN", "SVC-BEN")


def survey_columns(service_ids: tuple[str, ...] = DEFAULT_SERVICE_IDS) -> tuple[Column, ...]:
    """The survey sheet's columns: respondent fields, two ratings per service, then overall."""
    ratings = tuple(
        Column(
            service_header(service_id, dimension),
            f"{service_id}|{dimension}",
            Kind.INTEGER,
            low=1,
            high=5,
            help=f"{dimension.capitalize()} with {service_id}, 1-5; blank if not used.",
        )
        for service_id in service_ids
        for dimension in SURVEY_DIMENSIONS
    )
    split = [column.name for column in SURVEY.columns].index("overall_value")
    return SURVEY.columns[:split] + ratings + SURVEY.columns[split:]
