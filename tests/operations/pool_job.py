"""A small job of warehouse-pool steps, run against ``$DAGSTER_HOME`` by the pool tests.

Each step holds its slot for a while, so two runs started together would overlap without a
pool limit of one.
"""

import time

import dagster as dg

from pipelines.settings import DUCKDB_POOL

STEP_SECONDS = 1.5


def pool_step(name: str) -> dg.AssetsDefinition:
    @dg.asset(name=name, pool=DUCKDB_POOL)
    def _step() -> None:
        time.sleep(STEP_SECONDS)

    return _step


if __name__ == "__main__":
    steps = [pool_step(f"step_{i}") for i in range(3)]
    job = dg.define_asset_job("pool_job", selection=dg.AssetSelection.all())
    with dg.DagsterInstance.get() as instance:
        dg.Definitions(assets=steps, jobs=[job]).resolve_job_def("pool_job").execute_in_process(
            instance=instance
        )
