"""The HTTP face of the server: FastAPI routes over ``Storage``, gzip, body limits, tokens."""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .. import __version__
from ..sync import protocol as p
from .logs import AccessLog, uvicorn_config
from .proxies import Network, client_address
from .ratelimit import Limited
from .storage import READERS_ROLES, Principal, Storage

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class Revoked(Exception):
    pass


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes (declared or streamed) with 413."""

    def __init__(self, app: ASGIApp, limit: int = p.MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and (not value.isdigit() or int(value) > self.limit):
                await _too_large(send)
                return
        encoding = _header(scope, b"content-encoding").strip().lower()
        if encoding == b"gzip":
            await self._gunzip(scope, receive, send)
            return
        if encoding not in (b"", b"identity"):
            await _refuse(send, 415, "unsupported Content-Encoding: send gzip or nothing")
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise HTTPException(413, "request too large")
            return message

        await self.app(scope, limited, send)

    async def _gunzip(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A gzip-compressed body (pushes from the client): read it whole (at most ``limit``
        bytes as sent), inflate it to at most ``limit`` bytes (a gzip bomb gets the same 413 as
        any other large body, after inflating no more than the limit), and hand the app the
        plain body."""
        compressed = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            compressed += message.get("body", b"")
            if len(compressed) > self.limit:
                await _too_large(send)
                return
            if not message.get("more_body"):
                break
        inflater = zlib.decompressobj(wbits=31)  # gzip framing only
        try:
            body = inflater.decompress(bytes(compressed), self.limit + 1)
            if len(body) <= self.limit and not inflater.unconsumed_tail:
                body += inflater.flush(self.limit + 1 - len(body))
        except zlib.error:
            await _refuse(send, 400, "the request body is not valid gzip")
            return
        if len(body) > self.limit or inflater.unconsumed_tail:
            await _too_large(send)
            return
        if not inflater.eof:
            await _refuse(send, 400, "the request body is not valid gzip (truncated)")
            return
        headers = [
            (k, v)
            for k, v in scope.get("headers", [])
            if k not in (b"content-encoding", b"content-length")
        ]
        headers.append((b"content-length", b"%d" % len(body)))
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        # The scope itself, not a copy: the router records the matched route in it, and the
        # access log (outside this middleware) reads it from there.
        scope["headers"] = headers
        await self.app(scope, replay, send)


def _header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value)
    return b""


async def _too_large(send: Send) -> None:
    await _refuse(send, 413, "request too large")


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", b"%d" % len(body)),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


_bearer = HTTPBearer(auto_error=False)


def store(request: Request) -> Storage:
    found: Storage = request.app.state.storage
    return found


