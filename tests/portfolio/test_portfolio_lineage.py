"""A Jira load rebuilds only the portfolio models that join delivery to the plan: the plan
chain (plan items, projects, cell changes, RAG labels and history, milestone slip, plan changes)
never reads Jira, so the run Dagster starts after a Jira load (everything downstream of the
raw_jira tables) leaves it alone - dbt's cost per node is most of that run at scale."""

from __future__ import annotations

import json

from tests.transforms.conftest import dbt_target_dir

# The portfolio models that read Jira: the Jira side of the project mapping, and the marts
# that put Jira delivery (issues, done work) beside the plan.
JOIN_DELIVERY_TO_THE_PLAN = {
    "int_portfolio__jira_mapping",
    "mart_portfolio_schedule",
    "mart_portfolio_health",
    "mart_strategic_alignment_quarterly",
    "mart_strategic_alignment_summary_quarterly",
}


def models_downstream_of(manifest: dict, source: str) -> set[str]:
    """Names of the models that read the source's tables, directly or through other models."""
    reached = {uid for uid in manifest["sources"] if uid.split(".")[2] == source}
    models = {uid: node for uid, node in manifest["nodes"].items() if uid.startswith("model.")}
    while True:
        found = {
            uid
            for uid, node in models.items()
            if uid not in reached and reached & set(node["depends_on"]["nodes"])
        }
        if not found:
            return {models[uid]["name"] for uid in reached if uid in models}
        reached |= found


def test_of_the_portfolio_models_only_those_joining_delivery_read_jira(portfolio_build):
    manifest = json.loads((dbt_target_dir(portfolio_build.warehouse) / "manifest.json").read_text())
    portfolio = {
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and "/portfolio/" in node["original_file_path"]
    }
    assert models_downstream_of(manifest, "raw_jira") & portfolio == JOIN_DELIVERY_TO_THE_PLAN
