"""``pmo webhooks register smartsheet`` against the emulator and a real receiver: one webhook per
sheet, created, verified by the echoed challenge and kept on a second run; an edit comes back
as a signed callback in the spool. Without a callback URL, or where the API has no webhooks, it
fails in one line, storing nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.events.smartsheet_receiver import SMARTSHEET_WEBHOOK_PATH
from pipelines.events.smartsheet_spool import SmartsheetSpool, smartsheet_spool_path
from pipelines.events.spool import WebhookSpool
from sandbox.smartsheet.emulator import SmartsheetEmulator
from sandbox.webhooks import running_receiver
from tests.events.conftest import SECRET
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
    served_account.inject("server_error", "/webhooks", times=10, status=404)
    status = main(["webhooks", "register", "smartsheet", "--callback-url", CALLBACK_URL])
    error = capsys.readouterr().err
    assert status == 1
    assert "/webhooks" in error and "404" in error
    assert error.count("\n") == 1
    with SmartsheetSpool(smartsheet_spool_path()) as spool:
        assert spool.count() == 0


@pytest.fixture
def receiver_url(smartsheet_spool: SmartsheetSpool, tmp_path: Path) -> Iterator[str]:  # noqa: F811
    """A real receiver on loopback, reading the secrets `register` stores in the spool."""
    with (
        WebhookSpool(tmp_path / "jira_spool.sqlite3") as jira_spool,
        running_receiver(jira_spool, SECRET, smartsheet=smartsheet_spool) as url,
    ):
        yield url


def register(callback_url: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """Run the command; its per-sheet lines."""
    assert main(["webhooks", "register", "smartsheet", "--callback-url", callback_url]) == 0
    return capsys.readouterr().out.splitlines()[:-1]


@pytest.fixture
def registered(
    served_account: SmartsheetEmulator,  # noqa: F811
    receiver_url: str,
    capsys: pytest.CaptureFixture[str],
) -> SmartsheetEmulator:
    """The account after `register` pointed its sheets at the receiver."""
    register(receiver_url + SMARTSHEET_WEBHOOK_PATH, capsys)
    return served_account


def edit_first_plan(account: SmartsheetEmulator) -> int:
    plan = account.portfolio.plans()[0]
    account.portfolio.update_row(plan.id, plan.rows[1].id, {"Status": "Red"})
    return plan.id


def test_register_creates_and_verifies_one_webhook_per_sheet(
    served_account: SmartsheetEmulator,  # noqa: F811
    receiver_url: str,
    smartsheet_spool: SmartsheetSpool,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = register(receiver_url + SMARTSHEET_WEBHOOK_PATH, capsys)
    hooks = served_account.webhooks.hooks.values()
    assert sorted(h.sheet_id for h in hooks) == sorted(served_account.portfolio.sheets)
    assert {h.status for h in hooks} == {"ENABLED"}
    assert all(line.endswith("created, ENABLED") for line in lines) and len(lines) == len(hooks)
    assert all(smartsheet_spool.secret(h.id) == h.shared_secret for h in hooks)


def test_register_again_keeps_the_webhooks(
    served_account: SmartsheetEmulator,  # noqa: F811
    receiver_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = receiver_url + SMARTSHEET_WEBHOOK_PATH
    register(url, capsys)
    first = {h.id: h.shared_secret for h in served_account.webhooks.hooks.values()}
    lines = register(url, capsys)
    assert {h.id: h.shared_secret for h in served_account.webhooks.hooks.values()} == first
    assert all(line.endswith("kept, ENABLED") for line in lines)


def test_a_callback_url_that_does_not_echo_the_challenge_fails_the_command(
    served_account: SmartsheetEmulator,  # noqa: F811
    receiver_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = receiver_url + "/not-the-webhook-path"
    assert main(["webhooks", "register", "smartsheet", "--callback-url", url]) == 1
    error = capsys.readouterr().err
    assert "DISABLED_VERIFICATION_FAILED" in error and "pmo webhooks serve" in error
    assert error.count("\n") == 1
    assert {h.status for h in served_account.webhooks.hooks.values()} == {
        "DISABLED_VERIFICATION_FAILED"
    }


def test_an_edit_reaches_the_spool_as_a_signed_callback_naming_the_sheet(
    registered: SmartsheetEmulator,
    smartsheet_spool: SmartsheetSpool,  # noqa: F811
) -> None:
    sheet_id = edit_first_plan(registered)
    (sent,) = registered.deliver_callbacks()
    (event,) = smartsheet_spool.after(0, 10)
    assert event.project_key == str(sheet_id)
    assert event.event == "smartsheet:sheet:row.updated,sheet.updated"
    assert event.delivery_id == f"smartsheet-{sent['webhookId']}-{sent['nonce']}"
    assert registered.deliver_callbacks() == []  # nothing new to announce


def test_a_callback_signed_with_an_old_secret_is_not_spooled(
    registered: SmartsheetEmulator,
    smartsheet_spool: SmartsheetSpool,  # noqa: F811
) -> None:
    """The emulator signs with the webhook's current secret: reset behind the receiver's back,
    its callbacks are refused (and stay due)."""
    for hook in registered.webhooks.hooks.values():
        registered.webhooks.reset_shared_secret(hook.id)
    edit_first_plan(registered)
    assert registered.deliver_callbacks() == []
    assert smartsheet_spool.count() == 0
