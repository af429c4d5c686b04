"""The connector's errors: each explains a failure in one line, never carrying a credential."""

from __future__ import annotations

from requests import Response


class JiraError(RuntimeError):
    """A Jira failure explained in one line, never carrying a credential."""


class JiraConfigError(JiraError):
    """A missing or invalid setting; the message names the environment variable."""


def endpoint(response: Response) -> str:
    """The request's path without its query: names the endpoint in errors and logs."""
    return response.request.path_url.split("?")[0] if response.request else response.url
