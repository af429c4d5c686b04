"""Render the KPI catalogue (docs/kpis.md) from the marts' dbt yml, so the two never drift.

uv run python transforms/scripts/kpi_catalogue.py          # rewrite docs/kpis.md
uv run python transforms/scripts/kpi_catalogue.py --check  # exit 1 if docs/kpis.md is stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

TRANSFORMS_DIR = Path(__file__).resolve().parents[1]
MARTS_DIR = TRANSFORMS_DIR / "models" / "marts"
CATALOGUE_PATH = TRANSFORMS_DIR.parent / "docs" / "kpis.md"
META_FIELDS = ("kpi", "grain", "formula", "source", "caveats")
# Sections in the order of ../shared/pmo-kpis.md.
FAMILIES = ("delivery", "forecast", "portfolio", "customer", "capability", "scorecard")

HEADER = """# KPI catalogue

Generated from the dbt yml of `transforms/models/marts` by
`uv run python transforms/scripts/kpi_catalogue.py`; do not edit by hand (a test checks it).
Column descriptions also reach the Dagster UI and DuckDB column comments.

In Dagster, each mart's materialisation carries the numbers listed under **Headlines in
Dagster** as float metadata, which Dagster plots over time; a mart declares them in its yml
`meta.headlines` (a stable `name`, an aggregate `sql` over the mart's rows, optionally only
the rows of the `latest` value of a period column and a `where` filter), and they are computed
after each dbt build (`pipelines/defs/headlines.py`). A mart with no rows has no headline and a
null one is left out: its `headlines_missing` entry says which and why. Every model's
materialisation shows its columns with DuckDB's types, and the scorecard's links the HTML KPI
report (`kpi_report`).

Shared rules:

- Flow logic uses Jira's statusCategory (`new`, `indeterminate`, `done`), never status names,
  from one status dimension (`int_jira__statuses`) by precedence: the seed
  `status_flow_overrides` (which also marks waiting statuses and may add ids), `/status`,
  Jira's built-in statuses (seed `jira_builtin_statuses`), then a move's resolution (set in
  the same history: done), else unknown. Figures resting on statuses of unknown category are
  counted in `issues_with_unknown_status` / `unknown_status_issues` and a WARN check lists
  the statuses (`int_jira__unknown_statuses`).
- Time is UTC. An issue's month/week/quarter is that of its FIRST move to statusCategory done.
  Sub-tasks are left out of delivery KPIs.
- Survey cells with fewer than `min_cell_size` (5) respondents are suppressed: figures null,
  `is_suppressed` true.
- Targets, weights, thresholds and labels are dbt vars (`transforms/dbt_project.yml`):
"""


def mart_models() -> list[dict]:
    """Every model documented in the marts' yml files, by KPI family, then name."""
    models = []
    for family in FAMILIES:
        for path in sorted((MARTS_DIR / family).glob("*.yml")):
            found = (yaml.safe_load(path.read_text()) or {}).get("models", [])
            models += sorted(found, key=lambda model: model["name"])
    return models


def project_vars() -> dict:
    """The configuration vars of dbt_project.yml."""
    return yaml.safe_load((TRANSFORMS_DIR / "dbt_project.yml").read_text())["vars"]


def one_line(text: object) -> str:
    """Fold yml block text into one markdown line."""
    return " ".join(str(text).split())


def render_model(model: dict) -> str:
    """One mart's catalogue section: KPI, definition, formula, grain, source, caveats, columns."""
    meta = model["meta"]
    lines = [
        f"## {meta['kpi']}",
        "",
        f"`marts.{model['name']}`: {one_line(model.get('description', ''))}",
        "",
        f"- **Grain**: {one_line(meta.get('grain', ''))}",
        f"- **Formula**: {one_line(meta.get('formula', ''))}",
        f"- **Source**: {one_line(meta.get('source', ''))}",
        f"- **Caveats**: {one_line(meta.get('caveats', ''))}",
        f"- **Headlines in Dagster**: {render_headlines(meta.get('headlines', []))}",
        "",
        "| column | meaning |",
        "| --- | --- |",
    ]
    lines += [
        f"| `{column['name']}` | {one_line(column.get('description', ''))} |"
        for column in model.get("columns", [])
    ]
    return "\n".join(lines)


def render_headlines(headlines: list[dict]) -> str:
    """A mart's headline declarations (``meta.headlines``) as one line."""
    rendered = []
    for headline in headlines:
        scope = [f"latest `{headline['latest']}`"] if headline.get("latest") else []
        scope += [f"where `{headline['where']}`"] if headline.get("where") else []
        scope += [f"per `{headline['by']}`"] if headline.get("by") else []
        suffix = f" ({', '.join(scope)})" if scope else ""
        rendered.append(f"`{headline['name']}` = `{headline['sql']}`{suffix}")
    return "; ".join(rendered) or "none declared"


def render_catalogue() -> str:
    """The whole catalogue as markdown."""
    settings = [f"  `{name}` = `{value}`" for name, value in project_vars().items()]
    models = mart_models()
    contents = [f"- [{model['meta']['kpi']}](#{anchor(model['meta']['kpi'])})" for model in models]
    sections = [render_model(model) for model in models]
    return (
        HEADER
        + ";\n".join(settings)
        + ".\n\n"
        + "\n".join(contents)
        + "\n\n"
        + "\n\n".join(sections)
        + "\n"
    )


def anchor(heading: str) -> str:
    """GitHub's anchor for a markdown heading."""
    kept = "".join(ch for ch in heading.lower() if ch.isalnum() or ch in " -_")
    return kept.replace(" ", "-")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the catalogue is stale")
    args = parser.parse_args()
    rendered = render_catalogue()
    if args.check:
        stale = not CATALOGUE_PATH.exists() or CATALOGUE_PATH.read_text() != rendered
        if stale:
            print(f"{CATALOGUE_PATH} is stale: run {Path(__file__).name}", file=sys.stderr)
        return int(stale)
    CATALOGUE_PATH.write_text(rendered)
    return 0


if __name__ == "__main__":
    sys.exit(main())
