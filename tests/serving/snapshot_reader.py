"""A BI-tool stand-in, run as its own process: reads the serving snapshot in a loop.

    python snapshot_reader.py DATABASE {hold,reconnect} STOP_FILE OUT_FILE

``hold`` keeps one read-only connection open for the whole run (a BI tool that never lets
go); ``reconnect`` opens a new read-only connection per query (a BI tool's connection pool).
Each observation is one JSON line: the publish run the snapshot names, and per table the row
count it records beside the count actually read; errors are lines too. The first observation
is flushed at once so the test knows the reader is running before it publishes.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb

PAUSE_SECONDS = 0.005  # leave the publisher some CPU on small CI machines


def observe(con: duckdb.DuckDBPyConnection) -> dict:
    """Publish run, recorded and actual row counts of every table, all from one connection."""
    info = con.execute("select table_name, row_count, source_run from publish_info").fetchall()
    tables = {
        name: [recorded, con.execute(f'select count(*) from "{name}"').fetchone()[0]]
        for name, recorded, _ in info
    }
    return {"run": info[0][2], "tables": tables}


def main(database: str, mode: str, stop_file: str, out_file: str) -> None:
    held = duckdb.connect(database, read_only=True) if mode == "hold" else None
    with Path(out_file).open("w") as out:
        while not Path(stop_file).exists():
            try:
                if held is not None:
                    line = observe(held)
                else:
                    with duckdb.connect(database, read_only=True) as con:
                        line = observe(con)
            except Exception as error:
                line = {"error": f"{type(error).__name__}: {error}"}
            out.write(json.dumps(line) + "\n")
            out.flush()
            time.sleep(PAUSE_SECONDS)


if __name__ == "__main__":
    main(*sys.argv[1:5])
