"""Fixtures for the QuickBooks Desktop protocol layers: a simulated company, an in-memory Web
Connector service, and a real HTTP server (werkzeug in a thread) that serves it over SOAP."""

from __future__ import annotations

import secrets
import threading
from typing import Any, Iterator

import pytest
import zeep
from flask import Flask, Response, request
from werkzeug.serving import make_server

from sandbox.desktop.clock import ManualClock
from sandbox.desktop.company import DesktopCompany
from webapp.quickbooks.desktop import soap
from webapp.quickbooks.desktop.wsdl import wsdl


class InMemoryService:
    """A WebConnectorService over a list of qbXML messages; enough behaviour to drive every branch."""

    def __init__(self, *, users: dict[str, str] | None = None, messages: list[str] | None = None) -> None:
        self.users = users if users is not None else {"acme-qbwc": "s3cret"}
        self.messages = list(messages or [])
        self.company_file = ""  # authenticate[1]: "" = the open company file
        self.client_version_answer = ""
        self.busy = False
        self.noops_before_work = 0
        self.connection_error_answer = "done"
        self.stop_on_hresult = True
        self.fail_in: set[str] = set()  # method names that raise, to prove faults hide the exception
        self.tickets: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.responses: list[str] = []
        self.hresults: list[tuple[str, str]] = []
        self.hcp_responses: list[str] = []

    def _log(self, method: str, *args: Any) -> None:
        self.calls.append((method, args))
        if method in self.fail_in:
            raise RuntimeError(f"secret internal detail from {method}")

    def server_version(self) -> str:
        self._log("server_version")
        return "Contractors Cloud QBWC test 1.0"

    def client_version(self, str_version: str) -> str:
        self._log("client_version", str_version)
        return self.client_version_answer

    def authenticate(self, user: str, password: str) -> list[str]:
        self._log("authenticate", user, password)
        ticket = secrets.token_hex(16)
        if self.users.get(user) != password:
            return [ticket, "nvu"]
        if self.busy:
            return [ticket, "busy"]
        if not self.messages and not self.noops_before_work:
            return [ticket, "none"]
        self.tickets[ticket] = {"done": 0, "last_error": ""}
        return [ticket, self.company_file, None]  # None must go out as "" (never a null item)

    def send_request_xml(self, ticket: str, hcp_response: str, company_file_name: str, country: str,
                         major: int, minor: int) -> str:
        self._log("send_request_xml", ticket, bool(hcp_response), company_file_name, country, major, minor)
        session = self.tickets.get(ticket)
        if session is None:
            return ""
        if hcp_response:
            self.hcp_responses.append(hcp_response)
        if self.noops_before_work:
            self.noops_before_work -= 1
            session["last_error"] = "NoOp"
            return ""
        if not self.messages:
            session["last_error"] = "Nothing left to send"
            return ""
        return self.messages[0]

    def receive_response_xml(self, ticket: str, response: str, hresult: str, message: str) -> int:
        self._log("receive_response_xml", ticket, response, hresult, message)
        session = self.tickets[ticket]
        self.messages.pop(0)
        if hresult:
            self.hresults.append((hresult, message))
            session["last_error"] = f"QuickBooks rejected the request: {hresult} {message}"
            if self.stop_on_hresult:
                return -1
        else:
            self.responses.append(response)
        session["done"] += 1
        left = len(self.messages)
        return 100 if not left else min(99, 100 * session["done"] // (session["done"] + left))

    def connection_error(self, ticket: str, hresult: str, message: str) -> str:
        self._log("connection_error", ticket, hresult, message)
        return self.connection_error_answer

    def get_last_error(self, ticket: str) -> str:
        self._log("get_last_error", ticket)
        session = self.tickets.get(ticket)
        return session["last_error"] if session else "Unknown ticket"

    def close_connection(self, ticket: str) -> str:
        self._log("close_connection", ticket)
        self.tickets.pop(ticket, None)
        return f"OK: {len(self.responses)} response(s) received"

    def get_interactive_url(self, ticket: str, session_id: str) -> str:
        self._log("get_interactive_url", ticket, session_id)
        return ""

    def interactive_done(self, ticket: str) -> str:
        self._log("interactive_done", ticket)
        return "Done"

    def interactive_rejected(self, ticket: str, reason: str) -> str:
        self._log("interactive_rejected", ticket, reason)
        return "Interactive mode declined: " + reason

    @property
    def methods(self) -> list[str]:
        return [name for name, _ in self.calls]


class _ServiceHolder:
    service: Any = None


def _make_app(holder: _ServiceHolder) -> Flask:
    app = Flask("qbwc-test")

    @app.route("/qbwc", methods=["GET", "POST"])
    def qbwc() -> Response:
        if request.method == "GET":
            if "wsdl" not in {k.lower() for k in request.args}:
                return Response("Use ?wsdl", status=404)
            return Response(wsdl(request.base_url), content_type="text/xml; charset=utf-8")
        reply = soap.handle(request.get_data(), request.headers.get("SOAPAction"), holder.service)
        status, body = reply
        return Response(body, status=status, content_type=reply.content_type)

    return app


@pytest.fixture(scope="session")
def _server() -> Iterator[tuple[str, _ServiceHolder]]:
    holder = _ServiceHolder()
    server = make_server("127.0.0.1", 0, _make_app(holder), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/qbwc", holder
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture()
def service(_server: tuple[str, _ServiceHolder]) -> InMemoryService:
    _, holder = _server
    holder.service = InMemoryService()
    return holder.service


@pytest.fixture()
def service_url(_server: tuple[str, _ServiceHolder], service: InMemoryService) -> str:
    return _server[0]


@pytest.fixture(scope="session")
def _zeep_client(_server: tuple[str, _ServiceHolder]) -> zeep.Client:
    return zeep.Client(_server[0] + "?wsdl")


@pytest.fixture()
def qbwc(_zeep_client: zeep.Client, service: InMemoryService) -> Any:
    return _zeep_client.service


@pytest.fixture()
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture()
def qbd_company(tmp_path, clock: ManualClock) -> DesktopCompany:
    return DesktopCompany(tmp_path / "qbd_company.sqlite", clock=clock)
