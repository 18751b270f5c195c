"""Fixtures for the QuickBooks Online sandbox conformance suite.

One sandbox process-wide (real HTTP, werkzeug threaded server) with both seeded companies; every test
that writes gets its own freshly seeded small company (`realm`), so tests never see each other's data,
rate-limit windows, injected faults or webhook settings.
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from sandbox.online.seed import LARGE_REALM_ID, SMALL_REALM_ID
from sandbox.online.testing import start_sandbox


@pytest.fixture(autouse=True)
def _csrf_off_by_default():
    """Overrides the root conftest's autouse fixture of that name, which builds the web app: the
    sandbox suite must not depend on (or wait for) the product."""
    yield


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory):
    server = start_sandbox(tmp_path_factory.mktemp("qbo") / "sandbox.sqlite",
                           webhook_delay=0.05, webhook_retry_delays=[0.05, 0.1, 0.2])
    yield server
    server.stop()


@pytest.fixture
def control(sandbox):
    return sandbox.control


@pytest.fixture
def realm(sandbox):
    return sandbox.control.create_company("small")


@pytest.fixture
def qb(sandbox, realm):
    return sandbox.quickbooks(realm)


@pytest.fixture
def clock(sandbox):
    """The sandbox clock is process-wide: put it back after a test moves it."""
    yield sandbox.control
    sandbox.control.reset_clock()


@pytest.fixture
def large_realm(sandbox):
    sandbox.control.set_rate_limits(LARGE_REALM_ID, enabled=False)
    yield LARGE_REALM_ID


@pytest.fixture
def small_seed_realm():
    return SMALL_REALM_ID


class Api:
    """Raw HTTP against one company, for what python-quickbooks cannot show (status, headers, bodies)."""

    def __init__(self, sandbox, realm_id: str, token: str) -> None:
        self.base = f"{sandbox.api_url}/company/{realm_id}"
        self.token = token
        self.http = requests.Session()

    def _headers(self, extra=None):
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        headers.update(extra or {})
        return headers

    def get(self, path: str, **params) -> requests.Response:
        params.setdefault("minorversion", 75)
        return self.http.get(f"{self.base}/{path}", params=params, headers=self._headers(), timeout=30)

    def post(self, path: str, body, params: dict | None = None, content_type="application/json") -> requests.Response:
        params = dict(params or {})
        params.setdefault("minorversion", 75)
        data = body if isinstance(body, str) else json.dumps(body)
        return self.http.post(f"{self.base}/{path}", data=data, params=params, timeout=30,
                              headers=self._headers({"Content-Type": content_type}))

    def query(self, statement: str) -> requests.Response:
        return self.post("query", statement, content_type="application/text")

    def rows(self, statement: str, entity: str) -> list[dict]:
        response = self.query(statement)
        assert response.status_code == 200, response.text
        return response.json()["QueryResponse"].get(entity, [])


@pytest.fixture
def api(sandbox, realm):
    return Api(sandbox, realm, sandbox.control.dev_token(realm))


@pytest.fixture
def make_api(sandbox):
    def make(realm_id: str, token: str | None = None) -> Api:
        return Api(sandbox, realm_id, token or sandbox.control.dev_token(realm_id))
    return make


class Receiver:
    """A tiny webhook endpoint: records raw bodies and headers; `fail_first` answers 500 that many times."""

    def __init__(self, fail_first: int = 0) -> None:
        self.fail_first = fail_first
        self.calls: list[dict] = []
        self.changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.changed:
                    failing = receiver.fail_first > 0
                    if failing:
                        receiver.fail_first -= 1
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                with receiver.changed:
                    receiver.calls.append({"body": body, "headers": {k.lower(): v for k, v in self.headers.items()},
                                           "status": 500 if failing else 200})
                    receiver.changed.notify_all()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/webhooks/quickbooks"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def successes(self) -> list[dict]:
        return [c for c in self.calls if c["status"] == 200]

    def wait_for(self, successes: int, timeout: float = 10) -> list[dict]:
        """Block until that many deliveries were answered 200 (an event wait, not a sleep)."""
        with self.changed:
            ok = self.changed.wait_for(lambda: len(self.successes()) >= successes, timeout)
            assert ok, f"expected {successes} successful deliveries, got {self.calls}"
            return list(self.calls)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def make(fail_first: int = 0) -> Receiver:
        r = Receiver(fail_first)
        made.append(r)
        return r
    yield make
    for r in made:
        r.stop()
