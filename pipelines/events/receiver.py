"""The webhook receiver, an ASGI app: check size, then signature, then shape; spool; answer 202.

Order matters: an oversized body is refused (413) before it is buffered or hashed, and nothing
is parsed before the signature holds (401), so an unauthenticated caller costs one HMAC at most.
The only work after that is one SQLite insert, so Jira gets its answer in milliseconds.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from pipelines.events.jira_events import DELIVERY_ID_HEADER, MalformedDeliveryError, parse_delivery
from pipelines.events.settings import MAX_BODY_BYTES
from pipelines.events.signature import SIGNATURE_HEADER, is_valid_signature
from pipelines.events.spool import WebhookSpool

if TYPE_CHECKING:
    from pipelines.events.smartsheet_spool import SmartsheetSpool

JIRA_WEBHOOK_PATH = "/webhooks/jira"

logger = logging.getLogger(__name__)


class BodyTooLargeError(Exception):
    """The body exceeds the receiver's limit."""


async def _read_capped(request: Request, limit: int) -> bytes:
    """The body, refusing early on a large Content-Length or once a chunked body passes it."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLargeError
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BodyTooLargeError
    return bytes(body)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def create_app(
    spool: WebhookSpool | None,
    secret: str | None,
    max_body_bytes: int = MAX_BODY_BYTES,
    smartsheet: SmartsheetSpool | None = None,
) -> Starlette:
    """The receiver for Jira's webhooks into ``spool``, accepting only bodies signed with
    ``secret``; with a ``smartsheet`` spool, Smartsheet's callbacks too, on a path of their
    own. Either may be left out (``spool`` None: a Smartsheet-only install)."""
    if spool is not None and not secret:
        raise ValueError("a webhook secret is required: unsigned deliveries are never accepted")
    if spool is None and smartsheet is None:
        raise ValueError("a receiver needs a spool for Jira's webhooks or Smartsheet's callbacks")

    async def receive_jira(request: Request) -> JSONResponse:
        try:
            body = await _read_capped(request, max_body_bytes)
        except BodyTooLargeError:
            return _error(413, f"body over {max_body_bytes} bytes")
        except ClientDisconnect:  # gone, or cut off by the read deadline: nobody to answer
            return _error(408, "the request was not received in full")
        if not is_valid_signature(secret, body, request.headers.get(SIGNATURE_HEADER)):
            logger.warning("refused a webhook with a missing or invalid signature")
            return _error(401, f"missing or invalid {SIGNATURE_HEADER}")
        try:
            delivery = parse_delivery(body, request.headers.get(DELIVERY_ID_HEADER))
        except MalformedDeliveryError as error:
            return _error(400, str(error))
        if not delivery.is_supported:
            return JSONResponse({"status": "ignored", "event": delivery.event}, status_code=202)
        stored = await run_in_threadpool(spool.append, delivery)
        return JSONResponse(
            {"status": "accepted" if stored else "duplicate", "delivery": delivery.delivery_id},
            status_code=202,
        )

    async def health(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    jira = [Route(JIRA_WEBHOOK_PATH, receive_jira, methods=["POST"])] if spool is not None else []
    app = Starlette(
        routes=[
            *jira,
            Route("/healthz", health, methods=["GET"]),
            *_smartsheet_routes(smartsheet, max_body_bytes),
        ]
    )
    # Starlette would answer a trailing slash with a 307 to an absolute URL built from the
    # Host header, which the caller controls: unknown paths get a plain 404 instead.
    app.router.redirect_slashes = False
    return app


def _smartsheet_routes(spool: SmartsheetSpool | None, max_body_bytes: int) -> list[Route]:
    """The Smartsheet endpoint when the receiver has its spool (imported here: its module
    builds on this one's body reader)."""
    if spool is None:
        return []
    from pipelines.events.smartsheet_receiver import smartsheet_route

    return [smartsheet_route(spool, max_body_bytes)]
