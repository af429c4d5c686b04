"""Every process a ``pmo`` command starts dies with it, even when it is killed with SIGKILL.

A killed refresh used to leave its dbt child holding the warehouse lock, the Jira page worker
(hundreds of MiB) and multiprocessing's resource tracker behind. Nothing runs in a process
killed with SIGKILL, so a small reaper process does it: the command marks its environment with
a token that every descendant inherits (dbt, spawned workers, their trackers), and the reaper,
in a session of its own, waits for the command's end (its stdin closes, however the command
ends) and then kills every process still carrying the token. It finds them by the token rather
than by parentage, which a dead parent no longer gives.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psutil

TOKEN_ENV = "PMO_PROCESS_TREE"
REAPER_EXIT_SECONDS = 10


@contextmanager
def descendants_die_with_this_process() -> Iterator[None]:
    """Within this block, the processes started from here end when this process ends."""
    token = uuid.uuid4().hex
    os.environ[TOKEN_ENV] = token
    reaper = subprocess.Popen(
        [sys.executable, "-m", "pipelines.lifetime", token],
        stdin=subprocess.PIPE,
        start_new_session=True,  # Ctrl-C or a signal to the command's group must not stop it
    )
    try:
        yield
    finally:
        os.environ.pop(TOKEN_ENV, None)
        assert reaper.stdin is not None
        reaper.stdin.close()
        reaper.wait(REAPER_EXIT_SECONDS)


def processes_carrying(token: str) -> list[psutil.Process]:
    """Processes of this user whose environment carries ``token``, this one left out."""
    found = []
    for process in psutil.process_iter():
        if process.pid == os.getpid():
            continue
        try:
            if process.environ().get(TOKEN_ENV) == token:
                found.append(process)
        except (psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
    return found


def kill_carrying(token: str) -> int:
    """Kill the processes carrying ``token``; how many there were.

    Twice, a moment apart: a process may have started one of its own during the first pass.
    """
    killed = 0
    for _ in range(2):
        processes = processes_carrying(token)
        for process in processes:
            try:
                process.kill()
            except psutil.NoSuchProcess:
                continue
        psutil.wait_procs(processes, timeout=3)
        killed += len(processes)
        time.sleep(0.2)
    return killed


def _reap(token: str) -> None:
    """The reaper: block until the command's end closes stdin, then kill what it left."""
    sys.stdin.buffer.read()
    kill_carrying(token)


if __name__ == "__main__":
    _reap(sys.argv[1])
