"""Every process a ``pmo`` command starts dies with it, even when it is killed with SIGKILL.

A killed refresh used to leave its dbt child holding the warehouse lock, the Jira page worker
(hundreds of MiB) and multiprocessing's resource tracker behind. Nothing runs in a process
killed with SIGKILL, so a small reaper process does it: the command marks its environment with
a token that every descendant inherits (dbt, spawned workers, their trackers), and the reaper,
in a session of its own, waits for the command's end (its stdin closes, however the command
ends) and then stops every process still carrying the token (SIGTERM, SIGKILL a second
later). It finds them by the token rather than by parentage, which a dead parent no longer
gives.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from contextlib import suppress

import psutil

TOKEN_ENV = "PMO_PROCESS_TREE"
GRACE_SECONDS = 1.0
_reapers: list[subprocess.Popen[bytes]] = []  # kept: collecting one would close its stdin


def descendants_die_with_this_process() -> None:
    """From now on, the processes started from this one end when it ends (once per process).

    The reaper's stdin is the one handle on a pipe that only this process holds: it closes
    when this process ends, however it ends, and not before (the multiprocessing resource
    tracker, for one, is needed until the interpreter's very end).
    """
    if _reapers:
        return
    os.environ[TOKEN_ENV] = uuid.uuid4().hex
    _reapers.append(
        subprocess.Popen(
            [sys.executable, "-m", "pipelines.lifetime", os.environ[TOKEN_ENV]],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C or a signal to the command's group must not stop it
        )
    )


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


def end_carrying(token: str) -> None:
    """Ask the processes carrying ``token`` to end, kill those still there a moment later.

    Twice: a process may have started one of its own during the first pass.
    """
    for _ in range(2):
        processes = processes_carrying(token)
        for process in processes:
            with suppress(psutil.NoSuchProcess):
                process.terminate()
        _, alive = psutil.wait_procs(processes, timeout=GRACE_SECONDS)
        for process in alive:
            with suppress(psutil.NoSuchProcess):
                process.kill()
        psutil.wait_procs(alive, timeout=GRACE_SECONDS)


def _reap(token: str) -> None:
    """The reaper: block until the command's end closes stdin, then kill what it left."""
    sys.stdin.buffer.read()
    end_carrying(token)


if __name__ == "__main__":
    _reap(sys.argv[1])
