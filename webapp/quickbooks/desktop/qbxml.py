"""qbXML 13.0 request messages and response parsing, for QuickBooks Desktop through the Web Connector.

Inputs are plain mappings keyed by qbXML element names, e.g.::

    customer_add("q17-customer-42", {
        "Name": list_name("Customer", "Acme Roofing"),
        "CompanyName": "Acme Roofing LLC",
        "BillAddress": {"Addr1": "1 Main St", "City": "Austin", "State": "TX"},
        "TermsRef": "Net 30",                 # a str is shorthand for {"FullName": ...}
    })

Builders put children in schema order (``schema.SEQUENCES``) whatever the order of the mapping,
reject element names the schema does not have there, and refuse values longer than QuickBooks
accepts (``FieldTooLong``) instead of letting QuickBooks answer 3070 or silently cut them: callers
shorten names on purpose with ``list_name``/``fit`` (deterministic, collision-free), so a shortened
name is stable across sessions and can be looked up again.

Responses parse into ``QbxmlResponse`` objects keyed by requestID, with the Ret records as plain
dicts of strings (nested aggregates as dicts, line/applied records always as lists).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable, Mapping

from lxml import etree

from . import errors, safexml
from .schema import (ITERATOR_QUERIES, MAX_LENGTH, QBXML_VERSION, QUERY_REQUESTS, REF_ELEMENTS, REF_MAX_LENGTH,
                     REPEATABLE, REPEATED_RET_CHILDREN, REQUEST_ID_MAX, REQUIRED, SEQUENCES, WRAPPED_REQUESTS)

ON_ERROR_CONTINUE = "continueOnError"
ON_ERROR_STOP = "stopOnError"

# Amounts are sent with exactly two decimals; QuickBooks rounds anything else its own way.
_AMOUNT_FIELDS = frozenset({"Amount", "TotalAmount", "PaymentAmount", "Price", "SalesPrice", "PurchaseCost",
                            "CreditLimit", "OpenBalance", "DiscountAmount"})

# entity in the builder API -> the key of its limits in schema.MAX_LENGTH
_LIMIT_ENTITY = {"ItemService": "Item", "StandardTerms": "Terms"}


class FieldTooLong(ValueError):
    """A value exceeds a QuickBooks Desktop length limit; shorten it with list_name()/fit() first."""


# ---- names and numbers that fit Desktop's limits --------------------------------------------------

def fit(value: str, limit: int, *, keep: str = "start") -> str:
    """Return ``value`` if it fits, else a shortened form ending in a stable 4-character hash tag.

    Two different long values never shorten to the same text unless their SHA-256 tags collide
    (1 in ~10^6 for the same kept part), and the same value always shortens the same way, so a
    record keeps its QuickBooks name across sessions. ``keep="end"`` keeps the tail, which is
    where reference numbers differ ("INV-2026-000123" -> "~K3QZ000123" style).
    """
    if len(value) <= limit:
        return value
    if limit < 6:
        raise ValueError("limit too small to shorten without collisions")
    tag = base64.b32encode(hashlib.sha256(value.encode("utf-8")).digest()).decode("ascii")[:4]
    room = limit - len(tag) - 1
    if keep == "end":
        return f"{tag}~{value[-room:].lstrip()}"
    return f"{value[:room].rstrip()}~{tag}"


def list_name(entity: str, name: str) -> str:
    """A QuickBooks list Name for ``entity`` ("Customer", "Vendor", "Item", ...): trimmed, no colon
    (the FullName separator), and shortened to the entity's limit with ``fit``."""
    cleaned = " ".join(name.replace(":", "-").split())
    limit = MAX_LENGTH.get((_LIMIT_ENTITY.get(entity, entity), "Name"))
    if limit is None:
        raise ValueError(f"no Name limit known for {entity}")
    return fit(cleaned, limit)


def ref_number(entity: str, number: str) -> str:
    """A RefNumber that fits ``entity``'s limit (Invoice/CreditMemo 11, ReceivePayment/Bill 20)."""
    return fit(number.strip(), MAX_LENGTH[(entity, "RefNumber")], keep="end")


def make_request_id(*parts: object) -> str:
    """A requestID from meaningful parts ("q17", "invoice", 42), kept within the 50-character limit."""
    text = "-".join(str(p) for p in parts if p is not None and str(p) != "")
    if not text:
        raise ValueError("a requestID needs at least one part")
    return fit(text, REQUEST_ID_MAX, keep="end")


