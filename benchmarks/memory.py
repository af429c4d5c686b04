"""Peak memory as every benchmark reports it, and a fresh process per measured part, so that
one part's peak does not hide in another's."""

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def peak_rss_mib() -> float:
    """This process's peak resident set size so far, in MiB: the kernel's ``VmHWM``.

    Not ``ru_maxrss``: Linux copies the parent's high-water mark into a child started by
    fork + exec (every spawned part), so a child would report its parent's peak when larger.
    """
    status = Path("/proc/self/status").read_text()
    kib = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(kib) / 1024


def in_child(part: Callable[..., T], *args: object) -> T:
    """Run ``part`` in a fresh (spawned) process and return its result."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as child:
        return child.submit(part, *args).result()
