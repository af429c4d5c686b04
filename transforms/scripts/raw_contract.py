"""Write raw_contract.sql (empty raw tables) from the connectors' declared columns.

Run after changing a dlt resource's columns: ``uv run python transforms/scripts/raw_contract.py``.
``tests/quality/test_raw_contract.py`` fails while the file and the declarations differ.
"""

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
RAW_CONTRACT = Path(__file__).with_name("raw_contract.sql")

if __name__ == "__main__":
    sys.path.insert(0, str(REPO_ROOT))
    from pipelines.defs.ingestion import raw_contract_sql

    RAW_CONTRACT.write_text(raw_contract_sql())
