"""Local records → qbXML Add/Mod fields for QuickBooks Desktop (the Desktop twin of online/mapping.py).

`refs` turns another local record into its QuickBooks reference ({"ListID": ...}); it raises
`Unlinked` when that record is not in QuickBooks yet, so the queue can send the dependency first.
Names go through qbxml.list_name (Desktop limits, no colons, collision-free shortening); other
text is cut to the field's limit, since only names identify records.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from webapp.models import (
    Bill, CreditMemo, Customer, EmploymentType, FinancialAccount, Invoice, InvoiceItem, Payment, Project,
    QuickBooksSettings, ResponsibilityRole, Term, TrackingClass, User, Vendor,
)
from webapp.quickbooks.desktop import qbxml
from webapp.sync import rules

# A sales rep is a second QuickBooks object for a user (the Employee/Vendor is the first), so its
# link uses a local type of its own.
SALES_REP = "sales_rep"

# local type -> dependency wave (x10 so the sales rep fits between people and lists)
WAVES = {name: rule.wave * 10 for name, rule in rules.RULES.items()}
WAVES[SALES_REP] = WAVES["user"] + 5

# qbXML objects QuickBooks lets us modify with the builders we have (a changed linked record is sent
# as a Mod); any other type would be add-only, so a record already in QuickBooks is left alone.
MODIFIABLE = frozenset({"Customer", "Vendor", "Employee", "SalesRep", "ItemService", "Class", "StandardTerms",
                        "Invoice", "CreditMemo", "ReceivePayment", "Bill"})
TRANSACTIONS = frozenset({"Invoice", "CreditMemo", "ReceivePayment", "Bill"})
WITH_EXTERNAL_GUID = frozenset({"Customer", "Vendor", "ItemService", "Invoice", "CreditMemo", "ReceivePayment",
                                "Bill"})


class Unlinked(Exception):
    """`record` must be in QuickBooks before the request that refers to it can be built."""

    def __init__(self, record, local_type: str | None = None):
        super().__init__(f"{local_type or rules.local_type_of(record)} {record.id} is not in QuickBooks yet")
        self.record = record
        self.local_type = local_type or rules.local_type_of(record)


class Problem(Exception):
    """The record cannot be sent as it is; the message says why and the hint what to do."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message, self.hint = message, hint


class Refs(Protocol):
    def __call__(self, record, local_type: str | None = None) -> dict[str, str]: ...

    def txn_id(self, record) -> str: ...

    def account(self, account: FinancialAccount) -> dict[str, str]: ...


def cut(value: str | None, limit: int) -> str | None:
    value = (value or "").strip()
    return value[:limit] if value else None


def _text(value: str | None, settings: QuickBooksSettings, limit: int) -> str | None:
    return cut(rules.text(value, settings), limit)


def _address(record, settings: QuickBooksSettings) -> dict[str, str] | None:
    parts = {"Addr1": _text(record.street, settings, 41), "City": _text(record.city, settings, 31),
             "State": _text(record.state, settings, 21), "PostalCode": cut(record.postal_code, 13)}
    parts = {k: v for k, v in parts.items() if v}
    return parts or None


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def desktop_type(record, local_type: str | None = None) -> str:
    local_type = local_type or rules.local_type_of(record)
    if local_type == SALES_REP:
        return "SalesRep"
    if isinstance(record, User):
        return rules.user_quickbooks_type(record)
    return rules.RULES[local_type].desktop_type


def external_guid(file_id: str, local_type: str, local_id: int) -> str:
    """The same GUID for a record every time, so a lost Add can be found again in QuickBooks."""
    return qbxml_guid(uuid.uuid5(uuid.NAMESPACE_URL, f"contractors-cloud:{file_id}:{local_type}:{local_id}"))


def qbxml_guid(value: uuid.UUID) -> str:
    return "{" + str(value).upper() + "}"


def initials(user: User) -> str:
    letters = "".join(p[0] for p in user.name.split() if p[:1].isalpha()).upper()
    return (letters or "REP")[:5]


def sales_rep_of(project: Project | None, settings: QuickBooksSettings) -> User | None:
    if project is None or not settings.export_employees:
        return None
    for a in project.assignments:
        if a.role == ResponsibilityRole.sales_rep and a.user.employment_type != EmploymentType.none:
            return a.user
    return None


# ---- one builder per local type: (record, settings, refs) -> fields for the Add ---------------------

def customer(record: Customer, settings: QuickBooksSettings, refs: Refs) -> dict[str, Any]:
    return {"Name": qbxml.list_name("Customer", rules.customer_name(record, settings)),
            "CompanyName": _text(record.company_name, settings, 41),
            "FirstName": _text(record.first_name, settings, 25), "LastName": _text(record.last_name, settings, 25),
            "BillAddress": _address(record, settings), "Phone": cut(record.phone, 21),
            "Email": cut(record.email, 1023)}


