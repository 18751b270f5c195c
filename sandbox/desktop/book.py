"""The simulated company's records and the bookkeeping QuickBooks does on every write.

Records live in the state document as Ret-shaped dicts (qbXML element name -> text or nested dict);
keys starting with "_" are ours and never sent. Identifiers imitate QuickBooks: ListID
``80000001-1767603600`` (hex sequence, creation time), TxnID ``1A-1767603600``, EditSequence a
number that changes on every modification.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator

LIST_KINDS = ("Account", "Class", "Terms", "SalesTaxCode", "PaymentMethod", "Customer", "Vendor", "Employee",
              "OtherName", "SalesRep", "Item")
TXN_KINDS = ("Invoice", "CreditMemo", "ReceivePayment", "Bill")
# Customers, vendors, employees and other names share one namespace in QuickBooks (error 3100).
NAME_KINDS = ("Customer", "Vendor", "Employee", "OtherName")

RET_ELEMENT = {"Account": "AccountRet", "Class": "ClassRet", "SalesTaxCode": "SalesTaxCodeRet",
               "PaymentMethod": "PaymentMethodRet", "Customer": "CustomerRet", "Vendor": "VendorRet",
               "Employee": "EmployeeRet", "OtherName": "OtherNameRet", "SalesRep": "SalesRepRet",
               "Invoice": "InvoiceRet", "CreditMemo": "CreditMemoRet", "ReceivePayment": "ReceivePaymentRet",
               "Bill": "BillRet"}


def format_time(moment: dt.datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def parse_time(text: str, *, end_of_day: bool = False) -> dt.datetime:
    """qbXML date or datetime; a naive value is in the company's time zone (UTC here)."""
    text = text.strip()
    if len(text) == 10:
        day = dt.date.fromisoformat(text)
        moment = dt.datetime.combine(day, dt.time(23, 59, 59) if end_of_day else dt.time())
    else:
        moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment


class Book:
    def __init__(self, doc: dict[str, Any], now: dt.datetime) -> None:
        self.doc = doc
        self.now = now

    @staticmethod
    def new_doc(file_name: str, company_name: str) -> dict[str, Any]:
        return {
            "file_name": file_name, "company_name": company_name,
            "counters": {"list": 0, "txn": 0, "edit": 1_700_000_000, "line": 0, "ref": {}},
            "lists": {kind: {} for kind in LIST_KINDS},
            "txns": {kind: {} for kind in TXN_KINDS},
            "iterators": {}, "faults": [],
        }

    # ---- identity ---------------------------------------------------------------------------
    def _stamp(self) -> int:
        return int(self.now.timestamp())

    def next_edit_sequence(self) -> str:
        self.doc["counters"]["edit"] += 1
        return str(self.doc["counters"]["edit"])

    def next_line_id(self) -> str:
        self.doc["counters"]["line"] += 1
        return f"{self.doc['counters']['line']:X}-{self._stamp():010d}"

    def next_ref_number(self, kind: str, start: int = 1001) -> str:
        refs = self.doc["counters"]["ref"]
        refs[kind] = refs.get(kind, start - 1) + 1
        return str(refs[kind])

    def new_list_record(self, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
        self.doc["counters"]["list"] += 1
        now = format_time(self.now)
        record = {"ListID": f"{0x80000000 + self.doc['counters']['list']:X}-{self._stamp():010d}",
                  "TimeCreated": now, "TimeModified": now, "EditSequence": self.next_edit_sequence()}
        record.update(fields)
        self.doc["lists"][kind][record["ListID"]] = record
        return record

    def new_txn_record(self, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
        self.doc["counters"]["txn"] += 1
        number = self.doc["counters"]["txn"]
        now = format_time(self.now)
        record = {"TxnID": f"{number:X}-{self._stamp():010d}", "TimeCreated": now, "TimeModified": now,
                  "EditSequence": self.next_edit_sequence(), "TxnNumber": str(number)}
        record.update(fields)
        self.doc["txns"][kind][record["TxnID"]] = record
        return record

    def touch(self, record: dict[str, Any]) -> None:
        """What QuickBooks does on any change: a new EditSequence and TimeModified."""
        record["EditSequence"] = self.next_edit_sequence()
        record["TimeModified"] = format_time(self.now)

    # ---- lookup -----------------------------------------------------------------------------
    def records(self, kind: str) -> dict[str, dict[str, Any]]:
        if kind in self.doc["lists"]:
            return self.doc["lists"][kind]
        return self.doc["txns"][kind]

    def by_full_name(self, kind: str, full_name: str) -> dict[str, Any] | None:
        wanted = full_name.strip().lower()
        key = "Initial" if kind == "SalesRep" else "FullName"
        return next((r for r in self.doc["lists"][kind].values()
                     if str(r.get(key, r.get("Name", ""))).lower() == wanted), None)

    def find(self, identifier: str) -> tuple[str, dict[str, Any]] | None:
        for group in ("lists", "txns"):
            for kind, records in self.doc[group].items():
                if identifier in records:
                    return kind, records[identifier]
        return None

    def name_owner(self, full_name: str, *, kinds: tuple[str, ...] = NAME_KINDS,
                   exclude: str | None = None) -> dict[str, Any] | None:
        wanted = full_name.lower()
        for kind in kinds:
            for record in self.doc["lists"][kind].values():
                if record.get("ListID") != exclude and str(record.get("FullName", "")).lower() == wanted:
                    return record
        return None

    def children(self, kind: str, list_id: str) -> Iterator[dict[str, Any]]:
        for record in self.doc["lists"][kind].values():
            if record.get("ParentRef", {}).get("ListID") == list_id:
                yield record
