"""Alerts for people: a chat webhook when configured, the log otherwise.

``PMO_ALERT_WEBHOOK_URL`` takes any endpoint that accepts a JSON ``{"text": ...}`` POST
(Slack and Mattermost incoming webhooks, Teams workflows, a custom relay). Sending never raises:
an unreachable alert channel must not fail the pipeline, so the failure is logged instead.
"""

from __future__ import annotations

import logging

import requests

from pipelines.settings import alert_webhook_url

TIMEOUT_SECONDS = 10

log = logging.getLogger("pmo.alerts")


def send_alert(title: str, body: str) -> bool:
    """Deliver one alert; True when the webhook accepted it, False when it was only logged."""
    url = alert_webhook_url()
    if not url:
        log.warning("ALERT %s: %s", title, body)
        return False
    try:
        response = requests.post(
            url, json={"text": f"*{title}*\n{body}", "title": title}, timeout=TIMEOUT_SECONDS
        )
        response.raise_for_status()
    except requests.RequestException as error:
        log.error("ALERT %s: %s (alert webhook failed: %s)", title, body, type(error).__name__)
        return False
    return True