def principal(
    request: Request,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if creds is None or not creds.credentials:
        raise HTTPException(401, "a device token is needed", {"WWW-Authenticate": "Bearer"})
    auth = store(request).authenticate(creds.credentials)
    if auth.principal is None:
        raise HTTPException(401, "unknown device token", {"WWW-Authenticate": "Bearer"})
    if auth.revoked:
        raise Revoked()
    # For the access log (sli_desktop/server/logs.py): who asked, never what they sent.
    request.state.user = auth.principal.user
    request.state.device_id = auth.principal.device_id
    return auth.principal


Who = Annotated[Principal, Depends(principal)]


#: Days a device may go without syncing before it locks (the operator may change it).
DEFAULT_MAX_OFFLINE_DAYS = 30


def create_app(
    storage: Storage,
    max_offline_days: int = DEFAULT_MAX_OFFLINE_DAYS,
    trusted_proxies: Sequence[Network] = (),
) -> FastAPI:
    """The app. ``trusted_proxies``: the peers whose X-Forwarded-For names the client
    (server/proxies.py); ``app.state.clock`` gives the time enrolment limits count by."""
    app = FastAPI(
        title="SLI Desktop sync server",
        version=__version__,
        description="Push the outbox, pull the change feed. Every route but enrol needs a "
        "device token (Authorization: Bearer).",
    )
    app.state.storage = storage
    app.state.max_offline_days = max_offline_days
    app.state.trusted_proxies = tuple(trusted_proxies)
    app.state.clock = time.time
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    app.add_middleware(BodyLimit)
    app.add_middleware(AccessLog)  # outermost: it also sees 413s and unexpected errors

    @app.exception_handler(Revoked)
    async def _revoked(_request: Request, _exc: Revoked) -> JSONResponse:
        body = p.ErrorBody(detail="this device has been revoked", wipe=True)
        return JSONResponse(body.model_dump(), status_code=403)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()))
        detail = f"invalid request: {where} {first.get('msg', '')}".strip()
        # A key of the request names itself in ``where``: a lone surrogate there would make the
        # answer itself unwritable (a 500).
        detail = detail.encode("utf-8", "replace").decode("utf-8")
        return JSONResponse({"detail": detail}, status_code=422)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        """Liveness for a supervisor or load balancer: the process answers. No auth, no data."""
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    def readyz(request: Request) -> JSONResponse:
        """Readiness: 200 once the database answers and holds every table, else 503."""
        problem = store(request).readiness_problem()
        if problem:
            return JSONResponse({"status": "unavailable", "detail": problem}, status_code=503)
        return JSONResponse({"status": "ready"})

    @app.get(f"{p.API}/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post(
        f"{p.API}/enroll",
        response_model=p.EnrollResponse,
        responses={401: {"model": p.ErrorBody}, 429: {"model": p.ErrorBody}},
    )
    def enroll(body: p.EnrollRequest, request: Request) -> p.EnrollResponse:
        # Failed attempts are limited per client address and per code, in the database
        # (server/ratelimit.py); never for everyone at once.
        try:
            done = store(request).enroll(
                body.code,
                body.device_name,
                address=_client(request),
                now=request.app.state.clock(),
                enrolment_id=body.enrolment_id,
            )
        except Limited as exc:
            raise HTTPException(429, exc.detail, {"Retry-After": str(exc.wait)}) from None
        if done is None:
            raise HTTPException(401, "unknown, used or expired enrolment code")
        return done

    @app.get(f"{p.API}/me", response_model=p.Me, responses={401: {"model": p.ErrorBody}})
    def me(who: Who) -> p.Me:
        return p.Me(
            user=who.user, role=who.role, regions=sorted(who.regions), device_id=who.device_id
        )

    @app.post(
        f"{p.API}/push",
        response_model=p.PushResponse,
        responses={401: {"model": p.ErrorBody}, 403: {"model": p.ErrorBody}},
    )
    def push(body: p.PushRequest, who: Who, request: Request) -> p.PushResponse:
        return store(request).push(who, body)

    @app.get(
        f"{p.API}/pull",
        response_model=p.PullResponse,
        responses={401: {"model": p.ErrorBody}, 403: {"model": p.ErrorBody}},
    )
    def pull(
        who: Who,
        request: Request,
        cursor: Annotated[int, Query(ge=0, le=p.MAX_CURSOR)] = 0,
        limit: Annotated[int, Query(ge=1, le=p.MAX_PAGE)] = 500,
    ) -> Response:
        # Built from the stored JSON texts, not re-serialised (Storage.pull_json): the body is
        # a PullResponse, as documented by response_model, or as JSON lines for a client
        # that asks (p.FEED_LINES: it reads a page a slice at a time).
        lines = p.FEED_LINES in request.headers.get("accept", "")
        body = store(request).pull_json(
            who, cursor, limit, lines=lines, max_offline_days=request.app.state.max_offline_days
        )
        # Vary: the same URL answers in two forms, so no cache may hand one to the other.
        media_type = p.FEED_LINES if lines else "application/json"
        return Response(body, media_type=media_type, headers={"Vary": "Accept"})

    @app.post(
        f"{p.API}/reads",
        response_model=p.ReadsResponse,
        responses={401: {"model": p.ErrorBody}, 403: {"model": p.ErrorBody}},
    )
    def reads(body: p.ReadsRequest, who: Who, request: Request) -> p.ReadsResponse:
        return store(request).store_reads(who, body)

    @app.get(
        f"{p.API}/notes/{{note_id}}/readers",
        response_model=p.NoteReaders,
        responses={
            401: {"model": p.ErrorBody},
            403: {"model": p.ErrorBody},
            404: {"model": p.ErrorBody},
        },
    )
    def note_readers(note_id: Annotated[p.Id, Path()], who: Who, request: Request) -> p.NoteReaders:
        if who.role not in READERS_ROLES:
            raise HTTPException(403, "only an admin or a coordinator may see who read a note")
        if not store(request).may_see_note(who, note_id):
            # The same answer whether the note is elsewhere or nowhere: existence is not told.
            raise HTTPException(404, "no note with that id that this user may see")
        return store(request).note_readers(note_id)

    return app


def _client(request: Request) -> str:
    """The client's address for the enrolment limits: the peer, or what a trusted proxy
    says (server/proxies.py)."""
    peer = request.client.host if request.client else "unknown"
    forwarded = request.headers.getlist("x-forwarded-for")
    return client_address(peer, forwarded, request.app.state.trusted_proxies)


def serve(
    storage: Storage,
    host: str,
    port: int,
    certfile: str | None = None,
    keyfile: str | None = None,
    max_offline_days: int = DEFAULT_MAX_OFFLINE_DAYS,
    log_format: str = "text",
    trusted_proxies: Sequence[Network] = (),
) -> None:
    import uvicorn

    uvicorn.run(
        create_app(storage, max_offline_days, trusted_proxies),
        host=host,
        port=port,
        ssl_certfile=certfile,
        ssl_keyfile=keyfile,
        log_level="info",
        log_config=uvicorn_config(log_format),
        access_log=False,  # logs.AccessLog writes one line per request, without query strings
        # uvicorn would believe X-Forwarded-For from 127.0.0.1 (or FORWARDED_ALLOW_IPS): the
        # app reads it itself, from the proxies the operator named only.
        proxy_headers=False,
        limit_concurrency=200,
        timeout_keep_alive=30,
    )
