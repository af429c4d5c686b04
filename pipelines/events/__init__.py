"""Jira webhooks in: a signed-request receiver that only appends to a durable SQLite spool.

The receiver never opens DuckDB (one writer at a time): the Dagster sensor in
``pipelines/defs/sensors.py`` reads the spool with a cursor and requests incremental runs.
"""
