"""Writes and reads against one company's books, with QuickBooks Online's validation rules.

Every change goes through `Books`: it validates (required fields, references, unique names and
document numbers, SyncTokens), derives what QuickBooks derives (names, totals, balances) and records
change events that the app hands to the webhook dispatcher after the write committed.
"""
from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

from . import faults
from .clock import Clock
from .entities import ACCOUNT_CLASSIFICATION, DERIVED_FIELDS, REF_TARGETS, SPECS
from .store import Store

# UNCONFIRMED: QuickBooks Online appends " (deleted)" to the name of a customer, vendor or employee
# made inactive (which frees the name for reuse) and removes it on reactivation. Kept here so it can be
# turned off in one place.
INACTIVE_NAME_SUFFIX = " (deleted)"
# UNCONFIRMED: applying a payment changes the invoice (Balance, LinkedTxn), so its SyncToken and
# LastUpdatedTime move and CDC/webhooks report it, the way an edit would.
PAYMENT_TOUCHES_INVOICE = True

PEOPLE = ("Customer", "Vendor", "Employee")
MAX_CUSTOMER_DEPTH = 4  # FullyQualifiedName up to 5 levels: Level 0..4
PRINT_STATUSES = {"NotSet", "NeedToPrint", "PrintComplete"}
BILLABLE_STATUSES = {"Billable", "NotBillable", "HasBeenBilled"}


