"""Run the real sandbox on a real HTTP port inside a test process.

    from sandbox.online.testing import start_sandbox

    server = start_sandbox(tmp_path / "qbo.sqlite", companies=("small",))
    try:
        realm = server.control.create_company("small")      # isolated company per test
        qb = server.quickbooks(realm)                         # python-quickbooks client, dev token
        ...
    finally:
        server.stop()

`start_sandbox(db_path, port=0, host="127.0.0.1", **options)`: options go to `create_app` (see
`sandbox.online.app.create_app`). Port 0 picks a free port. The server is werkzeug's threaded server
in a daemon thread, so concurrent requests, rate limits and dropped connections behave as in the
standalone process. Also usable as a context manager.
"""
from __future__ import annotations

import threading
from pathlib import Path

import requests
from werkzeug.serving import WSGIRequestHandler, make_server

from .app import create_app
from .control import SandboxControl


class BearerSession:
    """What python-quickbooks needs as `qb.session`: `.access_token` and `.request(...)`.
    Set `access_token` again to switch tokens."""

    def __init__(self, access_token: str) -> None:
        self.access_token = access_token
        self.http = requests.Session()

    def request(self, method, url, headers=None, params=None, data=None, **kwargs):
        headers = dict(headers or {})
        headers["Authorization"] = f"Bearer {self.access_token}"
        if isinstance(data, str):
            data = data.encode("utf-8")
        return self.http.request(method, url, headers=headers, params=params, data=data, timeout=30, **kwargs)


class _QuietHandler(WSGIRequestHandler):
    """No access log lines in test output; the sandbox keeps its own request log."""

    def log_request(self, *args, **kwargs) -> None:
        pass


class SandboxServer:
    def __init__(self, app, host: str, port: int) -> None:
        self.app = app
        self.sandbox = app.extensions["qbo_sandbox"]
        self._server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
        self.host, self.port = host, self._server.server_port
        self.base_url = f"http://{host}:{self.port}"
        self.api_url = f"{self.base_url}/v3"
        self.discovery_url = f"{self.base_url}/.well-known/openid_configuration/"
        self.control = SandboxControl(self.base_url)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="qbo-sandbox-http", daemon=True)
        self._thread.start()

    def quickbooks(self, realm_id: str, access_token: str | None = None, minorversion: int = 75):
        """A python-quickbooks client pointed at this sandbox (dev token unless one is given)."""
        from quickbooks import QuickBooks

        qb = QuickBooks(company_id=realm_id, minorversion=minorversion)
        qb.sandbox = False
        qb.api_url_v3 = self.api_url  # instance attribute: api_url reads it
        qb.session = BearerSession(access_token or self.control.dev_token(realm_id))
        return qb

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self.sandbox.close()

    def __enter__(self) -> "SandboxServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_sandbox(db_path: str | Path, port: int = 0, host: str = "127.0.0.1", **options) -> SandboxServer:
    return SandboxServer(create_app(str(db_path), **options), host, port)
