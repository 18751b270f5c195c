"""The Web Connector's SOAP endpoint as a framework-free function: bytes in, (status, bytes) out.

``handle(body, soap_action, service)`` parses a SOAP envelope, calls the matching method of a
``WebConnectorService`` and wraps its result the way Intuit's WSDL says (``<xResponse><xResult>``
in http://developer.intuit.com/). The Flask view only has to pass the request body and the
SOAPAction header and copy the reply into a response; ``reply.content_type`` says which
Content-Type goes with it.

Choices (the Web Connector is strict and its errors are opaque, so the service is lenient in what
it accepts and exact in what it returns):

- The operation is the local name of the first element in ``Body``; SOAPAction (quoted, unquoted,
  or missing) is only checked against it. Parameters are matched by local name, so prefixed,
  default-namespaced and unqualified bodies all work; missing or ``<hresult />`` parameters are ``""``,
  a missing int is 0. Identifiers (ticket, user name, hresult...) are trimmed of surrounding
  whitespace; passwords, qbXML and messages are passed exactly as sent.
- SOAP 1.1 and SOAP 1.2 envelopes are both accepted; the reply uses the request's SOAP version
  (QBWC itself speaks 1.1). A request too broken to tell its version gets a SOAP 1.1 fault.
- XML is parsed by ``safexml`` (no entities, no DTD, no network); a DOCTYPE is a Client fault.
- Results are never null: ``None`` becomes ``""`` and authenticate's array items are strings.
- Faults: bad input is ``soap:Client``, an exception in the service is ``soap:Server`` with a
  generic faultstring (the exception is logged, never sent), HTTP 500 as SOAP 1.1 requires.
"""

from __future__ import annotations

import logging
from typing import Protocol, runtime_checkable

from lxml import etree

from . import safexml
from .operations import INT, NAMESPACE, OPERATIONS, STRING_ARRAY, Operation

log = logging.getLogger(__name__)

SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"
CONTENT_TYPE_11 = "text/xml; charset=utf-8"
CONTENT_TYPE_12 = "application/soap+xml; charset=utf-8"

# Bigger bodies than this are refused before parsing: a qbXML response for one page of an
# iterator is far smaller, and huge_tree is off anyway.
MAX_BODY_BYTES = 20 * 1024 * 1024


@runtime_checkable
class WebConnectorService(Protocol):
    """What the SOAP layer needs from the application. All strings in, plain values out."""

    def server_version(self) -> str: ...

    def client_version(self, str_version: str) -> str:
        """"" to proceed, "W:<msg>" to warn, "E:<msg>" to refuse, "O:<version>" to require a newer QBWC."""

    def authenticate(self, user: str, password: str) -> list[str]:
        """[ticket, "nvu" | "none" | "busy" | "" | company file path, (postpone seconds), (min run seconds)]."""

    def send_request_xml(self, ticket: str, hcp_response: str, company_file_name: str, country: str,
                         major: int, minor: int) -> str:
        """A qbXML request message, or "" when there is nothing (QBWC then calls get_last_error)."""

    def receive_response_xml(self, ticket: str, response: str, hresult: str, message: str) -> int:
        """0..99 more to do, 100 done, negative for an error (QBWC then calls get_last_error)."""

    def connection_error(self, ticket: str, hresult: str, message: str) -> str:
        """"done" to stop, or a company file path to try instead."""

    def get_last_error(self, ticket: str) -> str: ...

    def close_connection(self, ticket: str) -> str: ...

    def get_interactive_url(self, ticket: str, session_id: str) -> str: ...

    def interactive_done(self, ticket: str) -> str: ...

    def interactive_rejected(self, ticket: str, reason: str) -> str: ...


