"""Values of other tables that a suite checks references against (issues -> projects, ...)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from warehouse.connection import query


class References(Protocol):
    """Distinct values of a column elsewhere in the warehouse."""

    def values(self, schema: str, table: str, column: str) -> list[object]: ...

    def split_values(self, schema: str, table: str, column: str, sep: str = ";") -> list[object]:
        """Distinct items of a delimited list column (``a;b;c``)."""
        ...


class WarehouseReferences:
    """References read from the warehouse file when a suite is built."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def values(self, schema: str, table: str, column: str) -> list[object]:
        sql = (
            f'select distinct "{column}" as v from "{schema}"."{table}" '
            f'where "{column}" is not null'
        )
        return query(self.path, sql)["v"].tolist()

    def split_values(self, schema: str, table: str, column: str, sep: str = ";") -> list[object]:
        sql = (
            f"select distinct trim(unnest(string_split(\"{column}\", '{sep}'))) as v "
            f'from "{schema}"."{table}" where "{column}" is not null'
        )
        return query(self.path, sql)["v"].tolist()
