"""What no retry can fix ends the run with the connector's one-line error, never a traceback
of the HTTP stack; what a retry can fix (a proxy's passing error page) is retried."""

import socket
from collections.abc import Callable

import pytest
from dlt.pipeline.exceptions import PipelineStepFailed

from connectors.jira.errors import JiraError
from sandbox.jira.emulator import JiraEmulator
from sandbox.jira.site import JiraSite
from tests.jira.conftest import FAST_RETRIES, root_cause

SERVER_INFO = "/rest/api/2/serverInfo"
STATUS = "/rest/api/3/status"


def one_line_error(load: Callable, **settings: object) -> str:
    with pytest.raises(PipelineStepFailed) as failure:
        load(["statuses"], **settings)
    cause = root_cause(failure.value)
    assert isinstance(cause, JiraError)
    assert "\n" not in str(cause)
    return str(cause)


def test_an_html_404_on_server_info_names_the_base_url_setting(
    load: Callable, emulator: JiraEmulator
) -> None:
    emulator.inject("html", path=SERVER_INFO, status=404)
    message = one_line_error(load)
    assert f"has no {SERVER_INFO} (HTTP 404: an HTML page" in message
    assert "SOURCES__JIRA__BASE_URL" in message


def test_a_base_url_with_a_path_gets_jiras_own_404_explained(
    load: Callable, emulator: JiraEmulator
) -> None:
    message = one_line_error(load, base_url=f"{emulator.base_url}/jira")
    assert "HTTP 404: Not found" in message
    assert "SOURCES__JIRA__BASE_URL is the site's root address" in message


def test_a_login_page_instead_of_json_is_named_after_the_retries(
    load: Callable, emulator: JiraEmulator
) -> None:
    emulator.inject("html", path=SERVER_INFO, status=200, times=FAST_RETRIES["max_attempts"])
    message = one_line_error(load)
    assert f"answered {SERVER_INFO} with an HTML page, not JSON" in message
    assert emulator.request_counts[SERVER_INFO] == FAST_RETRIES["max_attempts"]


def test_a_proxy_error_page_that_persists_fails_in_one_line(
    load: Callable, emulator: JiraEmulator
) -> None:
    emulator.inject("html", path=STATUS, status=503, times=FAST_RETRIES["max_attempts"])
    message = one_line_error(load)
    assert f"kept failing on {STATUS} (HTTP 503 after" in message


def test_a_passing_proxy_error_page_is_retried(
    load: Callable, emulator: JiraEmulator, query: Callable, site: JiraSite
) -> None:
    emulator.inject("html", path=STATUS, status=502, times=2)
    load(["statuses"])
    assert query("select count(*) from raw_jira.statuses") == [(len(site.statuses),)]


def test_a_closed_port_fails_in_one_line(load: Callable) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    message = one_line_error(load, base_url=f"http://127.0.0.1:{port}")
    assert "could not be reached" in message


def test_a_base_url_without_scheme_fails_in_one_line(load: Callable) -> None:
    message = one_line_error(load, base_url="your-site.atlassian.net")
    assert "is not a valid URL" in message