def progress_percentage(done: int, remaining: int) -> int:
    """receiveResponseXML's answer: 100 when nothing is left, otherwise 0..99 (never 100 early,
    or QBWC would end the session with work still queued)."""
    if remaining <= 0:
        return 100
    return min(99, (100 * done) // (done + remaining))


class SoapReply(tuple):
    """``(http_status, body)`` that also carries the Content-Type to send with it."""

    content_type: str

    def __new__(cls, status: int, body: bytes, content_type: str) -> "SoapReply":
        reply = super().__new__(cls, (status, body))
        reply.content_type = content_type
        return reply

    @property
    def status(self) -> int:
        return self[0]

    @property
    def body(self) -> bytes:
        return self[1]


class _ClientError(Exception):
    """The request is at fault; the message is safe to show (it never echoes input markup)."""


def _envelope(env_ns: str, payload: etree._Element) -> bytes:
    envelope = etree.Element(f"{{{env_ns}}}Envelope", nsmap={"soap": env_ns,
                                                             "xsi": "http://www.w3.org/2001/XMLSchema-instance",
                                                             "xsd": "http://www.w3.org/2001/XMLSchema"})
    etree.SubElement(envelope, f"{{{env_ns}}}Body").append(payload)
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")


def _content_type(env_ns: str) -> str:
    return CONTENT_TYPE_12 if env_ns == SOAP12_ENV else CONTENT_TYPE_11


def fault(code: str, message: str, env_ns: str = SOAP11_ENV) -> SoapReply:
    """A SOAP Fault reply. ``code`` is "Client" or "Server" (SOAP 1.2: Sender/Receiver)."""
    if env_ns == SOAP12_ENV:
        payload = etree.Element(f"{{{env_ns}}}Fault")
        code_el = etree.SubElement(payload, f"{{{env_ns}}}Code")
        etree.SubElement(code_el, f"{{{env_ns}}}Value").text = "soap:" + ("Sender" if code == "Client" else "Receiver")
        reason = etree.SubElement(payload, f"{{{env_ns}}}Reason")
        text = etree.SubElement(reason, f"{{{env_ns}}}Text")
        text.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
        text.text = message
    else:
        payload = etree.Element(f"{{{env_ns}}}Fault")
        # faultcode/faultstring are unqualified in SOAP 1.1
        etree.SubElement(payload, "faultcode").text = "soap:" + code
        etree.SubElement(payload, "faultstring").text = message
    return SoapReply(500, _envelope(env_ns, payload), _content_type(env_ns))


def _operation_from_action(soap_action: str | None) -> str | None:
    if soap_action is None:
        return None
    action = soap_action.strip().strip('"').strip("'").strip()
    if not action:
        return None
    return action.rstrip("/").rsplit("/", 1)[-1]


def _parse_envelope(body: bytes) -> tuple[str, etree._Element]:
    if len(body) > MAX_BODY_BYTES:
        raise _ClientError("Request too large")
    try:
        root = safexml.parse(body)
    except safexml.UnsafeXmlError:
        raise _ClientError("DTDs and entity declarations are not allowed") from None
    except safexml.MalformedXmlError:
        raise _ClientError("Request is not well-formed XML") from None
    env_ns = etree.QName(root).namespace
    if safexml.local_name(root) != "Envelope" or env_ns not in (SOAP11_ENV, SOAP12_ENV):
        raise _ClientError("Not a SOAP envelope")
    return env_ns, root


def _parse_call(root: etree._Element, env_ns: str, soap_action: str | None) -> tuple[Operation, dict[str, str]]:
    soap_body = next((c for c in root if safexml.local_name(c) == "Body"
                      and etree.QName(c).namespace == env_ns), None)
    if soap_body is None:
        raise _ClientError("SOAP envelope has no Body")
    call = next((c for c in soap_body if safexml.local_name(c)), None)
    if call is None:
        raise _ClientError("SOAP Body is empty")
    name = safexml.local_name(call)
    operation = OPERATIONS.get(name)
    if operation is None:
        raise _ClientError("Unknown operation")
    call_ns = etree.QName(call).namespace
    if call_ns not in (None, NAMESPACE):
        raise _ClientError("Operation is not in the http://developer.intuit.com/ namespace")
    action = _operation_from_action(soap_action)
    if action is not None and action != name:
        raise _ClientError("SOAPAction does not match the operation in the Body")
    values: dict[str, str] = {}
    for child in call:
        key = safexml.local_name(child)
        if key:
            # Text only: a parameter is a string; markup inside it would have arrived escaped.
            values[key] = "".join(child.itertext())
    return operation, values


# Identifiers and codes lose surrounding whitespace (pretty-printed envelopes put newlines around
# them); passwords, qbXML and messages are passed exactly as sent.
_TRIMMED = frozenset({"ticket", "wcTicket", "sessionID", "strUserName", "strVersion", "hresult", "qbXMLCountry"})


def _arguments(operation: Operation, values: dict[str, str]) -> list[object]:
    arguments: list[object] = []
    for param, kind in operation.params:
        raw = values.get(param, "")
        if param in _TRIMMED:
            raw = raw.strip()
        if kind == INT:
            try:
                arguments.append(int(raw.strip()) if raw.strip() else 0)
            except ValueError:
                raise _ClientError(f"{param} must be an integer") from None
        else:
            arguments.append(raw)
    return arguments


def _result_element(operation: Operation, result: object) -> etree._Element:
    response = etree.Element(f"{{{NAMESPACE}}}{operation.name}Response", nsmap={None: NAMESPACE})
    result_el = etree.SubElement(response, f"{{{NAMESPACE}}}{operation.name}Result")
    if operation.result == STRING_ARRAY:
        for item in list(result or []):
            etree.SubElement(result_el, f"{{{NAMESPACE}}}string").text = "" if item is None else str(item)
    elif operation.result == INT:
        result_el.text = str(int(result))  # type: ignore[arg-type]
    else:
        result_el.text = "" if result is None else str(result)
    return response


def handle(body: bytes, soap_action: str | None, service: WebConnectorService) -> SoapReply:
    """Answer one SOAP POST. Never raises; every failure is a SOAP Fault with HTTP 500."""
    try:
        env_ns, root = _parse_envelope(body or b"")
    except _ClientError as exc:
        return fault("Client", str(exc))
    try:
        operation, values = _parse_call(root, env_ns, soap_action)
        arguments = _arguments(operation, values)
    except _ClientError as exc:
        return fault("Client", str(exc), env_ns)
    try:
        result = getattr(service, operation.method)(*arguments)
        payload = _result_element(operation, result)
    except Exception:  # the service's bug must not reach QBWC as a traceback (QBWC1042)
        log.exception("Web Connector %s failed", operation.name)
        return fault("Server", "The server could not process the request", env_ns)
    return SoapReply(200, _envelope(env_ns, payload), _content_type(env_ns))
