"""Jobs that refresh one source and everything after it, as event-driven runs request them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import dagster as dg

import pipelines.defs.quality as quality_checks
from pipelines.defs.automation import RUN_TAGS, STEP_RETRY_POLICY

if TYPE_CHECKING:
    from dagster._core.definitions.unresolved_asset_job_definition import (
        UnresolvedAssetJobDefinition,
    )

# The warehouse pool runs one step at a time anyway: executing the steps in the run worker
# saves a process start and a code-location load per step (most of a small run's latency).
EVENT_RUN_EXECUTOR = dg.in_process_executor


def _checks_reading(schema: str) -> list[dg.AssetCheckKey]:
    """The quality checks of other tables that read ``schema``'s tables (reference checks)."""
    return [
        spec.key
        for checks in quality_checks.suite_checks
        for spec in checks.check_specs
        if spec.asset_key.path[0] != schema
        and any(dep.asset_key.path[0] == schema for dep in spec.additional_deps)
    ]


def source_refresh_job(
    name: str, schema: str, description: str, tags: dict[str, str] | None = None
) -> UnresolvedAssetJobDefinition:
    """A source's raw tables, everything downstream, and the checks elsewhere that read them:
    left out, those checks would be re-run by automation in a second run competing for the
    warehouse pool while this one waits."""
    return dg.define_asset_job(
        name,
        selection=dg.AssetSelection.key_prefixes(schema).downstream()
        | dg.AssetSelection.checks(*_checks_reading(schema)),
        run_tags={**RUN_TAGS, **(tags or {})},
        op_retry_policy=STEP_RETRY_POLICY,
        executor_def=EVENT_RUN_EXECUTOR,
        description=description,
    )