def project(record: Project, settings: QuickBooksSettings, refs: Refs) -> dict[str, Any]:
    fields: dict[str, Any] = {"Name": qbxml.list_name("Customer", rules.job_name(record, settings)),
                              "ParentRef": refs(record.customer)}
    if record.address.strip():
        fields["ShipAddress"] = {"Addr1": _text(record.address, settings, 41)}
    return fields


def user(record: User, settings: QuickBooksSettings, refs: Refs) -> dict[str, Any]:
    fields: dict[str, Any] = {"IsActive": record.active, "FirstName": _text(record.first_name, settings, 25),
                              "LastName": _text(record.last_name, settings, 25), "Phone": cut(record.phone, 21),
                              "Email": cut(record.email, 1023)}
    if record.employment_type == EmploymentType.vendor_1099:
        fields["Name"] = qbxml.list_name("Vendor", rules.text(record.name, settings))
        fields["IsVendorEligibleFor1099"] = True
    return fields


def sales_rep(record: User, settings: QuickBooksSettings, refs: Refs) -> dict[str, Any]:
    return {"Initial": initials(record), "IsActive": record.active, "SalesRepEntityRef": refs(record, "user")}


def vendor(record: Vendor, settings: QuickBooksSettings, refs: Refs) -> dict[str, Any]:
    fields: dict[str, Any] = {"Name": qbxml.list_name("Vendor", rules.text(record.name, settings)),
                              "IsActive": record.active, "CompanyName": _text(record.name, settings, 41),
                              "VendorAddress": _address(record, settings), "Phone": cut(record.phone, 21),
                              "Email": cut(record.email, 1023), "IsVendorEligibleFor1099": record.is_1099}
    if record.contact_name.strip():
        first, _, last = record.contact_name.strip().partition(" ")
        fields["FirstName"], fields["LastName"] = _text(first, settings, 25), _text(last, settings, 25)
    return fields


def tracking_class(record: TrackingClass, settings: QuickBooksSettings, refs: Refs) -> dict[str, Any]:
    return {"Name": qbxml.list_name("Class", rules.text(record.name, settings)), "IsActive": record.active}


def term(record: Term, settings: QuickBooksSettings, refs: Refs) -> dict[str, Any]:
    return {"Name": qbxml.list_name("Terms", rules.text(record.name, settings)), "IsActive": record.active,
            "StdDueDays": record.due_days}


def invoice_item(record: InvoiceItem, settings: QuickBooksSettings, refs: Refs) -> dict[str, Any]:
    if record.income_account is None:
        raise Problem(f"The invoice item “{record.name}” has no QuickBooks income account.",
                      "Assign one in Company Settings → QuickBooks → Invoice Customization.")
    return {"Name": qbxml.list_name("Item", rules.text(record.name, settings)), "IsActive": record.active,
            "SalesOrPurchase": {"Desc": _text(record.description, settings, 4095), "Price": _money(record.rate),
                                "AccountRef": refs.account(record.income_account)}}


def _customer_ref(record, settings: QuickBooksSettings, refs: Refs) -> dict[str, str]:
    """Transactions go to the job when Customer Job Export is on, else to the customer itself."""
    if record.project is not None and settings.export_customer_jobs:
        return refs(record.project)
    return refs(record.customer)


def _sales_lines(doc, settings: QuickBooksSettings, refs: Refs) -> list[dict[str, Any]]:
    lines = []
    for line in doc.lines:
        lines.append({"ItemRef": refs(line.item) if line.item is not None else None,
                      "Desc": _text(line.description, settings, 4095), "Quantity": Decimal(line.quantity),
                      "Rate": _money(line.rate), "Amount": _money(line.amount)})
    return lines


def invoice(record: Invoice, settings: QuickBooksSettings, refs: Refs) -> dict[str, Any]:
    rep = sales_rep_of(record.project, settings)
    return {"CustomerRef": _customer_ref(record, settings, refs),
            "ClassRef": refs(record.tracking_class) if record.tracking_class else None,
            "TxnDate": record.invoice_date, "RefNumber": qbxml.ref_number("Invoice", record.number),
            "TermsRef": refs(record.term) if record.term else None, "DueDate": record.due_date,
            "SalesRepRef": refs(rep, SALES_REP) if rep else None, "Memo": _text(record.memo, settings, 4095),
            "IsToBePrinted": settings.auto_print_invoices,
            "InvoiceLineAdd": _sales_lines(record, settings, refs)}


def credit_memo(record: CreditMemo, settings: QuickBooksSettings, refs: Refs) -> dict[str, Any]:
    return {"CustomerRef": _customer_ref(record, settings, refs),
            "ClassRef": refs(record.tracking_class) if record.tracking_class else None,
            "TxnDate": record.memo_date, "RefNumber": qbxml.ref_number("CreditMemo", record.number),
            "Memo": _text(record.memo, settings, 4095), "CreditMemoLineAdd": _sales_lines(record, settings, refs)}


