"""Message-level checks QuickBooks makes before running anything.

QuickBooks validates a request message against the qbXML schema first; any violation (unknown
element, wrong order, missing required child, iterator on a query that has none, bad envelope)
fails the *whole* message, and the Web Connector reports hresult 0x80040400 instead of a
response. The order and required children come from the same ``schema`` module the builders use.
"""

from __future__ import annotations

from lxml import etree

from webapp.quickbooks.desktop import errors, safexml
from webapp.quickbooks.desktop.schema import (ITERATOR_QUERIES, QUERY_REQUESTS, REPEATABLE, REQUIRED, SEQUENCES,
                                              WRAPPED_REQUESTS)

SUPPORTED_VERSIONS = ("13.0",)


class MessageRejected(Exception):
    """The message as a whole failed; QBWC passes ``hresult``/``message`` to receiveResponseXML."""

    def __init__(self, hresult: str, message: str, detail: str = "") -> None:
        super().__init__(f"{hresult}: {message} {detail}".strip())
        self.hresult = hresult
        self.message = message
        self.detail = detail


def _reject(detail: str) -> MessageRejected:
    return MessageRejected(errors.HRESULT_PARSE_ERROR, errors.HRESULT_MESSAGES[errors.HRESULT_PARSE_ERROR], detail)


def _check_aggregate(element: etree._Element, aggregate: str) -> None:
    order = SEQUENCES[aggregate]
    position = {name: index for index, name in enumerate(order)}
    last = -1
    seen: set[str] = set()
    for child in element:
        name = safexml.local_name(child)
        if not name:
            continue
        if name not in position:
            raise _reject(f"element {name} is not allowed in {aggregate}")
        index = position[name]
        if index < last:
            raise _reject(f"element {name} is out of order in {aggregate}")
        if name in seen and name not in REPEATABLE:
            raise _reject(f"element {name} may appear only once in {aggregate}")
        last = index
        seen.add(name)
        if name in SEQUENCES:
            _check_aggregate(child, name)
        elif len(child):
            raise _reject(f"element {name} cannot contain elements")
    missing = REQUIRED.get(aggregate, frozenset()) - seen
    if missing:
        raise _reject(f"{aggregate} lacks {', '.join(sorted(missing))}")


def parse_request_message(xml: str | bytes) -> tuple[str, list[tuple[str, etree._Element]]]:
    """Return (onError, [(request name, <...Rq> element)]) or raise MessageRejected."""
    try:
        root = safexml.parse(xml)
    except ValueError as exc:
        raise _reject(str(exc)) from None
    version = None
    node = root.getprevious()
    while node is not None:
        if isinstance(node, etree._ProcessingInstruction) and node.target == "qbxml":
            version = (node.get("version") or "").strip()
        node = node.getprevious()
    if version is None:
        raise _reject("missing <?qbxml version?>")
    if version not in SUPPORTED_VERSIONS:
        raise _reject(f"unsupported qbXML version {version}")
    if root.tag != "QBXML":
        raise _reject("root element must be QBXML")
    msgs = [c for c in root if safexml.local_name(c)]
    if len(msgs) != 1 or msgs[0].tag != "QBXMLMsgsRq":
        raise _reject("QBXML must contain one QBXMLMsgsRq")
    on_error = msgs[0].get("onError")
    if on_error not in ("continueOnError", "stopOnError"):
        raise _reject("onError must be continueOnError or stopOnError")
    requests = []
    for rq in msgs[0]:
        tag = safexml.local_name(rq)
        if not tag:
            continue
        if not tag.endswith("Rq"):
            raise _reject(f"{tag} is not a request")
        name = tag[:-2]
        if name in WRAPPED_REQUESTS:
            body = [c for c in rq if safexml.local_name(c)]
            if len(body) != 1 or body[0].tag != name:
                raise _reject(f"{tag} must contain exactly one {name}")
            _check_aggregate(body[0], name)
        elif name in QUERY_REQUESTS:
            if (rq.get("iterator") or rq.get("iteratorID")) and name not in ITERATOR_QUERIES:
                raise _reject(f"{tag} does not accept iterator attributes")
            if rq.get("iterator") not in (None, "Start", "Continue", "Stop"):
                raise _reject("iterator must be Start, Continue or Stop")
            _check_aggregate(rq, name)
        else:
            raise _reject(f"unknown request {tag}")
        requests.append((name, rq))
    return on_error, requests
