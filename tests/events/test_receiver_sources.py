"""The receiver serves the sources an install uses: a Smartsheet-only install needs no Jira
webhook secret, a Jira-only one no Smartsheet setting."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from pipelines.events.receiver import JIRA_WEBHOOK_PATH
from pipelines.events.server import configured_app
from pipelines.events.settings import SECRET_ENV, SPOOL_ENV, MissingWebhookSecretError
from pipelines.events.signature import SIGNATURE_HEADER, sign
from pipelines.events.smartsheet_events import CHALLENGE_HEADER, RESPONSE_HEADER
from pipelines.events.smartsheet_receiver import SMARTSHEET_WEBHOOK_PATH
from tests.events.conftest import SECRET, issue_event
from tests.smartsheet.conftest import only_sources

SMARTSHEET_ONLY = {"SOURCES__SMARTSHEET__ACCESS_TOKEN": "token"}
JIRA_ONLY = {
    "SOURCES__JIRA__BASE_URL": "https://jira.example.com",
    "SOURCES__JIRA__PROJECTS": "APOLLO",
    "SOURCES__JIRA__PAT": "pat",
}


@pytest.fixture
def install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Configure an install with the given settings alone, its spool in a temporary folder."""

    def configure(settings: dict[str, str], secret: str = "") -> None:
        only_sources(monkeypatch, **settings)
        monkeypatch.setenv(SECRET_ENV, secret)
        monkeypatch.setenv(SPOOL_ENV, str(tmp_path / "webhook_spool.sqlite3"))

    return configure


def test_a_smartsheet_only_install_serves_callbacks_without_the_jira_secret(install) -> None:
    install(SMARTSHEET_ONLY)
    with configured_app() as app, TestClient(app) as client:
        answer = client.post(SMARTSHEET_WEBHOOK_PATH, headers={CHALLENGE_HEADER: "c-1"})
        assert answer.headers[RESPONSE_HEADER] == "c-1"
        assert client.post(JIRA_WEBHOOK_PATH, content=b"{}").status_code == 404


def test_a_jira_only_install_serves_jira_without_smartsheet_settings(install) -> None:
    install(JIRA_ONLY, secret=SECRET)
    body = issue_event("APOLLO-1")
    with configured_app() as app, TestClient(app) as client:
        answer = client.post(
            JIRA_WEBHOOK_PATH, content=body, headers={SIGNATURE_HEADER: sign(SECRET, body)}
        )
        assert answer.status_code == 202


def test_jira_beside_smartsheet_still_needs_the_jira_secret(install) -> None:
    install(JIRA_ONLY | SMARTSHEET_ONLY)
    with pytest.raises(MissingWebhookSecretError, match=SECRET_ENV), configured_app():
        pass
