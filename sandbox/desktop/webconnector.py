"""A Web Connector (QBWC) stand-in: reads a .qwc and runs QBWC's SOAP call sequence with zeep.

    report = run_session(Path("company.qwc"), "secret", DesktopCompany("instance/qbd/demo.sqlite"))

The sequence is QBWC's: serverVersion -> clientVersion("2.3.0.215") -> authenticate -> open the
company file (connectionError when it cannot) -> { sendRequestXML -> QuickBooks -> receiveResponseXML }
until 100 or a negative percentage (then getLastError) -> closeConnection. Like QBWC it sends the
host/company/preferences (HCP) response on the first sendRequestXML only, turns a message QuickBooks
rejects into receiveResponseXML(response="", hresult, message), and on "" from sendRequestXML asks
getLastError ("NoOp": wait 5 s and ask again).

Choices where QBWC's behaviour is not documented (UNCONFIRMED, kept here):
- authenticate "nvu" or "busy": the session stops without further calls; "none": closeConnection.
- connectionError answering a path: open that file instead, at most ``max_connection_retries`` times.
- a ``drop_response`` fault in the company: QuickBooks applied the message but QBWC never delivers
  the response, so the session ends there (no receiveResponseXML, no closeConnection), as when the
  connection dies.
- a SOAP fault or transport error from the service ends the session (QBWC shows the error).
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

import requests
import zeep
from zeep.exceptions import Error as ZeepError
from zeep.transports import Transport

from webapp.quickbooks.desktop.operations import NAMESPACE, PORT_NAME
from webapp.quickbooks.desktop.qwc import QwcConfig, parse_qwc

from .company import CompanyUnavailable, DesktopCompany, MessageRejected, ResponseLost

QBWC_VERSION = "2.3.0.215"
NOOP_WAIT_SECONDS = 5.0


@dataclass
class Call:
    method: str
    sent: dict[str, Any]
    received: Any


@dataclass
class SessionReport:
    app_name: str
    app_url: str
    user_name: str
    calls: list[Call] = field(default_factory=list)
    server_version: str | None = None
    client_version_answer: str | None = None
    ticket: str | None = None
    auth_status: str | None = None  # authenticate()[1]: "nvu", "none", "busy", "" or a company file path
    requests_processed: int = 0  # qbXML messages QuickBooks ran
    responses_delivered: int = 0  # receiveResponseXML calls carrying a response
    rejected_messages: int = 0  # messages QuickBooks refused (hresult passed to receiveResponseXML)
    dropped_responses: int = 0
    last_percentage: int | None = None
    final_message: str | None = None  # closeConnection's answer
    errors: list[str] = field(default_factory=list)
    completed: bool = False  # the session reached closeConnection

    @property
    def methods(self) -> list[str]:
        return [c.method for c in self.calls]

    @property
    def ok(self) -> bool:
        return self.completed and not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "methods": self.methods, "ok": self.ok}

    def summary(self) -> str:
        state = "completed" if self.completed else "stopped"
        text = (f"{self.app_name}: session {state}; {self.requests_processed} request message(s) processed, "
                f"{self.responses_delivered} response(s) delivered")
        if self.final_message:
            text += f"; server says: {self.final_message}"
        if self.errors:
            text += "; errors: " + " | ".join(self.errors)
        return text


class _Stop(Exception):
    """End the session here (the reason is already in the report)."""


def _wsdl_url(app_url: str) -> str:
    return app_url + ("&wsdl" if "?" in app_url else "?wsdl")


def _strings(value: Any) -> list[str]:
    """authenticate's ArrayOfString as zeep returns it (an object with .string, or a list)."""
    if value is None:
        return []
    items = getattr(value, "string", value)
    if isinstance(items, dict):
        items = items.get("string", [])
    return ["" if item is None else str(item) for item in (items or [])]


class _Session:
    def __init__(self, config: QwcConfig, company: DesktopCompany, report: SessionReport, *,
                 timeout: float, http: requests.Session | None) -> None:
        self.config = config
        self.company = company
        self.report = report
        transport = Transport(session=http or requests.Session(), timeout=timeout, operation_timeout=timeout)
        settings = zeep.Settings(strict=False, xml_huge_tree=False)
        try:
            client = zeep.Client(_wsdl_url(config.app_url), transport=transport, settings=settings)
            # QBWC posts to AppURL whatever address the WSDL advertises.
            self.service = client.create_service(f"{{{NAMESPACE}}}{PORT_NAME}", config.app_url)
        except (ZeepError, requests.RequestException, OSError) as exc:
            report.errors.append(f"Could not load the web service description: {exc}")
            raise _Stop from None

    def call(self, method: str, **params: Any) -> Any:
        shown = {k: ("<masked>" if k == "strPassword" else v) for k, v in params.items()}
        try:
            received = getattr(self.service, method)(**params)
        except (ZeepError, requests.RequestException, OSError) as exc:
            self.report.calls.append(Call(method, shown, None))
            self.report.errors.append(f"{method} failed: {exc}")
            raise _Stop from None
        self.report.calls.append(Call(method, shown, received if method != "authenticate" else _strings(received)))
        return received


