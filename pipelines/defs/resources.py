"""Resources shared by the assets: the dlt runner and the dbt CLI."""

import dagster as dg
from dagster_dbt import DbtCliResource
from dagster_dlt import DagsterDltResource

from pipelines.defs.transforms import DBT_PROJECT


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "dlt_resource": DagsterDltResource(),
            "dbt": DbtCliResource(project_dir=DBT_PROJECT),
        }
    )