def clean(value: Any) -> Any:
    """Drop what python-quickbooks sends for unset fields: "" and null, and references whose
    value is empty."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            item = clean(item)
            if item is None or item == "":
                continue
            if key.endswith("Ref") and isinstance(item, dict) and not item.get("value"):
                continue
            out[key] = item
        return out
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def money(value: Any) -> float:
    try:
        return round(float(value), 2)
    except (TypeError, ValueError):
        raise faults.invalid(f"Invalid amount: {value!r}", "Amount")


def sync_token_of(body: dict) -> str | None:
    token = body.get("SyncToken")
    if token is None or token == "":
        return None
    try:
        return str(int(token))  # python-quickbooks sends an int, Intuit sends a string
    except (TypeError, ValueError):
        return str(token)


class Books:
    def __init__(self, store: Store, clock: Clock, realm_id: str, hidden: set | None = None) -> None:
        self.store = store
        self.clock = clock
        self.realm = realm_id
        # (type, id) pairs this caller must not see: a batch's own creates (see batch.py).
        self.hidden = hidden if hidden is not None else set()
        self.changes: list[dict] = []

    # -- reading -------------------------------------------------------------------------------------
    def spec(self, entity: str):
        spec = SPECS.get(entity)
        if spec is None:
            raise faults.unsupported(f"Unsupported entity {entity}")
        return spec

    def read(self, entity: str, id_: str) -> dict:
        self.spec(entity)
        if entity == "CompanyInfo":  # read by realm id; there is exactly one
            docs = self.store.scan(self.realm, "CompanyInfo")
            if docs:
                return copy.deepcopy(docs[0])
        doc = None if (entity, str(id_)) in self.hidden else self.store.get(self.realm, entity, str(id_))
        if doc is None:
            raise faults.not_found()
        return doc

    def _live(self, entity: str, id_: str) -> dict | None:
        if (entity, str(id_)) in self.hidden:
            return None
        return self.store.peek(self.realm, entity, str(id_))

    # -- public write operations ---------------------------------------------------------------------
    def create(self, entity: str, body: dict, allow_duplicate_doc_number: bool = False) -> dict:
        spec = self.spec(entity)
        if not spec.creatable:
            raise faults.unsupported(f"Operation Create is not supported for {entity}")
        doc = self._writable(entity, body)
        with self.store.transaction():
            doc = self._normalize(entity, doc, None, allow_duplicate_doc_number)
            now = self.clock.stamp()
            doc["Id"] = self.store.next_id(self.realm, entity)
            doc["SyncToken"] = "0"
            doc["MetaData"] = {"CreateTime": now, "LastUpdatedTime": now}
            doc["domain"] = "QBO"
            doc["sparse"] = False
            self.store.put(self.realm, entity, doc)
            self._record(entity, doc, "Create")
            self._after_write(entity, None, doc)
        return copy.deepcopy(doc)

    def update(self, entity: str, body: dict, allow_duplicate_doc_number: bool = False, check_token: bool = True) -> dict:
        spec = self.spec(entity)
        if not spec.creatable:
            raise faults.unsupported(f"Operation Update is not supported for {entity}")
        id_ = str(body.get("Id", "")).strip()
        if not id_:
            raise faults.required("Id")
        with self.store.transaction():
            current = self._live(entity, id_)
            if current is None:
                raise faults.not_found()
            if check_token:
                self._check_token(entity, current, body)
            incoming = self._writable(entity, body)
            if body.get("sparse") in (True, "true", "True"):
                merged = {k: copy.deepcopy(v) for k, v in current.items() if k not in self._derived(entity)}
                merged.update(incoming)
            else:
                merged = incoming
            doc = self._normalize(entity, merged, current, allow_duplicate_doc_number)
            doc = self._stamp_update(current, doc)
            self.store.put(self.realm, entity, doc)
            self._record(entity, doc, "Update")
            self._after_write(entity, current, doc)
        return copy.deepcopy(doc)

    def delete(self, entity: str, body: dict) -> dict:
        spec = self.spec(entity)
        if spec.name_list or not spec.creatable:
            raise faults.business(f"Operation Delete is not supported for {entity}; make it inactive instead")
        id_ = str(body.get("Id", "")).strip()
        if not id_:
            raise faults.required("Id")
        with self.store.transaction():
            current = self._live(entity, id_)
            if current is None:
                raise faults.not_found()
            self._check_token(entity, current, body)
            now = self.clock.stamp()
            tombstone = {"Id": id_, "status": "Deleted", "domain": "QBO", "MetaData": {"LastUpdatedTime": now}}
            self.store.bury(self.realm, entity, tombstone)
            self.changes.append({"entity": entity, "id": id_, "operation": "Delete", "lastUpdated": now})
            self._after_write(entity, current, None)
        return {"domain": "QBO", "status": "Deleted", "Id": id_}

    def void(self, entity: str, body: dict) -> dict:
        spec = self.spec(entity)
        if not spec.voidable:
            raise faults.business(f"Operation Void is not supported for {entity}")
        id_ = str(body.get("Id", "")).strip()
        with self.store.transaction():
            current = self._live(entity, id_)
            if current is None:
                raise faults.not_found()
            self._check_token(entity, current, body)
            doc = copy.deepcopy(current)
            for line in doc.get("Line", []):
                line["Amount"] = 0.0
            doc["TotalAmt"] = 0.0
            if entity == "Invoice":
                doc["Balance"] = 0.0
            else:
                doc["UnappliedAmt"] = 0.0
            doc["PrivateNote"] = "Voided"
            doc = self._stamp_update(current, doc)
            self.store.put(self.realm, entity, doc)
            self._record(entity, doc, "Void")
            self._after_write(entity, current, doc)
        return copy.deepcopy(doc)

    def edit_as_user(self, entity: str, id_: str, changes: dict) -> dict:
        """Someone changed the object in QuickBooks itself: no SyncToken check, full validation."""
        body = dict(changes, Id=str(id_), sparse=True)
        return self.update(entity, body, allow_duplicate_doc_number=True, check_token=False)

    def touch(self, entity: str, id_: str) -> dict:
        """Bump SyncToken and LastUpdatedTime without changing content: a concurrent edit."""
        with self.store.transaction():
            current = self._live(entity, id_)
            if current is None:
                raise faults.not_found()
            doc = self._stamp_update(current, copy.deepcopy(current))
            self.store.put(self.realm, entity, doc)
            self._record(entity, doc, "Update")
        return copy.deepcopy(doc)

    # -- helpers -------------------------------------------------------------------------------------
    def _derived(self, entity: str) -> set:
        return DERIVED_FIELDS["_all"] | DERIVED_FIELDS.get(entity, set())

    def _writable(self, entity: str, body: dict) -> dict:
        if not isinstance(body, dict):
            raise faults.business("Request body must be a JSON object")
        doc = clean(body)
        for key in self._derived(entity):
            if entity == "Payment" and key == "TotalAmt":
                continue
            doc.pop(key, None)
        return doc

    def _check_token(self, entity: str, current: dict, body: dict) -> None:
        given = sync_token_of(body)
        if given is None:
            raise faults.required("SyncToken")
        if given != current["SyncToken"]:
            raise faults.stale_object(entity, current["Id"], body.get("SyncToken"), current["SyncToken"])

    def _stamp_update(self, current: dict, doc: dict) -> dict:
        doc["Id"] = current["Id"]
        doc["SyncToken"] = str(int(current["SyncToken"]) + 1)
        doc["MetaData"] = dict(current.get("MetaData", {}), LastUpdatedTime=self.clock.stamp())
        doc["domain"] = "QBO"
        doc["sparse"] = False
        return doc

    def _record(self, entity: str, doc: dict, operation: str) -> None:
        self.changes.append({"entity": entity, "id": doc["Id"], "operation": operation,
                             "lastUpdated": doc["MetaData"]["LastUpdatedTime"]})

    # -- normalisation per entity --------------------------------------------------------------------
    def _normalize(self, entity: str, doc: dict, current: dict | None, allow_dup: bool) -> dict:
        spec = SPECS[entity]
        if spec.name_list:
            doc.setdefault("Active", True)
            if isinstance(doc["Active"], str):
                doc["Active"] = doc["Active"].lower() == "true"
        handler = getattr(self, f"_normalize_{entity.lower()}", None)
        if handler:
            handler(doc, current)
        self._resolve_refs(entity, doc)
        if spec.name_namespace:
            self._check_unique_name(entity, doc, current)
        if spec.doc_number_unique and not allow_dup and doc.get("DocNumber"):
            for other in self.store.scan(self.realm, entity):
                if other["Id"] != (current or {}).get("Id") and other.get("DocNumber") == doc["DocNumber"]:
                    raise faults.duplicate_doc_number(entity, doc["DocNumber"])
        return doc

    def _person_name(self, doc: dict) -> None:
        if not doc.get("DisplayName"):
            parts = [doc.get(k) for k in ("Title", "GivenName", "MiddleName", "FamilyName", "Suffix")]
            name = " ".join(p for p in parts if p) or doc.get("CompanyName", "")
            if not name:
                raise faults.required("DisplayName")
            doc["DisplayName"] = name
        name = doc["DisplayName"].strip()
        if name.endswith(INACTIVE_NAME_SUFFIX) and doc.get("Active", True):
            name = name[: -len(INACTIVE_NAME_SUFFIX)]
        elif not doc.get("Active", True) and not name.endswith(INACTIVE_NAME_SUFFIX):
            name = name + INACTIVE_NAME_SUFFIX
        if ":" in name:
            raise faults.business("The name can't contain a colon (:)", "DisplayName")
        if len(name) > 500:
            raise faults.invalid("DisplayName is longer than 500 characters", "DisplayName")
        doc["DisplayName"] = name

    def _normalize_customer(self, doc: dict, current: dict | None) -> None:
        self._person_name(doc)
        parent_ref = doc.get("ParentRef")
        if doc.get("Job") and not parent_ref:
            raise faults.required("ParentRef")
        if parent_ref:
            parent = self._live("Customer", parent_ref["value"])
            if parent is None or not parent.get("Active", True):
                raise faults.not_found(element="ParentRef")
            if current and parent["Id"] == current["Id"]:
                raise faults.business("A customer cannot be its own parent", "ParentRef")
            level = int(parent.get("Level", 0)) + 1
            if level > MAX_CUSTOMER_DEPTH:
                raise faults.business("Sub-customers can be nested at most 5 levels deep", "ParentRef")
            doc["Job"] = True
            doc["Level"] = level
            doc["FullyQualifiedName"] = f"{parent['FullyQualifiedName']}:{doc['DisplayName']}"
            doc.setdefault("BillWithParent", False)
        else:
            doc["Job"] = False
            doc["Level"] = 0
            doc["BillWithParent"] = False
            doc["FullyQualifiedName"] = doc["DisplayName"]
        doc["Balance"] = (current or {}).get("Balance", 0.0)
        doc["BalanceWithJobs"] = (current or {}).get("BalanceWithJobs", 0.0)

    def _normalize_vendor(self, doc: dict, current: dict | None) -> None:
        self._person_name(doc)
        doc["Vendor1099"] = bool(doc.get("Vendor1099", False))
        doc["Balance"] = (current or {}).get("Balance", 0.0)

    def _normalize_employee(self, doc: dict, current: dict | None) -> None:
        if not doc.get("DisplayName") and not (doc.get("GivenName") or doc.get("FamilyName")):
            raise faults.required("GivenName")
        self._person_name(doc)

    def _hierarchical_name(self, entity: str, doc: dict, sub_flag: str) -> None:
        name = (doc.get("Name") or "").strip()
        if not name:
            raise faults.required("Name")
        if ":" in name:
            raise faults.business("The name can't contain a colon (:)", "Name")
        doc["Name"] = name
        parent_ref = doc.get("ParentRef")
        if parent_ref:
            parent = self._live(entity, parent_ref["value"])
            if parent is None or not parent.get("Active", True):
                raise faults.not_found(element="ParentRef")
            doc[sub_flag] = True
            doc["FullyQualifiedName"] = f"{parent['FullyQualifiedName']}:{name}"
        else:
            doc[sub_flag] = False
            doc["FullyQualifiedName"] = name

    def _normalize_account(self, doc: dict, current: dict | None) -> None:
        self._hierarchical_name("Account", doc, "SubAccount")
        account_type = doc.get("AccountType")
        if not account_type:
            raise faults.required("AccountType")
        if account_type not in ACCOUNT_CLASSIFICATION:
            raise faults.invalid(f"Invalid AccountType: {account_type}", "AccountType")
        doc["Classification"] = ACCOUNT_CLASSIFICATION[account_type]
        doc["CurrentBalance"] = (current or {}).get("CurrentBalance", 0.0)
        doc["CurrentBalanceWithSubAccounts"] = (current or {}).get("CurrentBalanceWithSubAccounts", 0.0)

    def _normalize_item(self, doc: dict, current: dict | None) -> None:
        self._hierarchical_name("Item", doc, "SubItem")
        item_type = doc.get("Type")
        if not item_type:
            raise faults.required("Type")
        if item_type not in ("Service", "NonInventory", "Inventory", "Category"):
            raise faults.invalid(f"Invalid Type: {item_type}", "Type")
        if item_type in ("Service", "NonInventory") and not doc.get("IncomeAccountRef"):
            raise faults.required("IncomeAccountRef")
        if item_type == "Inventory":
            for field in ("IncomeAccountRef", "AssetAccountRef", "ExpenseAccountRef", "QtyOnHand", "InvStartDate"):
                if doc.get(field) in (None, ""):
                    raise faults.required(field)
            doc["TrackQtyOnHand"] = True
        elif doc.get("TrackQtyOnHand"):
            doc["TrackQtyOnHand"] = False

    def _normalize_class(self, doc: dict, current: dict | None) -> None:
        self._hierarchical_name("Class", doc, "SubClass")

    def _normalize_term(self, doc: dict, current: dict | None) -> None:
        name = (doc.get("Name") or "").strip()
        if not name:
            raise faults.required("Name")
        doc["Name"] = name
        doc.setdefault("Type", "STANDARD")
        if doc["Type"] == "STANDARD":
            doc["DueDays"] = int(doc.get("DueDays", 0))

    def _lines(self, doc: dict, allowed: set[str], required_ref: dict[str, str]) -> float:
        """Number the lines, fill Amount from Qty x UnitPrice, return the total."""
        lines = [l for l in doc.get("Line", []) if l.get("DetailType") != "SubTotalLineDetail"]
        if not lines:
            raise faults.required("Line")
        total = 0.0
        for number, line in enumerate(lines, start=1):
            kind = line.get("DetailType")
            if kind not in allowed:
                raise faults.invalid(f"Invalid line DetailType: {kind}", "Line.DetailType")
            detail = line.setdefault(kind, {})
            ref = required_ref.get(kind)
            if ref and not detail.get(ref):
                raise faults.required(f"Line.{kind}.{ref}")
            qty, price = detail.get("Qty"), detail.get("UnitPrice")
            if line.get("Amount") in (None, ""):
                if qty is None or price is None:
                    raise faults.required("Line.Amount")
                line["Amount"] = money(float(qty) * float(price))
            line["Amount"] = money(line["Amount"])
            if qty and price and abs(float(qty) * float(price) - line["Amount"]) > 0.005:
                raise faults.QBFault("6070", "Amount calculation incorrect",
                                     "Amount is not equal to UnitPrice * Qty", "Line.Amount")
            if kind == "AccountBasedExpenseLineDetail" and detail.get("BillableStatus") not in (None, *BILLABLE_STATUSES):
                raise faults.invalid(f"Invalid BillableStatus: {detail['BillableStatus']}", "BillableStatus")
            line["Id"] = str(number)
            line["LineNum"] = number
            if line.get("LinkedTxn") == []:  # python-quickbooks sends an empty list on every line
                del line["LinkedTxn"]
            total += -line["Amount"] if kind == "DiscountLineDetail" else line["Amount"]
        doc["Line"] = lines
        return money(total)

    def _dates(self, doc: dict) -> None:
        doc.setdefault("TxnDate", self.clock.today().isoformat())
        if "DueDate" not in doc:
            due_days = 0
            term_ref = doc.get("SalesTermRef")
            term = self._live("Term", term_ref["value"]) if term_ref else None
            if term:
                due_days = int(term.get("DueDays", 0))
            doc["DueDate"] = (date.fromisoformat(doc["TxnDate"]) + timedelta(days=due_days)).isoformat()

    def _normalize_invoice(self, doc: dict, current: dict | None) -> None:
        self._sales_form("Invoice", doc, current)
        doc.setdefault("PrintStatus", "NotSet")
        if doc["PrintStatus"] not in PRINT_STATUSES:
            raise faults.invalid(f"Invalid PrintStatus: {doc['PrintStatus']}", "PrintStatus")
        doc.setdefault("EmailStatus", "NotSet")
        applied = self._applied_to_invoice(current["Id"]) if current else 0.0
        doc["Balance"] = money(doc["TotalAmt"] - applied)
        doc["LinkedTxn"] = (current or {}).get("LinkedTxn", [])

    def _normalize_creditmemo(self, doc: dict, current: dict | None) -> None:
        self._sales_form("CreditMemo", doc, current)
        doc["Balance"] = doc["TotalAmt"]
        doc["RemainingCredit"] = doc["TotalAmt"]

    def _sales_form(self, entity: str, doc: dict, current: dict | None) -> None:
        if not doc.get("CustomerRef"):
            raise faults.required("CustomerRef")
        subtotal = self._lines(doc, {"SalesItemLineDetail", "DescriptionOnly", "DiscountLineDetail", "GroupLineDetail"},
                               {})
        doc["Line"].append({"Amount": subtotal, "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}})
        doc["TotalAmt"] = subtotal
        doc.setdefault("TxnTaxDetail", {"TotalTax": 0})
        self._dates(doc)
        number = doc.get("DocNumber")
        if number is not None:
            number = str(number)
            if len(number) > 21:
                raise faults.invalid("DocNumber is longer than 21 characters", "DocNumber")
            doc["DocNumber"] = number
        elif current is None:
            # Intuit numbers sales forms itself when custom transaction numbers are off.
            numbers = [int(d["DocNumber"]) for d in self.store.scan(self.realm, entity)
                       if str(d.get("DocNumber", "")).isdigit()]
            doc["DocNumber"] = str(max(numbers, default=1000) + 1)

    def _normalize_bill(self, doc: dict, current: dict | None) -> None:
        if not doc.get("VendorRef"):
            raise faults.required("VendorRef")
        doc["TotalAmt"] = self._lines(doc, {"AccountBasedExpenseLineDetail", "ItemBasedExpenseLineDetail"},
                                      {"AccountBasedExpenseLineDetail": "AccountRef",
                                       "ItemBasedExpenseLineDetail": "ItemRef"})
        doc["Balance"] = doc["TotalAmt"]
        self._dates(doc)

    def _normalize_payment(self, doc: dict, current: dict | None) -> None:
        if not doc.get("CustomerRef"):
            raise faults.required("CustomerRef")
        if doc.get("TotalAmt") in (None, ""):
            raise faults.required("TotalAmt")
        doc["TotalAmt"] = money(doc["TotalAmt"])
        doc.setdefault("TxnDate", self.clock.today().isoformat())
        if "DepositToAccountRef" not in doc:
            undeposited = next((a for a in self.store.scan(self.realm, "Account")
                                if a.get("AccountSubType") == "UndepositedFunds" and a.get("Active", True)), None)
            if undeposited:
                doc["DepositToAccountRef"] = {"value": undeposited["Id"]}
        applied = 0.0
        lines = []
        for line in doc.get("Line", []):
            amount = money(line.get("Amount", 0))
            links = []
            for link in line.get("LinkedTxn", []):
                link = {k: v for k, v in link.items() if k != "TxnLineId" or v not in (0, "0")}
                txn_type = link.get("TxnType")
                if txn_type not in ("Invoice", "CreditMemo"):
                    raise faults.invalid(f"Unsupported LinkedTxn TxnType: {txn_type}", "LinkedTxn.TxnType")
                target = self._live(txn_type, str(link.get("TxnId", "")))
                if target is None:
                    raise faults.not_found(element="LinkedTxn.TxnId")
                if target["CustomerRef"]["value"] != doc["CustomerRef"]["value"]:
                    raise faults.business(f"{txn_type} {target['Id']} belongs to another customer", "LinkedTxn")
                if txn_type == "Invoice":
                    already = self._applied_to_invoice(target["Id"], excluding=(current or {}).get("Id"))
                    if amount > money(target["TotalAmt"] - already) + 0.005:
                        raise faults.business(f"Payment amount exceeds the open balance of invoice {target['Id']}",
                                              "Line.Amount")
                link["TxnId"] = target["Id"]
                links.append(link)
            line["LinkedTxn"] = links
            line["Amount"] = amount
            applied += amount
            lines.append(line)
        if applied > doc["TotalAmt"] + 0.005:
            raise faults.business("The amount applied is greater than the payment amount", "TotalAmt")
        doc["Line"] = lines
        doc["UnappliedAmt"] = money(doc["TotalAmt"] - applied)

    # -- references ----------------------------------------------------------------------------------
    def _resolve_refs(self, entity: str, value: Any, path: str = "") -> None:
        if isinstance(value, list):
            for item in value:
                self._resolve_refs(entity, item, path)
            return
        if not isinstance(value, dict):
            return
        for key, item in value.items():
            target = entity if key == "ParentRef" else REF_TARGETS.get(key)
            if target and isinstance(item, dict):
                ref_id = str(item.get("value", ""))
                obj = self._live(target, ref_id)
                if obj is None or (SPECS[target].name_list and not obj.get("Active", True)):
                    raise faults.not_found(
                        f"Object Not Found : Something you're trying to use has been made inactive. "
                        f"Check the fields with accounts, customers, items, vendors or employees. "
                        f"({key} {target} Id={ref_id})", element=(path + key))
                item["value"] = ref_id
                name_field = SPECS[target].name_field
                if name_field and obj.get(name_field):
                    item["name"] = obj[name_field]
                item.pop("type", None)
            elif isinstance(item, (dict, list)):
                self._resolve_refs(entity, item, f"{path}{key}.")

    # -- uniqueness ----------------------------------------------------------------------------------
    def _check_unique_name(self, entity: str, doc: dict, current: dict | None) -> None:
        own_id = (current or {}).get("Id")
        if entity in PEOPLE:
            wanted = doc["DisplayName"].casefold()
            for other_type in PEOPLE:
                for other in self.store.scan(self.realm, other_type):
                    if other_type == entity and other["Id"] == own_id:
                        continue
                    if other.get("DisplayName", "").casefold() == wanted:
                        raise faults.duplicate_name(doc["DisplayName"])
            return
        field = "FullyQualifiedName" if "FullyQualifiedName" in doc else "Name"
        wanted = doc[field].casefold()
        for other in self.store.scan(self.realm, entity):
            if other["Id"] != own_id and str(other.get(field, "")).casefold() == wanted:
                raise faults.duplicate_list_name(entity, doc[field])

    # -- side effects --------------------------------------------------------------------------------
    def _applied_to_invoice(self, invoice_id: str, excluding: str | None = None) -> float:
        total = 0.0
        for payment in self.store.scan(self.realm, "Payment"):
            if payment["Id"] == excluding:
                continue
            for line in payment.get("Line", []):
                if any(l.get("TxnType") == "Invoice" and l.get("TxnId") == invoice_id for l in line.get("LinkedTxn", [])):
                    total += float(line.get("Amount", 0))
        return money(total)

    def _invoice_ids(self, payment: dict | None) -> set[str]:
        if not payment:
            return set()
        return {l["TxnId"] for line in payment.get("Line", []) for l in line.get("LinkedTxn", [])
                if l.get("TxnType") == "Invoice"}

    def _after_write(self, entity: str, before: dict | None, after: dict | None) -> None:
        if entity == "Payment":
            for invoice_id in sorted(self._invoice_ids(before) | self._invoice_ids(after)):
                self._refresh_invoice(invoice_id)
        if entity == "Customer" and before and after and before.get("FullyQualifiedName") != after.get("FullyQualifiedName"):
            self._rename_children(after)

    def _refresh_invoice(self, invoice_id: str) -> None:
        invoice = self.store.peek(self.realm, "Invoice", invoice_id)
        if invoice is None:
            return
        balance = money(invoice["TotalAmt"] - self._applied_to_invoice(invoice_id))
        links = [{"TxnId": p["Id"], "TxnType": "Payment"} for p in self.store.scan(self.realm, "Payment")
                 if invoice_id in self._invoice_ids(p)]
        if balance == invoice.get("Balance") and links == invoice.get("LinkedTxn", []):
            return
        doc = copy.deepcopy(invoice)
        doc["Balance"] = balance
        doc["LinkedTxn"] = links
        if PAYMENT_TOUCHES_INVOICE:
            doc = self._stamp_update(invoice, doc)
            self._record("Invoice", doc, "Update")
        self.store.put(self.realm, "Invoice", doc)

    def _rename_children(self, parent: dict) -> None:
        for child in self.store.scan(self.realm, "Customer"):
            if child.get("ParentRef", {}).get("value") == parent["Id"]:
                doc = copy.deepcopy(child)
                doc["FullyQualifiedName"] = f"{parent['FullyQualifiedName']}:{doc['DisplayName']}"
                doc["ParentRef"]["name"] = parent["FullyQualifiedName"]
                self.store.put(self.realm, "Customer", doc)
                self._rename_children(doc)
