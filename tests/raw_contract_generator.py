"""transforms/scripts/raw_contract.py, the script that writes the raw contract and the raw-table
docs, loaded as a module so tests can compare what it would write with what is committed."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

GENERATOR = Path(__file__).resolve().parents[1] / "transforms" / "scripts" / "raw_contract.py"


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("raw_contract", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
