"""Peak memory as every benchmark reports it, and a fresh process per measured part, so that
one part's peak does not hide in another's."""

import multiprocessing
import resource
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def peak_rss_mib() -> float:
    """This process's peak resident set size so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_child(part: Callable[..., T], *args: object) -> T:
    """Run ``part`` in a fresh (spawned) process and return its result."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as child:
        return child.submit(part, *args).result()
