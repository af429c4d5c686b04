"""The Dagster code location: wires connectors, quality suites and the dbt project together."""