def payment(record: Payment, settings: QuickBooksSettings, refs: Refs) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "CustomerRef": _customer_ref(record, settings, refs), "TxnDate": record.payment_date,
        "RefNumber": qbxml.ref_number("ReceivePayment", record.reference) if record.reference.strip() else None,
        "TotalAmount": _money(record.amount), "Memo": _text(record.memo, settings, 4095),
        # The spec: payments land in Undeposited Funds (QuickBooks' default when no deposit account is
        # sent) unless a default Accounts Receivable account is chosen in Company Settings.
        "ARAccountRef": refs.account(settings.default_ar_account) if settings.default_ar_account else None,
    }
    if record.allocations:
        fields["AppliedToTxnAdd"] = [{"TxnID": refs.txn_id(a.invoice), "PaymentAmount": _money(a.amount)}
                                     for a in record.allocations]
    else:
        fields["IsAutoApply"] = False  # an unapplied payment stays a credit, as it is here
    return fields


def bill(record: Bill, settings: QuickBooksSettings, refs: Refs) -> dict[str, Any]:
    lines = []
    for line in record.lines:
        if line.account is None:
            raise Problem("A bill line has no expense account.", "Choose an account on every line of the bill.")
        entry: dict[str, Any] = {"AccountRef": refs.account(line.account), "Amount": _money(line.amount),
                                 "Memo": _text(line.description, settings, 4095),
                                 "ClassRef": refs(line.tracking_class) if line.tracking_class else None}
        if record.project is not None:
            # Job costing: the line carries the job (or the customer when jobs are not exported).
            entry["CustomerRef"] = _customer_ref(record, settings, refs)
            entry["BillableStatus"] = "Billable" if line.billable else "NotBillable"
        lines.append(entry)
    return {"VendorRef": refs(record.vendor), "TxnDate": record.bill_date, "DueDate": record.due_date,
            "RefNumber": qbxml.ref_number("Bill", record.reference) if record.reference.strip() else None,
            "Memo": _text(record.memo, settings, 4095), "ExpenseLineAdd": lines}


BUILDERS = {"customer": customer, "project": project, "user": user, SALES_REP: sales_rep, "vendor": vendor,
            "tracking_class": tracking_class, "term": term, "invoice_item": invoice_item, "invoice": invoice,
            "credit_memo": credit_memo, "payment": payment, "bill": bill}


@dataclass
class Built:
    qb_type: str
    fields: dict[str, Any]


def fields_for(record, local_type: str, settings: QuickBooksSettings, refs: Refs) -> Built:
    fields = {k: v for k, v in BUILDERS[local_type](record, settings, refs).items() if v is not None}
    return Built(desktop_type(record, local_type), fields)


# Add line element -> its Mod twin. Lines are re-sent whole as new ("-1") lines: QuickBooks deletes the
# lines a Mod that lists lines leaves out, so the transaction ends with exactly our lines (replace-all).
_LINE_MODS = {"Invoice": (("InvoiceLineAdd", "InvoiceLineMod"),),
              "CreditMemo": (("CreditMemoLineAdd", "CreditMemoLineMod"),),
              "Bill": (("ExpenseLineAdd", "ExpenseLineMod"),)}


def as_mod(qb_type: str, fields: dict[str, Any], quickbooks_id: str, edit_sequence: str) -> dict[str, Any]:
    """The Add fields turned into a Mod: identity first, lines re-sent whole (QuickBooks deletes the
    lines a Mod leaves out, so "-1" lines replace them), sales/purchase info as its Mod aggregate.

    Payments: a Mod has no IsAutoApply, and AppliedToTxnMod replaces the applications; a payment
    whose allocations were all removed here keeps its applications in QuickBooks (qbXML cannot send
    an empty AppliedToTxnMod list), so that change must be made in QuickBooks."""
    key = "TxnID" if qb_type in TRANSACTIONS else "ListID"
    mod = {k: v for k, v in fields.items() if k != "ExternalGUID"}
    for add_key, mod_key in _LINE_MODS.get(qb_type, ()):
        if add_key in mod:
            mod[mod_key] = [{"TxnLineID": "-1", **line} for line in mod.pop(add_key)]
    if qb_type == "Bill" and mod.get("ExpenseLineMod") == []:
        del mod["ExpenseLineMod"]
        mod["ClearExpenseLines"] = True  # no lines left here: an empty list would leave QuickBooks' lines alone
    if qb_type == "ReceivePayment":
        # A Mod has no IsAutoApply; listed applications replace the payment's current ones.
        mod.pop("IsAutoApply", None)
        if "AppliedToTxnAdd" in mod:
            mod["AppliedToTxnMod"] = mod.pop("AppliedToTxnAdd")
    if qb_type == "ItemService" and "SalesOrPurchase" in mod:
        mod["SalesOrPurchaseMod"] = mod.pop("SalesOrPurchase")
    return {key: quickbooks_id, "EditSequence": edit_sequence, **mod}


def label(record, local_type: str) -> str:
    return rules.describe(record, "Sales rep" if local_type == SALES_REP else rules.RULES[local_type].label)
