"""The synthetic portfolio is deterministic and shaped like the brief asks."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from connectors.spreadsheets.layouts import MATURITY_DOMAINS, SURVEY
from sandbox.workbooks import build_portfolio, write_demo_workbooks

from .conftest import PROJECT_KEYS
from .workbook_files import sheet_records

AS_OF = date(2026, 10, 1)


def test_same_seed_writes_the_same_rows(tmp_path: Path):
    first = write_demo_workbooks(tmp_path / "a", PROJECT_KEYS, seed=3)
    second = write_demo_workbooks(tmp_path / "b", PROJECT_KEYS, seed=3)
    for left, right in zip(first, second, strict=True):
        sheet = SURVEY.sheet if left.name.startswith(SURVEY.workbook) else None
        if sheet:
            assert sheet_records(left, sheet) == sheet_records(right, sheet)


def test_another_seed_gives_other_answers():
    one = build_portfolio(PROJECT_KEYS, seed=1).survey_waves
    two = build_portfolio(PROJECT_KEYS, seed=2).survey_waves
    assert one != two


def test_at_least_six_quarterly_waves_all_before_as_of():
    waves = build_portfolio(PROJECT_KEYS, as_of=AS_OF).survey_waves
    assert len(waves) >= 6
    assert max(row["submitted_at"] for rows in waves.values() for row in rows).date() < AS_OF
    assert list(waves)[-1] == "2026-Q3"


def test_six_or_more_services_and_five_stakeholder_groups():
    portfolio = build_portfolio(PROJECT_KEYS)
    groups = {row["stakeholder_group"] for rows in portfolio.survey_waves.values() for row in rows}
    assert len(portfolio.service_ids) >= 6
    assert len(groups) == 5


def test_some_wave_and_group_cells_fall_under_the_anonymity_threshold():
    waves = build_portfolio(PROJECT_KEYS).survey_waves
    cells = Counter(
        (wave, row["stakeholder_group"]) for wave, rows in waves.items() for row in rows
    )
    assert any(count < 5 for count in cells.values())
    assert any(count >= 5 for count in cells.values())


def test_some_respondents_skip_some_services():
    portfolio = build_portfolio(PROJECT_KEYS)
    rows = [row for rows in portfolio.survey_waves.values() for row in rows]
    assert any(f"{sid}|satisfaction" not in row for row in rows for sid in portfolio.service_ids)


def test_project_register_covers_every_jira_key_and_one_project_outside_jira():
    keys = [row["project_key"] for row in build_portfolio(PROJECT_KEYS).projects]
    assert set(PROJECT_KEYS) < set(keys)
    assert len(keys) == len(PROJECT_KEYS) + 1


def test_maturity_is_assessed_half_yearly_over_the_six_domains():
    assessments = build_portfolio(PROJECT_KEYS, as_of=AS_OF).assessments
    dates = sorted({row["assessed_on"] for row in assessments})
    assert {row["domain"] for row in assessments} == set(MATURITY_DOMAINS)
    assert all(later.month in (6, 12) for later in dates)
    assert len(dates) >= 3 and max(dates) < AS_OF


def test_one_file_per_register_and_per_wave(tmp_path: Path):
    paths = write_demo_workbooks(tmp_path, PROJECT_KEYS)
    waves = build_portfolio(PROJECT_KEYS).survey_waves
    assert len(paths) == 5 + len(waves)
    assert all(path.exists() for path in paths)


def test_regenerating_the_demo_gives_identical_bytes(tmp_path) -> None:
    """Same rows, same file hashes: a re-run of the demo loads nothing new."""
    import hashlib

    from sandbox.workbooks import write_demo_workbooks

    def fingerprints(folder):
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}

    write_demo_workbooks(tmp_path / "first", ["APOLLO", "HERMES"])
    write_demo_workbooks(tmp_path / "second", ["APOLLO", "HERMES"])
    assert fingerprints(tmp_path / "first") == fingerprints(tmp_path / "second")
