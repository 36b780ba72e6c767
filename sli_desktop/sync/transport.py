"""The sync client's wire: server URLs, TLS, timeouts, gzip bodies, and every refusal or network
failure turned into one sentence. No vault here but the wipe a revoked device asks for, which
the caller supplies.

Kept apart from pushing and pulling as httpx keeps its transports apart from its client: the
rules for talking to the server are read in one place.
"""

from __future__ import annotations

import gzip
import json
import os
import ssl
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import httpx
import pydantic
import truststore

from . import protocol as p
from .errors import NotAnswering, SyncError, Unreachable

_M = TypeVar("_M", bound=pydantic.BaseModel)

CA_ENV = "SLI_SYNC_CA_BUNDLE"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
#: What a server without an endpoint answers (one older than the feature): not an error.
MISSING = frozenset({404, 405})
#: Set in a request's extensions once the head of its answer has arrived (PatientBody).
BEGUN = "sli_answer_begun"
#: Request bodies above this size go gzip-compressed (a push of 100 notes: about 8x smaller).
GZIP_FROM = 1024


class Timeouts:
    """How long the client waits, in seconds. A server that does not answer is reported within
    15 s (connect, or the request sent and no first byte of the answer); once an answer has
    begun, a large pull page may take as long as it needs, as long as bytes keep coming. There
    is no limit on a whole answer: a 10 MB page on a slow line is not a fault."""

    def __init__(
        self,
        connect: float = 5.0,
        first_byte: float = 12.0,
        between_bytes: float = 60.0,
        write: float = 12.0,
    ) -> None:
        self.connect = connect
        self.first_byte = first_byte
        self.between_bytes = between_bytes
        self.write = write

    def httpx(self) -> httpx.Timeout:
        return httpx.Timeout(
            connect=self.connect, read=self.first_byte, write=self.write, pool=self.connect
        )


class PatientBody(httpx.BaseTransport):
    """Waits ``first_byte`` seconds for an answer to begin, then ``between_bytes`` between the
    reads of its body. httpx has one read timeout for both; httpcore reads the request's
    timeouts when the body starts to stream, so they are changed once the headers are in."""

    def __init__(self, inner: httpx.BaseTransport, timeouts: Timeouts) -> None:
        self.inner = inner
        self.timeouts = timeouts

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        waits = dict(request.extensions.get("timeout") or {})
        waits["read"] = self.timeouts.between_bytes
        request.extensions["timeout"] = waits
        request.extensions[BEGUN] = True
        return response

    def close(self) -> None:
        self.inner.close()