def run_session(qwc: str | Path | QwcConfig, password: str, company: DesktopCompany, *,
                client_version: str = QBWC_VERSION, country: str = "US", qbxml_version: tuple[int, int] = (13, 0),
                wait: Callable[[float], None] = time.sleep, max_exchanges: int = 500, max_noops: int = 20,
                max_connection_retries: int = 3, timeout: float = 60.0,
                http: requests.Session | None = None) -> SessionReport:
    """Run one Web Connector session for the application in ``qwc`` against ``company``."""
    config = qwc if isinstance(qwc, QwcConfig) else parse_qwc(qwc)
    report = SessionReport(config.app_name, config.app_url, config.user_name)
    try:
        session = _Session(config, company, report, timeout=timeout, http=http)
        _converse(session, password, client_version=client_version, country=country, qbxml_version=qbxml_version,
                  wait=wait, max_exchanges=max_exchanges, max_noops=max_noops,
                  max_connection_retries=max_connection_retries)
    except _Stop:
        pass
    return report


def _converse(session: _Session, password: str, *, client_version: str, country: str,
              qbxml_version: tuple[int, int], wait: Callable[[float], None], max_exchanges: int, max_noops: int,
              max_connection_retries: int) -> None:
    report, company, call = session.report, session.company, session.call
    report.server_version = call("serverVersion") or ""
    answer = call("clientVersion", strVersion=client_version) or ""
    report.client_version_answer = answer
    if answer.startswith(("E:", "O:")):
        report.errors.append(f"The web service refused this Web Connector version: {answer}")
        raise _Stop
    auth = _strings(call("authenticate", strUserName=session.config.user_name, strPassword=password))
    if len(auth) < 2:
        report.errors.append("authenticate returned fewer than two strings")
        raise _Stop
    report.ticket, report.auth_status = ticket, status = auth[0], auth[1]
    if status == "nvu":
        report.errors.append("The web service rejected the user name or password (nvu)")
        raise _Stop
    if status == "busy":
        report.errors.append("The web service is busy with another session for this company (busy)")
        raise _Stop
    if status == "none":
        report.final_message = call("closeConnection", ticket=ticket) or ""
        report.completed = True
        return

    file_name = status  # "" means the company file already open in QuickBooks
    for attempt in range(max_connection_retries + 1):
        try:
            company.open(file_name)
            break
        except CompanyUnavailable as exc:
            answer = call("connectionError", ticket=ticket, hresult=exc.hresult, message=exc.message) or ""
            if answer == "done" or attempt == max_connection_retries:
                report.errors.append(f"QuickBooks could not open the company file: {exc.hresult} {exc.message}")
                report.final_message = call("closeConnection", ticket=ticket) or ""
                report.completed = True
                return
            file_name = answer
    opened_file = file_name or company.file_name

    hcp = company.hcp_response()
    noops = 0
    for _ in range(max_exchanges):
        request = call("sendRequestXML", ticket=ticket, strHCPResponse=hcp, strCompanyFileName=opened_file,
                       qbXMLCountry=country, qbXMLMajorVers=qbxml_version[0], qbXMLMinorVers=qbxml_version[1]) or ""
        hcp = ""  # QBWC sends the host/company/preferences answer on the first call only
        if not request.strip():
            last_error = call("getLastError", ticket=ticket) or ""
            if last_error == "NoOp" and noops < max_noops:
                noops += 1
                wait(NOOP_WAIT_SECONDS)
                continue
            if last_error == "Interactive mode":
                report.errors.append("The web service asked for interactive mode, which the simulator does not offer")
            elif last_error != "NoOp":
                # QBWC shows this text as the reason the session ended
                report.errors.append(last_error or "sendRequestXML returned no request and no error text")
            else:
                report.errors.append(f"Still NoOp after {max_noops} waits")
            break
        try:
            response = company.process(request)
        except MessageRejected as exc:
            report.rejected_messages += 1
            percent = call("receiveResponseXML", ticket=ticket, response="", hresult=exc.hresult, message=exc.message)
        except ResponseLost:
            report.requests_processed += 1
            report.dropped_responses += 1
            report.errors.append("The response was lost after QuickBooks applied the request")
            raise _Stop from None
        else:
            report.requests_processed += 1
            report.responses_delivered += 1
            percent = call("receiveResponseXML", ticket=ticket, response=response, hresult="", message="")
        percent = int(percent if percent is not None else -1)
        report.last_percentage = percent
        if percent < 0:
            message = call("getLastError", ticket=ticket) or ""
            report.errors.append(message or f"receiveResponseXML returned {percent}")
            break
        if percent >= 100:
            break
    else:
        report.errors.append(f"Stopped after {max_exchanges} exchanges without reaching 100%")
    report.final_message = call("closeConnection", ticket=ticket) or ""
    report.completed = True


def run_from_paths(qwc_path: str | Path, password: str, company_path: str | Path, **options: Any) -> SessionReport:
    """Entry point for ``flask sandbox webconnector run``: a .qwc file, its password, a company file."""
    return run_session(Path(qwc_path), password, DesktopCompany(company_path), **options)


def run_on_schedule(qwc: str | Path | QwcConfig, password: str, company: DesktopCompany, stop: threading.Event,
                    *, on_report: Callable[[SessionReport], None] | None = None,
                    default_minutes: int = 5, **options: Any) -> None:
    """Run a session every Scheduler/RunEveryNMinutes of the .qwc until ``stop`` is set (QBWC's auto-run)."""
    config = qwc if isinstance(qwc, QwcConfig) else parse_qwc(qwc)
    interval = 60.0 * (config.run_every_n_minutes or default_minutes)
    while not stop.is_set():
        report = run_session(config, password, company, wait=lambda s: stop.wait(s), **options)
        if on_report:
            on_report(report)
        stop.wait(interval)
