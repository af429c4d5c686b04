"""The persistent Dagster instance inside the repository, so CLI runs show in the UI."""

from __future__ import annotations

import os
from pathlib import Path

from warehouse.settings import REPO_ROOT

DEFAULT_DAGSTER_HOME = REPO_ROOT / ".dagster"


def export_dagster_home() -> Path:
    """Use ``DAGSTER_HOME`` when set, else the repository's ``.dagster`` folder."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(DEFAULT_DAGSTER_HOME)))
    home.mkdir(parents=True, exist_ok=True)
    return home
