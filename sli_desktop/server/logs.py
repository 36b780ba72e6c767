"""The sync server's logs: one line per request, as JSON (for a log shipper) or as text.

What a line may hold is fixed here: method, the route's path *template* (``/v1/pull``, never a
query string), status, duration, the user and a hash of the device id. Request and response
bodies, record payloads and database error texts (which can quote the values of a failed
statement) never reach a log: an unexpected error is logged by its exception type alone.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime
from typing import Any

from starlette.routing import Match

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

FORMATS = ("json", "text")
ACCESS = "sli.server.access"
#: Fields an access line carries, in order (the text format prints them in this order).
FIELDS = ("method", "path", "status", "duration_ms", "user", "device")


def device_hash(device_id: str) -> str:
    """Enough to tell devices apart in a log and to match a known device; not its id."""
    return hashlib.sha256(device_id.encode("utf-8")).hexdigest()[:12]


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the request's fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in (*FIELDS, "error"):
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info and record.exc_info[0] is not None:
            line["error"] = record.exc_info[0].__name__  # the type only: messages can hold data
        return json.dumps(line, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="seconds")
        extra = " ".join(
            f"{name}={getattr(record, name)}"
            for name in (*FIELDS, "error")
            if getattr(record, name, None) is not None
        )
        if record.exc_info and record.exc_info[0] is not None:
            extra += f" error={record.exc_info[0].__name__}"
        return f"{stamp} {record.levelname.lower()} {record.getMessage()} {extra}".rstrip()


def uvicorn_config(log_format: str) -> dict[str, Any]:
    """A logging dictConfig for uvicorn and for the access log: everything to stderr in one
    format. uvicorn's own access log is left off (it prints raw paths with query strings)."""
    if log_format not in FORMATS:
        raise ValueError(f"log format must be one of {', '.join(FORMATS)}")
    formatter = JsonFormatter if log_format == "json" else TextFormatter
    handler = {"class": "logging.StreamHandler", "formatter": "sli", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"sli": {"()": f"{__name__}.{formatter.__name__}"}},
        "handlers": {"stderr": handler},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "sli.server": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        },
    }


class AccessLog:
    """Outermost ASGI middleware: one line per HTTP request, after its answer. An exception
    that escapes the app is logged by type (never its message, which may quote data), and
    answered with 500 if nothing was sent yet, so the server's own traceback is never printed."""

    def __init__(self, app: ASGIApp, logger: logging.Logger | None = None) -> None:
        self.app = app
        self.log = logger or logging.getLogger(ACCESS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0
        gone = False

        async def receiving() -> Message:
            nonlocal gone
            message = await receive()
            if message["type"] == "http.disconnect":
                gone = True
            return message

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        error: str | None = None
        try:
            await self.app(scope, receiving, sending)
        except Exception as exc:  # noqa: BLE001 - logged by type; the client gets a plain 500
            if not gone:
                error = type(exc).__name__
                if not status:
                    await _internal_error(sending)
        finally:
            if gone and (not status or status >= 400):
                # The client left before its request was read (or its answer begun): its own
                # doing, not the server's. Logged as nginx does, under the route it asked for.
                status = CLIENT_CLOSED
            self.log.info(
                "request",
                extra=_fields(scope, status or 500, time.perf_counter() - started, error),
            )


#: The status logged for a request its client abandoned ("client closed request", as nginx).
CLIENT_CLOSED = 499


def _route(scope: Scope) -> object:
    """The route that answered, or, for a request that never reached the router (cut while
    its body was read), the route its method and path would have reached."""
    route = scope.get("route")
    if route is not None:
        return route
    app = scope.get("app")
    for candidate in getattr(getattr(app, "router", None), "routes", ()):
        try:
            match, _ = candidate.matches(scope)
        except Exception:  # noqa: BLE001 - a route that cannot judge this scope is not it
            continue
        if match == Match.FULL:
            return candidate
    return None


def _fields(scope: Scope, status: int, seconds: float, error: str | None) -> dict[str, Any]:
    route = _route(scope)
    state = scope.get("state") or {}
    device = state.get("device_id")
    fields: dict[str, Any] = {
        "method": scope.get("method", ""),
        # The template, never the raw path: an unmatched path is whatever a client sent.
        "path": getattr(route, "path", None) or "(no route)",
        "status": status,
        "duration_ms": round(seconds * 1000, 1),
        "user": state.get("user"),
        "device": device_hash(device) if device else None,
    }
    if error:
        fields["error"] = error
    return fields


async def _internal_error(send: Send) -> None:
    body = b'{"detail":"internal server error"}'
    await send(
        {
            "type": "http.response.start",
            "status": 500,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", b"%d" % len(body)),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