# ---- building requests ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Request:
    """One request of a message: ``<{name}Rq requestID=...>``."""

    name: str  # "CustomerAdd", "InvoiceQuery", ...
    request_id: str
    element: Any = field(repr=False, compare=False)  # the <...Rq> lxml element

    def to_xml(self) -> str:
        return etree.tostring(self.element, encoding="unicode")


def _text(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(str(value))
        if name in _AMOUNT_FIELDS:
            return str(number.quantize(Decimal("0.01")))
        text = format(number.normalize(), "f")
        return text
    if isinstance(value, str):
        return value
    raise TypeError(f"{name}: cannot send a {type(value).__name__}")


def _check_ref(name: str, value: Mapping[str, Any]) -> None:
    limit = REF_MAX_LENGTH.get(name)
    full_name = value.get("FullName")
    if limit and isinstance(full_name, str) and len(full_name) > limit:
        raise FieldTooLong(f"{name}/FullName is {len(full_name)} characters; QuickBooks allows {limit}")


def _append(parent: etree._Element, name: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, (list, tuple)):
        if name not in REPEATABLE:
            raise ValueError(f"{name} may appear only once")
        for item in value:
            _append(parent, name, item)
        return
    if name in REF_ELEMENTS and isinstance(value, str):
        value = {"FullName": value}
    child = etree.SubElement(parent, name)
    if isinstance(value, Mapping):
        if name in REF_ELEMENTS:
            _check_ref(name, value)
        _fill(child, name, value)
    else:
        child.text = _text(name, value)


def _fill(element: etree._Element, aggregate: str, fields: Mapping[str, Any]) -> None:
    """Append ``fields`` to ``element`` in the schema order of ``aggregate``."""
    order = SEQUENCES.get(aggregate)
    if order is None:
        raise ValueError(f"{aggregate} is not a known qbXML aggregate")
    position = {child: index for index, child in enumerate(order)}
    unknown = [key for key in fields if key not in position]
    if unknown:
        raise ValueError(f"{', '.join(unknown)} not allowed in {aggregate}")
    missing = REQUIRED.get(aggregate, frozenset()) - {k for k, v in fields.items() if v is not None}
    if missing:
        raise ValueError(f"{aggregate} requires {', '.join(sorted(missing))}")
    for key in sorted(fields, key=position.__getitem__):
        _append(element, key, fields[key])


def _check_lengths(entity: str, fields: Mapping[str, Any]) -> None:
    limit_entity = _LIMIT_ENTITY.get(entity, entity)
    for key, value in fields.items():
        if not isinstance(value, str):
            continue
        limit = MAX_LENGTH.get((limit_entity, key)) or MAX_LENGTH.get(("*", key))
        if limit is not None and len(value) > limit:
            raise FieldTooLong(f"{entity} {key} is {len(value)} characters; QuickBooks allows {limit}")


def _check_request_id(request_id: str) -> None:
    if not request_id or len(request_id) > REQUEST_ID_MAX:
        raise ValueError(f"requestID must be 1..{REQUEST_ID_MAX} characters")


def _wrapped(kind: str, entity: str, fields: Mapping[str, Any], request_id: str) -> Request:
    name = entity + kind
    if name not in WRAPPED_REQUESTS:
        raise ValueError(f"{name} is not supported")
    _check_request_id(request_id)
    _check_lengths(entity, fields)
    rq = etree.Element(name + "Rq", requestID=request_id)
    _fill(etree.SubElement(rq, name), name, fields)
    return Request(name, request_id, rq)


def add_request(entity: str, fields: Mapping[str, Any], request_id: str) -> Request:
    """``<{entity}AddRq>``; ``entity`` is the qbXML object name ("Customer", "ItemService", "Bill", ...)."""
    return _wrapped("Add", entity, fields, request_id)


def mod_request(entity: str, fields: Mapping[str, Any], request_id: str) -> Request:
    """``<{entity}ModRq>``; ``fields`` must carry ListID (or TxnID) and the current EditSequence."""
    key = "TxnID" if "TxnID" in SEQUENCES.get(entity + "Mod", ()) else "ListID"
    if not fields.get(key) or not fields.get("EditSequence"):
        raise ValueError(f"{entity}Mod needs {key} and EditSequence")
    return _wrapped("Mod", entity, fields, request_id)


def customer_add(request_id: str, fields: Mapping[str, Any]) -> Request:
    """A customer, or a job when ``fields`` has ParentRef (its FullName becomes ``Parent:Name``)."""
    return add_request("Customer", fields, request_id)


def customer_mod(request_id: str, fields: Mapping[str, Any]) -> Request:
    return mod_request("Customer", fields, request_id)


def vendor_add(request_id: str, fields: Mapping[str, Any]) -> Request:
    return add_request("Vendor", fields, request_id)


def vendor_mod(request_id: str, fields: Mapping[str, Any]) -> Request:
    return mod_request("Vendor", fields, request_id)


def employee_add(request_id: str, fields: Mapping[str, Any]) -> Request:
    return add_request("Employee", fields, request_id)


def employee_mod(request_id: str, fields: Mapping[str, Any]) -> Request:
    return mod_request("Employee", fields, request_id)


def sales_rep_add(request_id: str, fields: Mapping[str, Any]) -> Request:
    """Initial (<=5) plus SalesRepEntityRef naming an employee, vendor or other name."""
    return add_request("SalesRep", fields, request_id)


def sales_rep_mod(request_id: str, fields: Mapping[str, Any]) -> Request:
    return mod_request("SalesRep", fields, request_id)


def item_service_add(request_id: str, fields: Mapping[str, Any]) -> Request:
    """Needs SalesOrPurchase {Desc?, Price, AccountRef} or SalesAndPurchase {..IncomeAccountRef..}."""
    if ("SalesOrPurchase" in fields) == ("SalesAndPurchase" in fields):
        raise ValueError("ItemServiceAdd takes exactly one of SalesOrPurchase / SalesAndPurchase")
    return add_request("ItemService", fields, request_id)


def item_service_mod(request_id: str, fields: Mapping[str, Any]) -> Request:
    return mod_request("ItemService", fields, request_id)


def class_add(request_id: str, fields: Mapping[str, Any]) -> Request:
    return add_request("Class", fields, request_id)


def class_mod(request_id: str, fields: Mapping[str, Any]) -> Request:
    return mod_request("Class", fields, request_id)


def standard_terms_add(request_id: str, fields: Mapping[str, Any]) -> Request:
    return add_request("StandardTerms", fields, request_id)


def standard_terms_mod(request_id: str, fields: Mapping[str, Any]) -> Request:
    return mod_request("StandardTerms", fields, request_id)


def invoice_add(request_id: str, fields: Mapping[str, Any]) -> Request:
    """Header fields plus ``InvoiceLineAdd``: a list of {ItemRef, Desc, Quantity, Rate, ClassRef, Amount}."""
    return add_request("Invoice", fields, request_id)


def invoice_mod(request_id: str, fields: Mapping[str, Any]) -> Request:
    """``InvoiceLineMod`` lines carry TxnLineID ("-1" adds a line; lines left out are deleted by QuickBooks)."""
    return mod_request("Invoice", fields, request_id)


def credit_memo_add(request_id: str, fields: Mapping[str, Any]) -> Request:
    return add_request("CreditMemo", fields, request_id)


def credit_memo_mod(request_id: str, fields: Mapping[str, Any]) -> Request:
    """``CreditMemoLineMod`` lines carry TxnLineID ("-1" adds a line; lines left out are deleted by QuickBooks)."""
    return mod_request("CreditMemo", fields, request_id)


def receive_payment_add(request_id: str, fields: Mapping[str, Any]) -> Request:
    """``AppliedToTxnAdd``: a list of {TxnID, PaymentAmount}; or ``IsAutoApply`` (not both)."""
    if "IsAutoApply" in fields and "AppliedToTxnAdd" in fields:
        raise ValueError("ReceivePaymentAdd takes IsAutoApply or AppliedToTxnAdd, not both")
    return add_request("ReceivePayment", fields, request_id)


def receive_payment_mod(request_id: str, fields: Mapping[str, Any]) -> Request:
    """``AppliedToTxnMod``: a list of {TxnID, PaymentAmount}; when given it replaces the payment's
    applications (invoices left out are unapplied). No IsAutoApply on a Mod."""
    if "IsAutoApply" in fields:
        raise ValueError("ReceivePaymentMod has no IsAutoApply")
    return mod_request("ReceivePayment", fields, request_id)


def bill_add(request_id: str, fields: Mapping[str, Any]) -> Request:
    """``ExpenseLineAdd``: a list of {AccountRef, Amount, Memo, CustomerRef (job), ClassRef, BillableStatus}."""
    return add_request("Bill", fields, request_id)


def bill_mod(request_id: str, fields: Mapping[str, Any]) -> Request:
    """``ExpenseLineMod`` lines carry TxnLineID ("-1" adds a line; lines left out are deleted by QuickBooks)."""
    return mod_request("Bill", fields, request_id)


def query_request(entity: str, request_id: str, *,
                  list_ids: Iterable[str] = (), full_names: Iterable[str] = (),
                  txn_ids: Iterable[str] = (), ref_numbers: Iterable[str] = (),
                  max_returned: int | None = None, active_status: str | None = None,
                  from_modified: dt.datetime | dt.date | str | None = None,
                  to_modified: dt.datetime | dt.date | str | None = None,
                  name_filter: tuple[str, str] | None = None,
                  entity_filter: str | Mapping[str, Any] | None = None,
                  account_type: str | None = None,
                  include_line_items: bool | None = None,
                  include_ret_elements: Iterable[str] = (),
                  iterator: str | None = None, iterator_id: str | None = None) -> Request:
    """``<{entity}QueryRq>`` with the filters QuickBooks allows for it.

    ``list_ids``/``full_names`` (lists) or ``txn_ids``/``ref_numbers`` (transactions) exclude the
    other filters, as in the schema. Modified-date filters go straight into list queries and into
    ``ModifiedDateRangeFilter`` for transaction queries. ``iterator="Start"`` (then "Continue" with
    ``iterator_id``) is only accepted for the queries QuickBooks iterates; ``max_returned`` is
    then the page size.
    """
    name = entity + "Query"
    if name not in QUERY_REQUESTS:
        raise ValueError(f"{name} is not supported")
    _check_request_id(request_id)
    order = SEQUENCES[name]
    is_txn = "TxnID" in order
    list_ids, full_names, txn_ids, ref_numbers = map(list, (list_ids, full_names, txn_ids, ref_numbers))
    if (list_ids or full_names) and is_txn or (txn_ids or ref_numbers) and not is_txn:
        raise ValueError(f"{name}: use {'txn_ids/ref_numbers' if is_txn else 'list_ids/full_names'}")
    by_identity = bool(list_ids or full_names or txn_ids or ref_numbers)
    filters_given = any(v is not None for v in (max_returned, active_status, from_modified, to_modified,
                                                name_filter, entity_filter, account_type))
    if by_identity and (filters_given or iterator):
        raise ValueError(f"{name}: identity lists exclude filters and iterators")
    if sum(bool(x) for x in (list_ids, full_names, txn_ids, ref_numbers)) > 1:
        raise ValueError(f"{name}: choose one identity list")

    attributes = {"requestID": request_id}
    if iterator is not None:
        if name not in ITERATOR_QUERIES:
            raise ValueError(f"QuickBooks does not iterate {name}")
        if iterator not in ("Start", "Continue", "Stop"):
            raise ValueError("iterator must be Start, Continue or Stop")
        if iterator != "Start" and not iterator_id:
            raise ValueError(f"iterator={iterator} needs iterator_id")
        attributes["iterator"] = iterator
        if iterator_id:
            attributes["iteratorID"] = iterator_id

    fields: dict[str, Any] = {}
    if list_ids:
        fields["ListID"] = list_ids
    if full_names:
        fields["FullName"] = full_names
    if txn_ids:
        fields["TxnID"] = txn_ids
    if ref_numbers:
        fields["RefNumber"] = ref_numbers
    if max_returned is not None:
        if max_returned < 1:
            raise ValueError("max_returned must be positive")
        fields["MaxReturned"] = int(max_returned)
    if active_status is not None:
        if is_txn or active_status not in ("ActiveOnly", "InactiveOnly", "All"):
            raise ValueError("active_status is ActiveOnly/InactiveOnly/All on list queries")
        fields["ActiveStatus"] = active_status
    if from_modified is not None or to_modified is not None:
        dates = {k: v for k, v in (("FromModifiedDate", from_modified), ("ToModifiedDate", to_modified))
                 if v is not None}
        if is_txn:
            fields["ModifiedDateRangeFilter"] = dates
        else:
            fields.update(dates)
    if name_filter is not None:
        criterion, text = name_filter
        if criterion not in ("StartsWith", "Contains", "EndsWith"):
            raise ValueError("name_filter criterion is StartsWith/Contains/EndsWith")
        fields["NameFilter"] = {"MatchCriterion": criterion, "Name": text}
    if entity_filter is not None:
        if not is_txn:
            raise ValueError("entity_filter applies to transaction queries")
        fields["EntityFilter"] = {"FullName": entity_filter} if isinstance(entity_filter, str) else entity_filter
    if account_type is not None:
        fields["AccountType"] = account_type
    if include_line_items is not None:
        if "IncludeLineItems" not in order:
            raise ValueError(f"{name} has no IncludeLineItems")
        fields["IncludeLineItems"] = include_line_items
    if include_ret_elements:
        fields["IncludeRetElement"] = list(include_ret_elements)

    rq = etree.Element(name + "Rq", attributes)
    _fill(rq, name, fields)
    return Request(name, request_id, rq)


def continue_query(request: Request, iterator_id: str, request_id: str) -> Request:
    """The next page of an iterated query: same filters, ``iterator="Continue"``."""
    if request.name not in ITERATOR_QUERIES:
        raise ValueError(f"QuickBooks does not iterate {request.name}")
    _check_request_id(request_id)
    rq = etree.fromstring(etree.tostring(request.element))
    rq.set("requestID", request_id)
    rq.set("iterator", "Continue")
    rq.set("iteratorID", iterator_id)
    return Request(request.name, request_id, rq)


def account_query(request_id: str, **filters: Any) -> Request:
    return query_request("Account", request_id, **filters)


def class_query(request_id: str, **filters: Any) -> Request:
    return query_request("Class", request_id, **filters)


def terms_query(request_id: str, **filters: Any) -> Request:
    return query_request("Terms", request_id, **filters)


def sales_tax_code_query(request_id: str, **filters: Any) -> Request:
    return query_request("SalesTaxCode", request_id, **filters)


def item_query(request_id: str, **filters: Any) -> Request:
    return query_request("Item", request_id, **filters)


def customer_query(request_id: str, **filters: Any) -> Request:
    return query_request("Customer", request_id, **filters)


def vendor_query(request_id: str, **filters: Any) -> Request:
    return query_request("Vendor", request_id, **filters)


def employee_query(request_id: str, **filters: Any) -> Request:
    return query_request("Employee", request_id, **filters)


def sales_rep_query(request_id: str, **filters: Any) -> Request:
    return query_request("SalesRep", request_id, **filters)


def invoice_query(request_id: str, **filters: Any) -> Request:
    return query_request("Invoice", request_id, **filters)


def bill_query(request_id: str, **filters: Any) -> Request:
    return query_request("Bill", request_id, **filters)


def receive_payment_query(request_id: str, **filters: Any) -> Request:
    return query_request("ReceivePayment", request_id, **filters)


def credit_memo_query(request_id: str, **filters: Any) -> Request:
    return query_request("CreditMemo", request_id, **filters)


def version_for(major: int, minor: int) -> str | None:
    """The qbXML version to send when QBWC reports ``qbXMLMajorVers.qbXMLMinorVers``: ours (13.0)
    if QuickBooks speaks it, else None (the builders use 13.0 elements, so an older QuickBooks
    must be told to upgrade rather than sent messages it would reject)."""
    ours = tuple(int(p) for p in QBXML_VERSION.split("."))
    return QBXML_VERSION if (major, minor) >= ours else None


def build_message(requests: Iterable[Request], *, on_error: str = ON_ERROR_CONTINUE,
                  version: str = QBXML_VERSION) -> str:
    """The qbXML text QuickBooks receives: declaration, ``<?qbxml version?>`` and all ``requests``.

    ``version`` must not exceed what the Web Connector reported (qbXMLMajorVers.qbXMLMinorVers).
    """
    if on_error not in (ON_ERROR_CONTINUE, ON_ERROR_STOP):
        raise ValueError("on_error is continueOnError or stopOnError")
    requests = list(requests)
    if not requests:
        raise ValueError("a message needs at least one request")
    seen: set[str] = set()
    root = etree.Element("QBXML")
    msgs = etree.SubElement(root, "QBXMLMsgsRq", onError=on_error)
    for request in requests:
        if request.request_id in seen:
            raise ValueError(f"duplicate requestID {request.request_id!r} in one message")
        seen.add(request.request_id)
        # copy: the same Request may be sent again in a later message
        msgs.append(etree.fromstring(etree.tostring(request.element)))
    body = etree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="{version}"?>\n{body}'


# ---- parsing responses ---------------------------------------------------------------------------

@dataclass
class QbxmlResponse:
    """One ``<...Rs>`` of a response message."""

    name: str  # "CustomerAddRs"
    request_id: str
    status_code: int
    status_severity: str
    status_message: str
    records: list[dict[str, Any]] = field(default_factory=list)
    iterator_id: str | None = None
    iterator_remaining_count: int | None = None
    ret_count: int | None = None

    @property
    def ok(self) -> bool:
        """Success, including a query that matched nothing (status 1)."""
        return self.status_code in errors.SUCCESS_CODES

    @property
    def record(self) -> dict[str, Any] | None:
        return self.records[0] if self.records else None


def _element_to_dict(element: etree._Element) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for child in element:
        name = safexml.local_name(child)
        if not name:
            continue
        value: Any = _element_to_dict(child) if len(child) else (child.text or "")
        if name in REPEATED_RET_CHILDREN:
            result.setdefault(name, []).append(value)
        elif name in result:
            existing = result[name]
            result[name] = (existing if isinstance(existing, list) else [existing]) + [value]
        else:
            result[name] = value
    return result


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value not in (None, "") else None


def parse_response_message(xml: str | bytes) -> dict[str, QbxmlResponse]:
    """All responses of a qbXML response message keyed by requestID (in message order).

    A response without requestID is keyed ``"#<position>"``. Raises ``ValueError`` when the text is
    not a qbXML response (including XML with a DOCTYPE).
    """
    root = safexml.parse(xml)
    if safexml.local_name(root) != "QBXML":
        raise ValueError("not a qbXML message")
    msgs = next((c for c in root if safexml.local_name(c) == "QBXMLMsgsRs"), None)
    if msgs is None:
        raise ValueError("qbXML message has no QBXMLMsgsRs")
    responses: dict[str, QbxmlResponse] = {}
    for position, rs in enumerate(c for c in msgs if safexml.local_name(c)):
        request_id = rs.get("requestID") or f"#{position}"
        records = []
        for ret in rs:
            ret_name = safexml.local_name(ret)
            if ret_name.endswith("Ret"):
                record = _element_to_dict(ret)
                record["_type"] = ret_name
                records.append(record)
        responses[request_id] = QbxmlResponse(
            name=safexml.local_name(rs), request_id=request_id,
            status_code=int(rs.get("statusCode", "0")), status_severity=rs.get("statusSeverity", ""),
            status_message=rs.get("statusMessage", ""), records=records,
            iterator_id=rs.get("iteratorID"),
            iterator_remaining_count=_int_or_none(rs.get("iteratorRemainingCount")),
            ret_count=_int_or_none(rs.get("retCount")),
        )
    return responses


@dataclass(frozen=True)
class HostInfo:
    """What the Web Connector tells us about QuickBooks on the first sendRequestXML (strHCPResponse)."""

    product_name: str = ""
    major_version: str = ""
    minor_version: str = ""
    country: str = ""
    supported_versions: tuple[str, ...] = ()
    company_name: str = ""
    company_file: str = ""

    def supports(self, version: str) -> bool:
        def key(v: str) -> tuple[int, ...]:
            return tuple(int(p) for p in v.split(".") if p.isdigit())
        return any(key(v) >= key(version) for v in self.supported_versions)


def parse_hcp_response(xml: str | bytes) -> HostInfo | None:
    """Host/company facts from strHCPResponse; None when empty (later sendRequestXML calls)."""
    if not xml or not str(xml if isinstance(xml, str) else xml.decode("utf-8", "replace")).strip():
        return None
    responses = parse_response_message(xml)
    host: dict[str, Any] = {}
    company: dict[str, Any] = {}
    for response in responses.values():
        for record in response.records:
            if record["_type"] == "HostRet":
                host = record
            elif record["_type"] == "CompanyRet":
                company = record
    return HostInfo(
        product_name=host.get("ProductName", ""), major_version=host.get("MajorVersion", ""),
        minor_version=host.get("MinorVersion", ""), country=host.get("Country", ""),
        supported_versions=tuple(host.get("SupportedQBXMLVersion", [])),
        company_name=company.get("CompanyName", ""), company_file=company.get("CompanyFileName", ""),
    )
