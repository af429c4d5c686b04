"""The publish step follows the marts, and automation never publishes past a failed check."""

import dagster as dg
import pytest

from pipelines.defs.serving import SNAPSHOT_KEY
from pipelines.defs.transforms import FOLLOW_VALID_UPSTREAMS

MART = dg.AssetKey(["marts", "mart_example"])
PUBLISH = dg.AssetKey(["serving", "example_snapshot"])


def test_snapshot_depends_on_every_kpi_mart():
    from pipelines.definitions import defs

    graph = defs().resolve_asset_graph()
    marts = {key for key in graph.get_all_asset_keys() if graph.get(key).group_name == "kpi_marts"}
    assert marts
    assert marts <= set(graph.get(SNAPSHOT_KEY).parent_keys)


@pytest.fixture
def example_graph() -> list[dg.AssetsDefinition | dg.AssetChecksDefinition]:
    """A mart with a blocking check whose outcome the test sets, and a publish step after it."""

    @dg.asset(
        key=MART,
        config_schema={"check_passes": bool},
        check_specs=[dg.AssetCheckSpec("example_test", asset=MART, blocking=True)],
    )
    def mart(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        return dg.MaterializeResult(
            check_results=[dg.AssetCheckResult(passed=context.op_config["check_passes"])]
        )

    @dg.asset(key=PUBLISH, deps=[MART], automation_condition=FOLLOW_VALID_UPSTREAMS)
    def publish() -> None:
        """Stands for serving/snapshot."""

    return [mart, publish]


def build_mart(graph, instance: dg.DagsterInstance, *, check_passes: bool) -> None:
    dg.materialize(
        graph,
        selection=[MART],
        instance=instance,
        run_config={"ops": {"marts__mart_example": {"config": {"check_passes": check_passes}}}},
        raise_on_error=False,
    )


def test_automation_does_not_publish_after_a_failed_blocking_check(example_graph):
    instance = dg.DagsterInstance.ephemeral()
    build_mart(example_graph, instance, check_passes=False)
    result = dg.evaluate_automation_conditions(defs=example_graph, instance=instance)
    assert result.get_requested_partitions(PUBLISH) == set()


def test_automation_publishes_once_the_blocking_checks_pass(example_graph):
    instance = dg.DagsterInstance.ephemeral()
    build_mart(example_graph, instance, check_passes=False)
    cursor = dg.evaluate_automation_conditions(defs=example_graph, instance=instance).cursor
    build_mart(example_graph, instance, check_passes=True)
    result = dg.evaluate_automation_conditions(defs=example_graph, instance=instance, cursor=cursor)
    assert result.total_requested == 1
