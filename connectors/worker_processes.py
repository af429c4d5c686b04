"""Worker processes for parsing and building tables beside the pipeline's process.

A load's extract is bound to one core by the GIL: parsing large answers and building their
Arrow tables in the pipeline's process leaves the second core to the server. Connectors hand
such answers (raw bytes) to a pool of worker processes, which return their tables as Arrow IPC
streams (a copy of the buffers, no Python objects). Used by the Jira search pages and the
Smartsheet sheets of a large full load.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager

import pyarrow as pa
from dlt.common.runners.configuration import PoolRunnerConfiguration
from dlt.common.runners.pool_runner import create_pool

# Two workers: the answers arrive faster than one can build them, and the machines we run on
# have two cores or more.
WORKERS = 2


@contextmanager
def worker_pool(workers: int = WORKERS) -> Iterator[Executor]:
    """A pool of spawned worker processes, stopped when the block ends. dlt's own process pool:
    spawned, and kept from re-running an orchestrator's entry point; a script that uses it
    needs the `if __name__ == "__main__":` guard."""
    config = PoolRunnerConfiguration(pool_type="process", workers=workers, start_method="spawn")
    with create_pool(config) as pool:
        yield pool


@contextmanager
def worker_pool_if(wanted: bool) -> Iterator[Executor | None]:
    """`worker_pool()` when `wanted`, else None: small loads read in process, where a worker's
    start costs more than it saves."""
    if not wanted:
        yield None
        return
    with worker_pool() as pool:
        yield pool


def to_ipc(table: pa.Table) -> bytes:
    """A table as an Arrow IPC stream, to send it between processes."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def from_ipc(stream: bytes) -> pa.Table:
    return pa.ipc.open_stream(stream).read_all()