def check_url(url: str) -> str:
    """The server URL, refusing plain HTTP anywhere but loopback."""
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError):
        raise SyncError(f"not a server URL: {url!r}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise SyncError(f"not a server URL: {url!r} (use https://host:port)")
    if parsed.scheme == "http" and parsed.host not in LOOPBACK:
        raise SyncError(
            f"refusing plain HTTP to {parsed.host}: use https:// (plain HTTP only on loopback)"
        )
    return str(parsed).rstrip("/")


def verify_setting() -> bool | ssl.SSLContext:
    """TLS: the operating system's certificate store (where an organisation installs its own
    CA), or only the bundle named by SLI_SYNC_CA_BUNDLE."""
    bundle = os.environ.get(CA_ENV)
    return _ca_context(bundle) if bundle else _system_context()


def open_client(
    server: str,
    token: str | None,
    verify: bool | ssl.SSLContext,
    transport: httpx.BaseTransport | None,
    timeouts: Timeouts,
) -> httpx.Client:
    headers = {"User-Agent": "sli-desktop-sync"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    # plain HTTP (loopback only, check_url) needs no TLS context, and loading the system's CAs
    # for nothing slowed every sync
    tls = verify if server.startswith("https://") else False
    inner = transport if transport is not None else httpx.HTTPTransport(verify=tls)
    return httpx.Client(
        base_url=server + p.API,
        headers=headers,
        transport=PatientBody(inner, timeouts),
        timeout=timeouts.httpx(),
        verify=tls,
    )


class Link:
    """One open connection to the server: requests, and their answers checked. ``revoked`` is
    called (on the thread that owns the vault) when the server says the device is revoked; it
    wipes the vault and raises."""

    def __init__(
        self, http: httpx.Client, revoked: Callable[[], NoReturn], timeouts: Timeouts
    ) -> None:
        self.http = http
        self.revoked = revoked
        self.timeouts = timeouts

    def send(
        self, method: str, path: str, missing_ok: bool = False, **kwargs: Any
    ) -> httpx.Response:
        if "json" in kwargs:  # compact, and gzip-compressed when worth it (the server inflates)
            kwargs["content"], headers = body(kwargs.pop("json"))
            kwargs["headers"] = {**kwargs.get("headers", {}), **headers}
        return self.checked(
            path, lambda: self.http.request(method, path, **kwargs), missing_ok=missing_ok
        )

    def checked(
        self, path: str, request: Callable[[], httpx.Response], missing_ok: bool = False
    ) -> httpx.Response:
        """The answer to ``request`` (made now, or already under way in a worker thread), with
        every refusal turned into one sentence."""
        try:
            response = request()
        except httpx.TimeoutException as exc:
            if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
                raise NotAnswering(self.timeouts.connect) from None
            if isinstance(exc, httpx.ReadTimeout):
                raise NotAnswering(
                    self.timeouts.between_bytes if _begun(exc) else self.timeouts.first_byte
                ) from None
            raise NotAnswering(self.timeouts.write) from None
        except httpx.HTTPError as exc:
            raise Unreachable(type(exc).__name__) from None
        if response.status_code == 403 and _wipe_requested(response):
            self.revoked()
        if response.status_code == 401:
            raise SyncError(
                "the sync server does not accept this device's token: enrol it again"
                if path != "/enroll"
                else "the server did not accept the enrolment code (unknown, used or expired)"
            )
        if missing_ok and response.status_code in MISSING:  # the caller copes without it
            return response
        if response.status_code == 429:  # e.g. too many failed enrolment attempts
            raise SyncError(f"the sync server is refusing for now: {_detail(response)}")
        if response.status_code >= 400:
            raise SyncError(
                f"the sync server refused ({response.status_code}): {_detail(response)}"
            )
        return response


def _begun(exc: httpx.HTTPError) -> bool:
    """Whether the answer had begun (its head arrived) when ``exc`` stopped it."""
    try:
        return bool(exc.request.extensions.get(BEGUN))
    except RuntimeError:  # an error raised without its request
        return False


def parse(model: type[_M], response: httpx.Response) -> _M:
    try:
        return model.model_validate_json(response.content)
    except pydantic.ValidationError:
        raise SyncError("the sync server sent an answer this app does not understand") from None


def body(data: Any) -> tuple[bytes, dict[str, str]]:
    """A request body as compact JSON, gzip-compressed above GZIP_FROM bytes."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json"}
    if len(raw) > GZIP_FROM:
        return gzip.compress(raw, compresslevel=6, mtime=0), {
            **headers,
            "Content-Encoding": "gzip",
        }
    return raw, headers


def _system_context() -> ssl.SSLContext:
    """Certificates checked against the operating system's store (Windows, macOS, and the
    usual Linux locations, with OpenSSL's SSL_CERT_FILE honoured), not a bundle shipped with
    the app: councils' and the LGA's networks often add their own CA there."""
    return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def _ca_context(bundle: str) -> ssl.SSLContext:
    try:
        return ssl.create_default_context(cafile=bundle)
    except (OSError, ssl.SSLError) as exc:
        raise SyncError(f"cannot use {CA_ENV}={bundle}: {exc}") from None


def _wipe_requested(response: httpx.Response) -> bool:
    try:
        return bool(p.ErrorBody.model_validate_json(response.content).wipe)
    except pydantic.ValidationError:
        return False


def _detail(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.reason_phrase
    return str(data.get("detail", response.reason_phrase)) if isinstance(data, dict) else ""
