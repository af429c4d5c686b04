"""The emulator answers as Smartsheet's OpenAPI description says, and the connector asks only
for what it documents."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests

from connectors.smartsheet import smartsheet_source
from sandbox.smartsheet.emulator import Request, SmartsheetEmulator
from sandbox.smartsheet.portfolio import Portfolio
from sandbox.smartsheet.reference.extract import SAMPLES
from tests.smartsheet.conftest import TOKEN, raw_pipeline, settings, small_portfolio
from tests.smartsheet.openapi import (
    documented_parameters,
    request_errors,
    response_errors,
    spec,
    template_of,
)


def edit_the_portfolio(portfolio: Portfolio) -> None:
    plan = portfolio.plans()[0]
    portfolio.update_row(plan.id, plan.rows[2].id, {"Status": "Red"})
    portfolio.delete_row(plan.id, plan.rows[4].id)


@dataclass(frozen=True)
class Seen:
    """Every request of a full load, then of an incremental one after edits, and the emulator
    still serving the portfolio (to replay them)."""

    requests: list[Request]
    emulator: SmartsheetEmulator


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seen]:
    portfolio = small_portfolio()
    pipeline = raw_pipeline("contract", tmp_path_factory.mktemp("contract"))
    with SmartsheetEmulator(portfolio, access_token=TOKEN) as emulator:
        pipeline.run(smartsheet_source(**settings(emulator)))
        edit_the_portfolio(portfolio)
        pipeline.run(smartsheet_source(**settings(emulator)))
        yield Seen(list(emulator.requests), emulator)


def get(emulator: SmartsheetEmulator, request: Request, token: str = TOKEN) -> requests.Response:
    return requests.get(
        emulator.base_url + request.path,
        params=request.params,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )


def test_the_connector_calls_only_documented_paths(seen: Seen) -> None:
    undocumented = {r.path for r in seen.requests if template_of(r.path) is None}
    assert not undocumented


def test_the_connector_sends_only_documented_query_parameters(seen: Seen) -> None:
    unknown = {
        (template_of(r.path), name)
        for r in seen.requests
        for name in r.params
        if name not in documented_parameters(template_of(r.path) or "")
    }
    assert not unknown


def test_the_connector_sends_documented_include_values(seen: Seen) -> None:
    def allowed(request: Request) -> set[str]:
        parameters = spec()["paths"][template_of(request.path)]["get"]["parameters"]
        include = next(p for p in parameters if p["name"] == "include")
        return set(include["schema"].get("enum", []))

    wrong = {
        (r.path, value)
        for r in seen.requests
        for value in r.params.get("include", "").split(",")
        if value and value not in allowed(r)
    }
    assert not wrong


def test_every_answer_the_connector_got_validates(seen: Seen) -> None:
    """Each request replayed (GETs: the answer is the same) and validated against its path's
    response schema: listings, sheets with rows and cells, version-only sheets, summaries,
    cell history, workspaces."""
    templates = set()
    for request in seen.requests:
        template = template_of(request.path)
        templates.add(template)
        response = get(seen.emulator, request)
        assert response.status_code == 200, request
        assert not response_errors(template, response.json()), request
    assert {"/sheets", "/sheets/{sheetId}", "/sheets/{sheetId}/summary"} <= templates
    assert "/sheets/{sheetId}/rows/{rowId}/columns/{columnId}/history" in templates


def test_a_version_only_sheet_validates(emulator: SmartsheetEmulator, portfolio: Portfolio) -> None:
    plan = portfolio.plans()[0]
    request = Request("GET", f"/sheets/{plan.id}", {"ifVersionAfter": str(plan.version)})
    body = get(emulator, request).json()
    assert body == {"version": plan.version}
    assert not response_errors("/sheets/{sheetId}", body)


def test_discovery_answers_validate(emulator: SmartsheetEmulator, portfolio: Portfolio) -> None:
    workspace = portfolio.workspaces[0]
    answers = {
        "/workspaces": get(emulator, Request("GET", "/workspaces", {})).json(),
        "/workspaces/{workspaceId}": get(
            emulator, Request("GET", f"/workspaces/{workspace.id}", {"loadAll": "true"})
        ).json(),
        "/folders/{folderId}": get(
            emulator, Request("GET", f"/folders/{workspace.folders[0].id}", {})
        ).json(),
    }
    for template, body in answers.items():
        assert not response_errors(template, body), template


@pytest.mark.parametrize(
    ("path", "token", "status", "code"),
    [("/sheets/1", TOKEN, 404, 1006), ("/sheets", "wrong-token", 401, 1002)],
)
def test_errors_carry_error_code_message_and_ref_id(
    emulator: SmartsheetEmulator, path: str, token: str, status: int, code: int
) -> None:
    response = get(emulator, Request("GET", path, {}), token=token)
    body = response.json()
    assert (response.status_code, body["errorCode"]) == (status, code)
    assert body["message"] and body["refId"]
    assert not response_errors("/sheets", body, status="default")


def test_rate_limit_answers_error_code_4003(emulator: SmartsheetEmulator) -> None:
    emulator.inject("rate_limit", "/sheets")
    response = get(emulator, Request("GET", "/sheets", {}))
    assert (response.status_code, response.json()["errorCode"]) == (429, 4003)


def test_the_listing_pages_as_documented(emulator: SmartsheetEmulator) -> None:
    pages = [
        get(emulator, Request("GET", "/sheets", {"page": str(n), "pageSize": "3"})).json()
        for n in (1, 2, 9)
    ]
    assert [p["pageNumber"] for p in pages] == [1, 2, 2]  # past the end: the last page
    assert {(p["totalPages"], p["totalCount"]) for p in pages} == {(2, 4)}
    everything = get(emulator, Request("GET", "/sheets", {"includeAll": "true"})).json()
    assert len(everything["data"]) == 4


def test_the_recorded_listing_validates_like_the_emulators() -> None:
    """Smartsheet's own recorded answer passes the same validator: it is not too strict."""
    scenarios = json.loads((SAMPLES / "sheets_scenarios.json").read_text())
    listing = next(s for s in scenarios if s["scenario"] == "List Sheets - No Params")
    assert not response_errors("/sheets", listing["response"]["jsonBody"])


