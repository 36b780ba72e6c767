"""The real sync server on 127.0.0.1 in a background thread, for tests and benchmarks: the
product runs it with ``sli server serve`` (server/app.serve) and never needs this."""

from __future__ import annotations

import socket
import threading

from sli_desktop.server.app import DEFAULT_MAX_OFFLINE_DAYS, create_app
from sli_desktop.server.storage import Storage


class BackgroundServer:
    """uvicorn on a socket that is already bound (port 0: a free port), in a thread; stop()
    waits for it. Only tests and benchmarks run the server this way."""

    def __init__(
        self,
        storage: Storage,
        host: str = "127.0.0.1",
        certfile: str | None = None,
        keyfile: str | None = None,
        max_offline_days: int = DEFAULT_MAX_OFFLINE_DAYS,
    ) -> None:
        import uvicorn

        self.app = create_app(storage, max_offline_days)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.port = int(self.sock.getsockname()[1])
        self.url = f"{'https' if certfile else 'http'}://{host}:{self.port}"
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            lifespan="off",
            proxy_headers=False,  # as serve(): X-Forwarded-For is the app's to judge
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
