"""The one entry point Dagster loads (``workspace.yaml``): everything under ``pipelines/defs``."""

from pathlib import Path

import dagster as dg

from connectors.gc_pause import gc_paused


@dg.definitions
def defs() -> dg.Definitions:
    # Every run worker loads them again: a burst of imports and definitions, no garbage.
    with gc_paused():
        return dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
