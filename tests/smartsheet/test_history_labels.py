"""A status cell's history keeps each value as its label, as the row's `status` does: RYG
symbol names and the words of a text picklist ("Rot", "At risk") alike, so staging reads the
history and the current status through the same label seed and no red time goes missing."""

from __future__ import annotations

import pytest

from sandbox.smartsheet.portfolio import GANTT, Portfolio, generate_portfolio
from tests.smartsheet.conftest import Query


@pytest.fixture
def portfolio() -> Portfolio:
    """Five small plans: the fifth keeps its status in a German text picklist (no symbol)."""
    return generate_portfolio(projects=5, tasks_per_sheet=12, layout=GANTT)


def test_status_history_keeps_every_label_of_symbol_and_picklist_columns(
    load, query: Query, portfolio: Portfolio
) -> None:
    load(cell_history="all")
    statuses = {sheet.column("Status").id: sheet for sheet in portfolio.plans()}
    expected = sorted(
        (row.id, column, entry.value)
        for column, sheet in statuses.items()
        for row in sheet.rows
        for entry in row.history.get(column, [])
    )
    found = query(
        "select row_id, column_id, value from raw_smartsheet.cell_history "
        f"where role = 'status' and column_id in ({', '.join(map(str, statuses))})"
    )
    assert sorted(found) == expected
    assert {"Rot", "Gelb", "Grün"} <= {value for *_, value in expected}
