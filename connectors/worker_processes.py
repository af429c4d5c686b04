"""Worker processes for parsing and building tables beside the pipeline's process.

A load's extract is bound to one core by the GIL: parsing large answers and building their
Arrow tables in the pipeline's process leaves the second core to the server. Connectors hand
such answers (raw bytes) to a pool of worker processes, which return their tables as Arrow IPC
streams (a copy of the buffers, no Python objects). Used by the Jira search pages and the
Smartsheet sheets of a large full load.
"""

from __future__ import annotations

from concurrent.futures import Executor
from contextlib import AbstractContextManager, nullcontext

import pyarrow as pa
from dlt.common.runners.configuration import PoolRunnerConfiguration
from dlt.common.runners.pool_runner import create_pool

# Two workers: the answers arrive faster than one can build them, and the machines we run on
# have two cores or more.
WORKERS = 2


def worker_pool(wanted: bool = True) -> AbstractContextManager[Executor | None]:
    """A pool of spawned worker processes, stopped when the block ends, or (not `wanted`) none:
    small loads read in process, where a worker's start costs more than it saves. dlt's own
    process pool: spawned, and kept from re-running an orchestrator's entry point; a script
    that uses it needs the `if __name__ == "__main__":` guard."""
    if not wanted:
        return nullcontext()
    return create_pool(
        PoolRunnerConfiguration(pool_type="process", workers=WORKERS, start_method="spawn")
    )


def to_ipc(table: pa.Table) -> bytes:
    """A table as an Arrow IPC stream, to send it between processes."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def from_ipc(stream: bytes) -> pa.Table:
    return pa.ipc.open_stream(stream).read_all()
