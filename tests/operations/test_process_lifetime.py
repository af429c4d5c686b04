"""Processes a ``pmo`` command starts die with it, even when it is killed with SIGKILL."""

from __future__ import annotations

import signal
import subprocess
import sys

import psutil

GONE_WITHIN_SECONDS = 5

# A command that starts what a refresh starts: the Jira page worker (a spawned process pool,
# with multiprocessing's resource tracker) and a plain child process, as dbt is.
COMMAND = """
import subprocess, sys, time
from connectors.jira.page_worker import page_reader
from pipelines.lifetime import descendants_die_with_this_process

if __name__ == "__main__":
    descendants_die_with_this_process()
    with page_reader(in_worker=True, roles=None) as reader:
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        reader.pool.submit(abs, -1).result(timeout=60)
        print("ready", flush=True)
        time.sleep(120)
"""


def test_a_killed_command_leaves_no_process_behind() -> None:
    command = subprocess.Popen([sys.executable, "-c", COMMAND], stdout=subprocess.PIPE, text=True)
    assert command.stdout.readline().strip() == "ready"
    started = psutil.Process(command.pid).children(recursive=True)
    assert len(started) >= 3  # the reaper, the plain child, the page worker (and its tracker)
    command.send_signal(signal.SIGKILL)
    _, alive = psutil.wait_procs(started, timeout=GONE_WITHIN_SECONDS)
    for straggler in alive:
        straggler.kill()
    assert [" ".join(p.cmdline()[:3]) for p in alive] == []
