"""The HTTP face of the server: FastAPI routes over ``Storage``, gzip, body limits, tokens."""

from __future__ import annotations

import socket
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .. import __version__
from ..sync import protocol as p
from .storage import Principal, Storage

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
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise HTTPException(413, "request too large")
            return message

        await self.app(scope, limited, send)


async def _too_large(send: Send) -> None:
    body = b'{"detail":"request too large"}'
    await send(
        {
            "type": "http.response.start",
            "status": 413,
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
    return auth.principal


Who = Annotated[Principal, Depends(principal)]


def create_app(storage: Storage) -> FastAPI:
    app = FastAPI(
        title="SLI Desktop sync server",
        version=__version__,
        description="Push the outbox, pull the change feed. Every route but enrol needs a "
        "device token (Authorization: Bearer).",
    )
    app.state.storage = storage
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(BodyLimit)

    @app.exception_handler(Revoked)
    async def _revoked(_request: Request, _exc: Revoked) -> JSONResponse:
        body = p.ErrorBody(detail="this device has been revoked", wipe=True)
        return JSONResponse(body.model_dump(), status_code=403)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()))
        detail = f"invalid request: {where} {first.get('msg', '')}".strip()
        return JSONResponse({"detail": detail}, status_code=422)

    @app.get(f"{p.API}/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post(
        f"{p.API}/enroll", response_model=p.EnrollResponse, responses={401: {"model": p.ErrorBody}}
    )
    def enroll(body: p.EnrollRequest, request: Request) -> p.EnrollResponse:
        done = store(request).enroll(body.code, body.device_name)
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
    ) -> p.PullResponse:
        return store(request).pull(who, cursor, limit)

    return app


def serve(
    storage: Storage,
    host: str,
    port: int,
    certfile: str | None = None,
    keyfile: str | None = None,
) -> None:
    import uvicorn

    uvicorn.run(
        create_app(storage),
        host=host,
        port=port,
        ssl_certfile=certfile,
        ssl_keyfile=keyfile,
        log_level="info",
        limit_concurrency=200,
        timeout_keep_alive=30,
    )


class BackgroundServer:
    """uvicorn on a socket that is already bound (port 0: a free port), in a thread. For tests
    and benchmarks; stop() waits for it."""

    def __init__(
        self,
        storage: Storage,
        host: str = "127.0.0.1",
        certfile: str | None = None,
        keyfile: str | None = None,
    ) -> None:
        import uvicorn

        self.app = create_app(storage)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.port = int(self.sock.getsockname()[1])
        self.url = f"{'https' if certfile else 'http'}://{host}:{self.port}"
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            lifespan="off",
            ssl_certfile=certfile,
            ssl_keyfile=keyfile,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def start(self) -> BackgroundServer:
        self.thread.start()
        started = threading.Event()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("the sync server did not start")
            started.wait(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(30)
        self.sock.close()
