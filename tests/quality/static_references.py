"""References given in memory, so a suite can be built and read without a warehouse."""

from __future__ import annotations

from collections.abc import Mapping


class StaticReferences:
    """Stands in for ``quality.references.WarehouseReferences`` with fixed values per column."""

    def __init__(self, tables: Mapping[tuple[str, str, str], list[object]]) -> None:
        self.tables = tables

    def values(self, schema: str, table: str, column: str) -> list[object]:
        return list(self.tables.get((schema, table, column), []))

    def split_values(self, schema: str, table: str, column: str, sep: str = ";") -> list[object]:
        items = (
            part.strip() for v in self.values(schema, table, column) for part in str(v).split(sep)
        )
        return sorted(set(items))
