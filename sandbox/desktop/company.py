"""A simulated QuickBooks Desktop company file that answers qbXML request messages like QuickBooks.

    company = DesktopCompany("instance/qbd/demo.sqlite")      # created and seeded on first use
    response_xml = company.process(request_xml)               # or raises MessageRejected / ResponseLost

What it imitates: ListID/TxnID/EditSequence/TimeCreated/TimeModified, ``Customer:Job`` FullNames,
names unique across customers, vendors, employees and other names (3100), invalid references
(3140), stale EditSequence (3200), missing objects (3120), query statuses 0/1/500, continueOnError
vs stopOnError, iterators, modified-date filters, payments reducing invoice balances, and a
message-level 0x80040400 for anything the schema rejects (order, unknown element, missing child).

Injectable faults (persisted with the company, so another process's Web Connector sees them):
``lock`` (next N writes answer 3170/3175/3176/3180 without applying), ``drop_response`` (the
next message is applied but its response never reaches the service), ``concurrent_edit`` (before
the next N Mods someone else saves the record, so the Mod meets 3200), ``cannot_open`` (the next N
attempts to open the company fail; the Web Connector goes down the connectionError path).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Callable

from lxml import etree

from webapp.quickbooks.desktop import errors

from . import lists, transactions
from .book import Book, format_time
from .clock import SystemClock
from .fields import element_fields
from .queries import LIST_QUERIES, TXN_QUERIES, run_query, with_computed_fields
from .render import response_message, ret_element
from .seed import DEFAULT_COMPANY_NAME, DEFAULT_FILE_NAME, seed
from .status import StatusError
from .store import StateStore
from .validation import MessageRejected, parse_request_message

__all__ = ["DesktopCompany", "MessageRejected", "ResponseLost", "CompanyUnavailable", "FAULT_KINDS"]

FAULT_KINDS = ("lock", "drop_response", "concurrent_edit", "cannot_open")

PRODUCT_NAME = "QuickBooks Enterprise Solutions: Contractor 24.0"
SUPPORTED_QBXML = ("1.0", "1.1", "2.0", "2.1", "3.0", "4.0", "4.1", "5.0", "6.0", "7.0", "8.0", "9.0", "10.0",
                   "11.0", "12.0", "13.0")


class ResponseLost(Exception):
    """The message was applied but its response never made it back (the ``drop_response`` fault)."""

    def __init__(self, response_xml: str) -> None:
        super().__init__("the response was lost after QuickBooks applied the request")
        self.response_xml = response_xml


class CompanyUnavailable(Exception):
    """QuickBooks could not open the company file; QBWC calls connectionError with these values."""

    def __init__(self, hresult: str, message: str) -> None:
        super().__init__(f"{hresult}: {message}")
        self.hresult = hresult
        self.message = message


def _status_attributes(request_id: str | None, code: int, message: str) -> dict[str, str]:
    attributes = {"statusCode": str(code), "statusSeverity": errors.severity(code), "statusMessage": message}
    if request_id is not None:
        attributes = {"requestID": request_id, **attributes}
    return attributes


class DesktopCompany:
    def __init__(self, path: str | Path, *, clock: Any = None, file_name: str = DEFAULT_FILE_NAME,
                 company_name: str = DEFAULT_COMPANY_NAME) -> None:
        self.store = StateStore(path)
        self.clock = clock or SystemClock()
        if not self.store.exists():
            self.reset(file_name=file_name, company_name=company_name)

    # ---- lifecycle ----------------------------------------------------------------------------
    def reset(self, *, file_name: str | None = None, company_name: str | None = None) -> None:
        """Back to the seeded company (keeps the file name unless another is given)."""
        current = self.store.read() if self.store.exists() else {}
        doc = Book.new_doc(file_name or current.get("file_name", DEFAULT_FILE_NAME),
                           company_name or current.get("company_name", DEFAULT_COMPANY_NAME))
        seed(Book(doc, self.clock.now()))
        self.store.write(doc)

    @property
    def file_name(self) -> str:
        return self.store.read()["file_name"]

    @property
    def company_name(self) -> str:
        return self.store.read()["company_name"]

    def open(self, file_name: str = "") -> None:
        """What QBWC does after authenticate: open ``file_name`` ("" = the file already open)."""
        with self.store.transaction() as doc:
            # consumed in a committed transaction: raising inside it would roll the count back
            failing = self._consume_fault(doc, "cannot_open") is not None
            current_file = doc["file_name"]
        if failing:
            raise CompanyUnavailable(errors.HRESULT_COULD_NOT_START_QB,
                                     errors.HRESULT_MESSAGES[errors.HRESULT_COULD_NOT_START_QB])
        if file_name and file_name.lower() != current_file.lower():
            raise CompanyUnavailable(errors.HRESULT_COMPANY_FILE_MISMATCH,
                                     errors.HRESULT_MESSAGES[errors.HRESULT_COMPANY_FILE_MISMATCH])

    # ---- faults -------------------------------------------------------------------------------
    def inject_fault(self, kind: str, count: int = 1, *, status_code: int | None = None) -> None:
        if kind not in FAULT_KINDS:
            raise ValueError(f"fault kind is one of {FAULT_KINDS}")
        if kind == "lock":
            status_code = status_code or errors.COULD_NOT_LOCK
            if status_code not in errors.LOCK_CODES:
                raise ValueError("a lock fault answers 3170, 3175, 3176 or 3180")
        with self.store.transaction() as doc:
            doc["faults"].append({"kind": kind, "remaining": count, "status_code": status_code})

    def pending_faults(self) -> list[dict[str, Any]]:
        return [f for f in self.store.read()["faults"] if f["remaining"] > 0]

    def clear_faults(self) -> None:
        with self.store.transaction() as doc:
            doc["faults"] = []

    @staticmethod
    def _consume_fault(doc: dict[str, Any], kind: str) -> dict[str, Any] | None:
        for fault in doc["faults"]:
            if fault["kind"] == kind and fault["remaining"] > 0:
                fault["remaining"] -= 1
                doc["faults"] = [f for f in doc["faults"] if f["remaining"] > 0]
                return fault
        return None

    # ---- inspection and outside edits -----------------------------------------------------------
    def records(self, kind: str) -> list[dict[str, Any]]:
        """A snapshot of one list or transaction type ("Customer", "Invoice", ...), as Ret-shaped dicts."""
        book = Book(self.store.read(), self.clock.now())
        return [with_computed_fields(book, kind, r) for r in book.records(kind).values()]

    def find(self, identifier: str) -> dict[str, Any] | None:
        book = Book(self.store.read(), self.clock.now())
        found = book.find(identifier)
        return with_computed_fields(book, found[0], found[1]) if found else None

    def find_by_name(self, kind: str, full_name: str) -> dict[str, Any] | None:
        book = Book(self.store.read(), self.clock.now())
        record = book.by_full_name(kind, full_name)
        return with_computed_fields(book, kind, record) if record else None

    def edit(self, identifier: str, **fields: Any) -> dict[str, Any]:
        """A change a QuickBooks user makes at the desk: new EditSequence and TimeModified, FullNames
        of jobs/sub-items follow a renamed parent. Raises KeyError for an unknown id, StatusError
        (e.g. 3100) when QuickBooks would refuse the change."""
        with self.store.transaction() as doc:
            book = Book(doc, self.clock.now())
            found = book.find(identifier)
            if found is None:
                raise KeyError(identifier)
            kind, record = found
            text = {k: ("true" if v is True else "false" if v is False else str(v)) for k, v in fields.items()}
            if kind in lists.LIST_KINDS_WITH_NAMES:
                lists.apply_outside_edit(book, kind, record, text)
            else:
                record.update(text)
                book.touch(record)
            return copy.deepcopy(record)

    # ---- the Web Connector's view ---------------------------------------------------------------
    def hcp_response(self) -> str:
        """strHCPResponse as QBWC sends it on the first sendRequestXML: host, company and preferences."""
        doc = self.store.read()
        host = etree.Element("HostQueryRs", _status_attributes(None, 0, "Status OK"))
        host.append(self._host_ret())
        company = etree.Element("CompanyQueryRs", _status_attributes(None, 0, "Status OK"))
        company.append(self._company_ret(doc))
        preferences = etree.Element("PreferencesQueryRs", _status_attributes(None, 0, "Status OK"))
        prefs = etree.SubElement(preferences, "PreferencesRet")
        etree.SubElement(etree.SubElement(prefs, "AccountingPreferences"), "IsUsingClassTracking").text = "true"
        return response_message([host, company, preferences])

    @staticmethod
    def _host_ret() -> etree._Element:
        host = etree.Element("HostRet")
        for key, value in (("ProductName", PRODUCT_NAME), ("MajorVersion", "34"), ("MinorVersion", "0"),
                           ("Country", "US")):
            etree.SubElement(host, key).text = value
        for version in SUPPORTED_QBXML:
            etree.SubElement(host, "SupportedQBXMLVersion").text = version
        etree.SubElement(host, "IsAutomaticLogin").text = "false"
        etree.SubElement(host, "QBFileMode").text = "SingleUser"
        return host

    @staticmethod
    def _company_ret(doc: dict[str, Any]) -> etree._Element:
        company = etree.Element("CompanyRet")
        etree.SubElement(company, "IsSampleCompany").text = "false"
        etree.SubElement(company, "CompanyName").text = doc["company_name"]
        etree.SubElement(company, "LegalCompanyName").text = doc["company_name"]
        etree.SubElement(company, "CompanyFileName").text = doc["file_name"]
        return company

    def process(self, request_xml: str | bytes) -> str:
        """Run a qbXML request message and return the response message.

        Raises ``MessageRejected`` (hresult 0x80040400) when the message fails schema checks and
        ``ResponseLost`` (after committing) under the ``drop_response`` fault.
        """
        on_error, requests = parse_request_message(request_xml)
        with self.store.transaction() as doc:
            book = Book(doc, self.clock.now())
            dropped = self._consume_fault(doc, "drop_response") is not None
            responses = []
            for name, rq in requests:
                response, failed = self._run(book, name, rq)
                responses.append(response)
                if failed and on_error == "stopOnError":
                    break  # QuickBooks skips the rest and answers only what it ran
            text = response_message(responses)
        if dropped:
            raise ResponseLost(text)
        return text

    def _run(self, book: Book, name: str, rq: etree._Element) -> tuple[etree._Element, bool]:
        request_id = rq.get("requestID")
        response = etree.Element(name + "Rs")
        try:
            if name.endswith("Query"):
                records, attributes, code, message = self._query(book, name, rq)
            else:
                records, code, message = self._write(book, name, rq), errors.OK, "Status OK"
                attributes = {}
        except StatusError as exc:
            for key, value in _status_attributes(request_id, exc.code, exc.message).items():
                response.set(key, value)
            return response, errors.severity(exc.code) == "Error"
        for key, value in {**_status_attributes(request_id, code, message), **attributes}.items():
            response.set(key, value)
        for record in records:
            response.append(record)
        return response, False

    def _query(self, book: Book, name: str, rq: etree._Element):
        filters = element_fields(rq, name)
        if name == "HostQuery":
            return [self._host_ret()], {}, errors.OK, "Status OK"
        if name == "CompanyQuery":
            return [self._company_ret(book.doc)], {}, errors.OK, "Status OK"
        if name not in LIST_QUERIES and name not in TXN_QUERIES:
            raise StatusError(errors.FEATURE_NOT_ENABLED, f"{name} is not supported by the simulated company.")
        result = run_query(book, name, dict(rq.attrib), filters)
        elements = [ret_element(ret, record, include_lines=result.include_lines, include=result.include)
                    for ret, record in result.records]
        return elements, result.attributes, result.code, result.message

    def _write(self, book: Book, name: str, rq: etree._Element) -> list[etree._Element]:
        body = next(c for c in rq if isinstance(c.tag, str))
        fields = element_fields(body, name)
        lock = self._consume_fault(book.doc, "lock")
        if lock is not None:
            raise StatusError(lock["status_code"])
        if name.endswith("Mod") and self._consume_fault(book.doc, "concurrent_edit"):
            # Another user saves the record first; this happens whether or not our Mod then fails.
            target = book.find(fields.get("ListID") or fields.get("TxnID") or "")
            if target:
                book.touch(target[1])
        snapshot = copy.deepcopy(book.doc)
        try:
            ret, record = self._apply(book, name, fields)
        except StatusError:
            book.doc.clear()
            book.doc.update(snapshot)  # a failed request changes nothing
            raise
        kind = book.find(record.get("ListID") or record.get("TxnID"))[0]
        return [ret_element(ret, with_computed_fields(book, kind, record))]

    @staticmethod
    def _apply(book: Book, name: str, fields: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        obj, action = (name[:-3], name[-3:])
        if obj in lists.LIST_OBJECTS:
            return (lists.add if action == "Add" else lists.mod)(book, obj, fields)
        handlers: dict[str, Callable[..., tuple[str, dict[str, Any]]]] = {
            "InvoiceAdd": lambda b, f: transactions.add_sales(b, "Invoice", f),
            "CreditMemoAdd": lambda b, f: transactions.add_sales(b, "CreditMemo", f),
            "InvoiceMod": transactions.mod_invoice,
            "CreditMemoMod": transactions.mod_credit_memo,
            "ReceivePaymentAdd": transactions.add_payment,
            "ReceivePaymentMod": transactions.mod_payment,
            "BillAdd": transactions.add_bill,
            "BillMod": transactions.mod_bill,
        }
        if name not in handlers:
            raise StatusError(errors.FEATURE_NOT_ENABLED, f"{name} is not supported by the simulated company.")
        return handlers[name](book, fields)

    def now_text(self) -> str:
        return format_time(self.clock.now())