def test_a_malformed_sheet_fails_validation() -> None:
    """The validator bites: the same sheet with a row id as text is refused."""
    sheet = {"id": 1, "version": 2, "rows": [{"id": 5, "cells": [{"columnId": 7, "value": 1}]}]}
    assert not response_errors("/sheets/{sheetId}", sheet)
    sheet["rows"][0]["id"] = "not-a-number"
    assert response_errors("/sheets/{sheetId}", sheet)


def send(emulator: SmartsheetEmulator, method: str, path: str, body: dict | None = None) -> dict:
    response = requests.request(
        method,
        emulator.base_url + path,
        json=body,
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_webhook_answers_validate(emulator: SmartsheetEmulator, portfolio: Portfolio) -> None:
    """Create, enable (the challenge goes unanswered: verification fails), read, list and
    reset the secret: each request and answer as the description says."""
    create = {
        "name": "PMO analytics",
        "callbackUrl": "http://127.0.0.1:9/unreachable",
        "scope": "sheet",
        "scopeObjectId": portfolio.plans()[0].id,
        "events": ["*.*"],
        "version": 1,
    }
    assert not request_errors("/webhooks", "post", create)
    created = send(emulator, "POST", "/webhooks", create)
    hook = created["result"]
    assert (hook["enabled"], hook["status"]) == (False, "NEW_NOT_VERIFIED")
    path = f"/webhooks/{hook['id']}"
    answers = {
        ("/webhooks", "post"): created,
        ("/webhooks/{webhookId}", "put"): send(emulator, "PUT", path, {"enabled": True}),
        ("/webhooks/{webhookId}", "get"): send(emulator, "GET", path),
        ("/webhooks", "get"): send(emulator, "GET", "/webhooks"),
        ("/webhooks/{webhookId}/resetSharedSecret", "post"): send(
            emulator, "POST", f"{path}/resetSharedSecret"
        ),
    }
    for (template, method), body in answers.items():
        assert not response_errors(template, body, method=method), (template, method)
    assert answers[("/webhooks/{webhookId}", "put")]["result"]["status"] == (
        "DISABLED_VERIFICATION_FAILED"
    )
    secret = answers[("/webhooks/{webhookId}/resetSharedSecret", "post")]["result"]
    assert secret["sharedSecret"] != hook["sharedSecret"]


def test_a_webhook_on_an_unknown_sheet_is_refused(emulator: SmartsheetEmulator) -> None:
    create = {"name": "x", "callbackUrl": "http://127.0.0.1:9/", "scope": "sheet"}
    response = requests.post(
        emulator.base_url + "/webhooks",
        json={**create, "scopeObjectId": 1, "events": ["*.*"], "version": 1},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    )
    assert (response.status_code, response.json()["errorCode"]) == (404, 1006)
    assert not response_errors("/webhooks", response.json(), status="default", method="post")
