"""Every run worker loads the code location again: without the collector walking the burst."""

from __future__ import annotations

import json
import subprocess
import sys

from warehouse.settings import REPO_ROOT

# A fresh interpreter (this one has the definitions loaded already): the full collections (the
# ones that walk every object) that started while ``defs`` loaded them, and whether the
# collector is on afterwards.
LOAD = """
import gc, json
started = []
def full(phase, info):
    if (phase, info["generation"]) == ("start", 2):
        started.append(info)
gc.callbacks.append(full)
from pipelines.definitions import defs
started.clear()
defs()
print(json.dumps({"full_collections": len(started), "enabled": gc.isenabled()}))
"""


def test_the_definitions_load_without_a_full_collection_and_leave_the_collector_on() -> None:
    output = subprocess.run(
        [sys.executable, "-c", LOAD], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(output.splitlines()[-1]) == {"full_collections": 0, "enabled": True}
