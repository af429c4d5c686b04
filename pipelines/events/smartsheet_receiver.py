"""``POST /webhooks/smartsheet``: challenges echoed, callbacks verified, spooled, answered 200.

Smartsheet wants 200 for a callback (it retries 4xx other than 410, and 5xx). A challenge is
answered whoever sends it: it echoes a value the caller chose and reveals nothing. A callback
is checked against the secret of the webhook it names (each webhook has its own), so its
``webhookId`` is read before the signature; nothing else of the body is.
"""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from pipelines.events.jira_events import MalformedDeliveryError
from pipelines.events.receiver import BodyTooLargeError, _error, _read_capped
from pipelines.events.smartsheet_events import (
    CHALLENGE_HEADER,
    RESPONSE_FIELD,
    RESPONSE_HEADER,
    SIGNATURE_HEADER,
    is_valid_signature,
    parse_callback,
    webhook_id_of,
)
from pipelines.events.smartsheet_spool import SmartsheetSpool

SMARTSHEET_WEBHOOK_PATH = "/webhooks/smartsheet"

logger = logging.getLogger(__name__)


def smartsheet_route(spool: SmartsheetSpool, max_body_bytes: int) -> Route:
    """The Smartsheet callback endpoint, spooling into ``spool``."""

    async def receive_smartsheet(request: Request) -> JSONResponse:
        try:
            body = await _read_capped(request, max_body_bytes)
        except BodyTooLargeError:
            return _error(413, f"body over {max_body_bytes} bytes")
        except ClientDisconnect:
            return _error(408, "the request was not received in full")
        challenge = request.headers.get(CHALLENGE_HEADER)
        if challenge is not None:
            return JSONResponse({RESPONSE_FIELD: challenge}, headers={RESPONSE_HEADER: challenge})
        try:
            webhook_id = webhook_id_of(body)
        except MalformedDeliveryError as error:
            return _error(400, str(error))
        secret = await run_in_threadpool(spool.secret, webhook_id)
        if not is_valid_signature(secret, body, request.headers.get(SIGNATURE_HEADER)):
            logger.warning("refused a Smartsheet callback with a missing or invalid signature")
            return _error(401, f"missing or invalid {SIGNATURE_HEADER} for this webhook")
        callback = parse_callback(body)
        if callback.status_change:
            logger.warning(
                "Smartsheet webhook %s is now %s", callback.webhook_id, callback.status_change
            )
        if callback.sheet_id is None:
            return JSONResponse({"status": "ignored"})
        stored = await run_in_threadpool(spool.append, callback.delivery)
        return JSONResponse(
            {"status": "accepted" if stored else "duplicate", "sheet": callback.sheet_id}
        )

    return Route(SMARTSHEET_WEBHOOK_PATH, receive_smartsheet, methods=["POST"])
