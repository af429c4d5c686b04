"""``pmo webhooks register smartsheet``: refuses without a callback URL, and against an API
without the webhook endpoints (the emulator has none yet) fails in one line, storing nothing."""

from __future__ import annotations

import pytest

from pipelines.cli import main
from pipelines.events.smartsheet_spool import SmartsheetSpool, smartsheet_spool_path
from tests.events.test_smartsheet_sensors import served_account, smartsheet_spool  # noqa: F401

CALLBACK_URL = "https://pmo.example.com/webhooks/smartsheet"


def test_register_without_a_callback_url_says_which_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PMO_SMARTSHEET_CALLBACK_URL", raising=False)
    assert main(["webhooks", "register", "smartsheet"]) == 2
    assert "PMO_SMARTSHEET_CALLBACK_URL" in capsys.readouterr().err


def test_register_where_webhooks_are_unavailable_fails_in_one_line(
    served_account,  # noqa: F811
    smartsheet_spool: SmartsheetSpool,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["webhooks", "register", "smartsheet", "--callback-url", CALLBACK_URL])
    error = capsys.readouterr().err
    assert status == 1
    assert "/webhooks" in error and "404" in error
    assert error.count("\n") == 1
    with SmartsheetSpool(smartsheet_spool_path()) as spool:
        assert spool.count() == 0
