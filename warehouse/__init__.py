"""The DuckDB warehouse: where it lives and how writers and readers open it."""
