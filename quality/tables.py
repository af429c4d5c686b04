"""Which warehouse tables are validated, what their suites check and which other tables the
suites read: all that Dagster needs to define the checks.

Great Expectations is not imported here: its import is slow, and every code-location load (every
run, every ``dagster dev`` reload) would pay for it. The suites themselves (:mod:`quality.suites`)
are built, and GE imported, when a check first runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from great_expectations.core.expectation_suite import ExpectationSuite

    from quality.references import References

Table = tuple[str, str]
RAW_JIRA = "raw_jira"
RAW_SHEETS = "raw_spreadsheets"
RAW_SMARTSHEET = "raw_smartsheet"
MARTS = "marts"
# A Smartsheet table's rows belong to a sheet the warehouse holds.
SMARTSHEET_SHEET_LOADED = (
    "sheet_is_loaded",
    "sheet_id in (select sheet_id from raw_smartsheet.sheets)",
)


@dataclass(frozen=True)
class TableSuite:
    """A table, what its suite checks, and the tables the suite's references read.

    ``builder`` names the function of :mod:`quality.suites` that builds the suite. ``derived``
    columns are SQL expressions DuckDB computes while the table is checked: a reference into a
    large table (a changelog row's issue) is a join there, and a boolean the suite checks,
    instead of a set of a million values to test every row against.
    """

    schema: str
    table: str
    description: str
    builder: str
    reads: tuple[Table, ...] = ()
    derived: tuple[tuple[str, str], ...] = ()

    @property
    def name(self) -> str:
        return f"{self.schema}.{self.table}"

    def build(self, references: References) -> ExpectationSuite:
        """The suite, with the references it checks against."""
        from quality import suites  # Great Expectations, imported on first use

        return getattr(suites, self.builder)(references)


TABLE_SUITES: tuple[TableSuite, ...] = (
    TableSuite(
        RAW_JIRA,
        "projects",
        "Projects have unique ids and keys: every delivery KPI is grouped by them.",
        "jira_projects",
    ),
    TableSuite(
        RAW_JIRA,
        "statuses",
        "Every status maps to a statusCategory: flow logic uses categories, never names.",
        "jira_statuses",
    ),
    TableSuite(
        RAW_JIRA,
        "fields",
        "Field ids are unique and at most one field plays each role (story points, sprint...).",
        "jira_fields",
    ),
    TableSuite(
        RAW_JIRA,
        "issues",
        "Issue keys are unique, flow fields valid, dates ordered, projects known.",
        "jira_issues",
        reads=((RAW_JIRA, "projects"),),
    ),
    TableSuite(
        RAW_JIRA,
        "changelog_items",
        "Changelog entries are unique per history and item, and belong to loaded issues.",
        "jira_changelog_items",
        reads=((RAW_JIRA, "issues"),),
        derived=(("issue_is_loaded", "issue_id in (select id from raw_jira.issues)"),),
    ),
    TableSuite(
        RAW_SHEETS,
        "survey_responses",
        "Responses are pseudonymised, on their scales, from known stakeholder groups.",
        "survey_responses",
        reads=((RAW_SHEETS, "service_catalogue"), (RAW_SHEETS, "needs_register")),
    ),
    TableSuite(
        RAW_SHEETS,
        "survey_answers",
        "Ratings stay on their 1-5 scale and name services of the catalogue.",
        "survey_answers",
        reads=((RAW_SHEETS, "service_catalogue"),),
    ),
    TableSuite(
        RAW_SHEETS,
        "service_catalogue",
        "Services have unique ids and a satisfaction target on the 1-5 scale.",
        "service_catalogue",
    ),
    TableSuite(
        RAW_SHEETS,
        "needs_register",
        "Needs have unique ids and a customer group.",
        "needs_register",
    ),
    TableSuite(
        RAW_SHEETS,
        "maturity_assessments",
        "One rating per domain and assessment, levels 1-5, domains of PMI-PMOCP.",
        "maturity_assessments",
    ),
    TableSuite(
        RAW_SHEETS,
        "project_register",
        "Projects are unique, money is not negative, dates ordered, keys known to Jira, RAG "
        "labels known to the seed portfolio_rag_labels.",
        "project_register",
        reads=((RAW_JIRA, "projects"), (RAW_SHEETS, "strategic_objectives")),
        # As the seed matches it (int_portfolio__rag_labels): trimmed, any case; blank is none.
        derived=(("rag_label", "nullif(lower(trim(rag)), '')"),),
    ),
    TableSuite(
        RAW_SHEETS,
        "strategic_objectives",
        "Objectives are unique and weighted between 0 and 1.",
        "strategic_objectives",
    ),
    TableSuite(
        RAW_SMARTSHEET,
        "sheets",
        "Sheets are unique, each read by a column map, and say which project they plan.",
        "smartsheet_sheets",
    ),
    TableSuite(
        RAW_SMARTSHEET,
        "columns",
        "Columns are unique per sheet, fill known roles and belong to loaded sheets.",
        "smartsheet_columns",
        reads=((RAW_SMARTSHEET, "sheets"),),
        derived=(SMARTSHEET_SHEET_LOADED,),
    ),
    TableSuite(
        RAW_SMARTSHEET,
        "rows",
        "Tasks are unique, pseudonymised, of loaded sheets, status labels known to the seed "
        "portfolio_rag_labels, dates and money sane.",
        "smartsheet_rows",
        reads=((RAW_SMARTSHEET, "sheets"),),
        # The status as the seed matches it (int_portfolio__rag_labels): trimmed, any case.
        derived=(SMARTSHEET_SHEET_LOADED, ("status_label", "nullif(lower(trim(status)), '')")),
    ),
    TableSuite(
        RAW_SMARTSHEET,
        "summary_fields",
        "Summary fields are unique per sheet and belong to loaded sheets.",
        "smartsheet_summary_fields",
        reads=((RAW_SMARTSHEET, "sheets"),),
        derived=(SMARTSHEET_SHEET_LOADED,),
    ),
    TableSuite(
        RAW_SMARTSHEET,
        "cell_history",
        "Cell history is of tracked roles, dated, pseudonymised, and of loaded rows.",
        "smartsheet_cell_history",
        reads=((RAW_SMARTSHEET, "rows"),),
        derived=(("row_is_loaded", "row_id in (select row_id from raw_smartsheet.rows)"),),
    ),
    # A mart's key and enumerations are dbt tests beside its model: the suites of marts hold
    # only the value rules no dbt test states.
    TableSuite(
        MARTS,
        "mart_value_delivery_rate",
        "Rates are percentages and suppressed waves show no number.",
        "value_delivery_rate",
    ),
    TableSuite(
        MARTS,
        "mart_pmo_value_scorecard_quarterly",
        "The composite score stays within 0-100.",
        "pmo_value_scorecard",
    ),
)
