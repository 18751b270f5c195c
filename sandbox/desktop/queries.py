"""Query requests: identity lookups (status 500 when some are missing), filters (status 1 when
nothing matches), MaxReturned, ActiveStatus, modified-date windows and iterators."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from webapp.quickbooks.desktop import errors

from .book import RET_ELEMENT, Book, format_time, parse_time
from .status import StatusError

LIST_QUERIES = {"AccountQuery": "Account", "ClassQuery": "Class", "TermsQuery": "Terms",
                "SalesTaxCodeQuery": "SalesTaxCode", "ItemQuery": "Item", "CustomerQuery": "Customer",
                "VendorQuery": "Vendor", "EmployeeQuery": "Employee", "SalesRepQuery": "SalesRep"}
TXN_QUERIES = {"InvoiceQuery": "Invoice", "BillQuery": "Bill", "ReceivePaymentQuery": "ReceivePayment",
               "CreditMemoQuery": "CreditMemo"}

# QuickBooks keeps an iterator for the session; the simulator lets an unused one lapse after this.
# UNCONFIRMED: the exact lifetime and the status code for an unknown/expired iteratorID (3120 here).
ITERATOR_LIFETIME = dt.timedelta(minutes=30)


class QueryResult:
    def __init__(self, code: int = errors.OK, message: str | None = None) -> None:
        self.code = code
        self.message = message or errors.STATUS_MESSAGES[code]
        self.records: list[tuple[str, dict[str, Any]]] = []
        self.attributes: dict[str, str] = {}
        self.include_lines = True
        self.include: list[str] | None = None


def _ret_name(kind: str, record: dict[str, Any]) -> str:
    return record.get("_ret") or RET_ELEMENT[kind]


def _full_name(kind: str, record: dict[str, Any]) -> str:
    return record["Initial"] if kind == "SalesRep" else record.get("FullName", record.get("Name", ""))


def _sort_key(kind: str, record: dict[str, Any]) -> Any:
    if "TxnNumber" in record:
        return int(record["TxnNumber"])
    return _full_name(kind, record).lower()


def _matches_text(value: str, criterion: str, text: str) -> bool:
    value, text = value.lower(), text.lower()
    return {"StartsWith": value.startswith, "Contains": lambda t: t in value,
            "EndsWith": value.endswith}[criterion](text)


def _modified_between(record: dict[str, Any], start: str | None, end: str | None) -> bool:
    modified = parse_time(record["TimeModified"])
    if start and modified < parse_time(start):
        return False
    if end and modified > parse_time(end, end_of_day=True):
        return False
    return True


def _entity_matches(ref: dict[str, str] | None, entity: dict[str, Any], book: Book, kind: str) -> bool:
    if not ref:
        return False
    if ref["ListID"] in entity.get("ListID", []) or ref["FullName"].lower() in [
            n.lower() for n in entity.get("FullName", [])]:
        return True
    parents = [book.records(kind).get(i, {}).get("FullName", "") for i in entity.get("ListIDWithChildren", [])]
    parents += entity.get("FullNameWithChildren", [])
    full_name = ref["FullName"].lower()
    return any(p and (full_name == p.lower() or full_name.startswith(p.lower() + ":")) for p in parents)


def _list_filter(kind: str, filters: dict[str, Any]) -> Any:
    status = filters.get("ActiveStatus", "ActiveOnly")  # QuickBooks' default for list queries

    def keep(record: dict[str, Any]) -> bool:
        active = record.get("IsActive", "true") == "true"
        if status == "ActiveOnly" and not active or status == "InactiveOnly" and active:
            return False
        if not _modified_between(record, filters.get("FromModifiedDate"), filters.get("ToModifiedDate")):
            return False
        name_filter = filters.get("NameFilter")
        if name_filter and not _matches_text(_full_name(kind, record), name_filter["MatchCriterion"],
                                             name_filter["Name"]):
            return False
        name_range = filters.get("NameRangeFilter")
        if name_range:
            name = _full_name(kind, record).lower()
            if name < name_range.get("FromName", "").lower():
                return False
            if name_range.get("ToName") and name > name_range["ToName"].lower():
                return False
        if filters.get("AccountType") and record.get("AccountType") != filters["AccountType"]:
            return False
        return True
    return keep


def _txn_filter(book: Book, kind: str, filters: dict[str, Any]) -> Any:
    if "DateMacro" in filters.get("TxnDateRangeFilter", {}):
        raise StatusError(errors.FEATURE_NOT_ENABLED, "DateMacro is not supported by the simulated company.")

    def keep(record: dict[str, Any]) -> bool:
        modified = filters.get("ModifiedDateRangeFilter", {})
        if not _modified_between(record, modified.get("FromModifiedDate"), modified.get("ToModifiedDate")):
            return False
        dates = filters.get("TxnDateRangeFilter", {})
        if dates.get("FromTxnDate") and record["TxnDate"] < dates["FromTxnDate"]:
            return False
        if dates.get("ToTxnDate") and record["TxnDate"] > dates["ToTxnDate"]:
            return False
        if "EntityFilter" in filters:
            ref = record.get("VendorRef" if kind == "Bill" else "CustomerRef")
            if not _entity_matches(ref, filters["EntityFilter"], book, "Vendor" if kind == "Bill" else "Customer"):
                return False
        if "AccountFilter" in filters:
            refs = [record.get(k) for k in ("ARAccountRef", "APAccountRef", "DepositToAccountRef")]
            if not any(_entity_matches(r, filters["AccountFilter"], book, "Account") for r in refs if r):
                return False
        ref_filter = filters.get("RefNumberFilter")
        if ref_filter and not _matches_text(record.get("RefNumber", ""), ref_filter["MatchCriterion"],
                                            ref_filter["RefNumber"]):
            return False
        ref_range = filters.get("RefNumberRangeFilter")
        if ref_range:
            number = record.get("RefNumber", "")
            if ref_range.get("FromRefNumber") and number < ref_range["FromRefNumber"]:
                return False
            if ref_range.get("ToRefNumber") and number > ref_range["ToRefNumber"]:
                return False
        paid = filters.get("PaidStatus", "All")
        if paid == "PaidOnly" and record.get("IsPaid") != "true" or paid == "NotPaidOnly" and record.get("IsPaid") == "true":
            return False
        return True
    return keep


def _by_identity(book: Book, kind: str, filters: dict[str, Any], result: QueryResult) -> list[dict[str, Any]] | None:
    records = book.records(kind)
    for key in ("ListID", "TxnID", "FullName"):
        wanted = filters.get(key)
        if not wanted:
            continue
        found, missing = [], []
        for value in wanted:
            record = records.get(value) if key != "FullName" else next(
                (r for r in records.values() if _full_name(kind, r).lower() == value.lower()), None)
            (found.append(record) if record is not None else missing.append(value))
        if missing:
            result.code = errors.PARTIAL
            result.message = (f"The query request has not been fully completed. There was a required element "
                              f'("{missing[0]}") that could not be found in QuickBooks.')
        return found
    for key in ("RefNumber", "RefNumberCaseSensitive"):
        wanted = filters.get(key)
        if wanted:
            exact = key == "RefNumberCaseSensitive"
            targets = set(wanted) if exact else {w.lower() for w in wanted}
            return [r for r in records.values()
                    if (r.get("RefNumber", "") if exact else r.get("RefNumber", "").lower()) in targets]
    return None


def _customer_balances(book: Book) -> dict[str, Decimal]:
    """Open balance per customer/job: invoices less unused credits and payments."""
    own: dict[str, Decimal] = {}
    for invoice in book.records("Invoice").values():
        key = invoice["CustomerRef"]["ListID"]
        own[key] = own.get(key, Decimal("0")) + Decimal(invoice["BalanceRemaining"])
    for memo in book.records("CreditMemo").values():
        key = memo["CustomerRef"]["ListID"]
        own[key] = own.get(key, Decimal("0")) - Decimal(memo["CreditRemaining"])
    for payment in book.records("ReceivePayment").values():
        key = payment["CustomerRef"]["ListID"]
        own[key] = own.get(key, Decimal("0")) - Decimal(payment["UnusedPayment"])
    return own


def with_computed_fields(book: Book, kind: str, record: dict[str, Any]) -> dict[str, Any]:
    if kind != "Customer":
        return record
    balances = _customer_balances(book)
    family = [record["ListID"]]
    frontier = [record["ListID"]]
    while frontier:
        for child in book.children("Customer", frontier.pop()):
            family.append(child["ListID"])
            frontier.append(child["ListID"])
    own = balances.get(record["ListID"], Decimal("0"))
    total = sum((balances.get(i, Decimal("0")) for i in family), Decimal("0"))
    return {**record, "Balance": str(own.quantize(Decimal("0.01"))), "TotalBalance": str(total.quantize(Decimal("0.01")))}


def run_query(book: Book, name: str, attributes: dict[str, str], filters: dict[str, Any]) -> QueryResult:
    kind = LIST_QUERIES.get(name) or TXN_QUERIES[name]
    result = QueryResult()
    result.include_lines = name in LIST_QUERIES or filters.get("IncludeLineItems") == "true"
    result.include = filters.get("IncludeRetElement")
    iterators = book.doc["iterators"]
    for stale_id in [i for i, state in iterators.items() if parse_time(state["expires"]) < book.now]:
        del iterators[stale_id]  # abandoned iterators must not pile up in the company file
    iterator = attributes.get("iterator")
    page_size = int(filters["MaxReturned"]) if filters.get("MaxReturned") else None

    if iterator in ("Continue", "Stop"):
        iterator_id = attributes.get("iteratorID", "")
        state = iterators.get(iterator_id)
        if state is None or state["query"] != name or parse_time(state["expires"]) < book.now:
            iterators.pop(iterator_id, None)
            raise StatusError(errors.OBJECT_NOT_FOUND,
                              f'Object "{iterator_id}" specified in the request cannot be found.')
        if iterator == "Stop":
            del iterators[iterator_id]
            return result
        ids = state["remaining"]
        page_size = page_size or state["page_size"]
    else:
        identity = _by_identity(book, kind, filters, result)
        if identity is not None:
            candidates = identity
        else:
            keep = _list_filter(kind, filters) if name in LIST_QUERIES else _txn_filter(book, kind, filters)
            candidates = sorted((r for r in book.records(kind).values() if keep(r)),
                                key=lambda r: _sort_key(kind, r))
            if not candidates:
                result.code, result.message = errors.NO_MATCH, errors.STATUS_MESSAGES[errors.NO_MATCH]
        ids = [r.get("ListID") or r["TxnID"] for r in candidates]
        if iterator is None and page_size is not None:
            ids = ids[:page_size]

    if iterator is None:
        page, rest = ids, []
    else:
        page, rest = (ids[:page_size], ids[page_size:]) if page_size else (ids, [])
        iterator_id = attributes.get("iteratorID") or "{" + str(uuid.uuid4()).upper() + "}"
        if rest:
            iterators[iterator_id] = {"query": name, "remaining": rest, "page_size": page_size,
                                      "expires": format_time(book.now + ITERATOR_LIFETIME)}
        else:
            iterators.pop(iterator_id, None)
        result.attributes = {"iteratorRemainingCount": str(len(rest)), "iteratorID": iterator_id}

    records = book.records(kind)
    for identifier in page:
        record = records.get(identifier)
        if record is not None:  # deleted between iterator pages
            result.records.append((_ret_name(kind, record), with_computed_fields(book, kind, record)))
    return result
