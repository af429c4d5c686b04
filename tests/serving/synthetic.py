"""A small synthetic warehouse with two marts, for publish tests and helper processes."""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.publishing.tables import ServingTable

SYNTHETIC_TABLES = [
    ServingTable("orders_by_day", "marts", "mart_orders_by_day", "kpi", "Orders per day."),
    ServingTable("orders_by_hour", "marts", "mart_orders_by_hour", "kpi", "Orders per hour."),
]


def build_synthetic_marts(warehouse: Path, rows: int) -> Path:
    """(Re)build marts of ``rows`` and twice as many rows in ``warehouse``."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema if not exists marts")
        con.execute(
            "create or replace table marts.mart_orders_by_day as "
            f"select range as day, range * 2 as orders from range({rows})"
        )
        con.execute(
            "create or replace table marts.mart_orders_by_hour as "
            f"select range as hour, 'x' || range as label from range({2 * rows})"
        )
    return warehouse
