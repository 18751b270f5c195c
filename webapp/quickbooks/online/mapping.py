"""Local records → QuickBooks Online JSON bodies (without Id/SyncToken).

`refs` resolves another local record to its QuickBooks reference (the push module supplies it, after
pushing dependencies first). All text goes through rules.text() for the capitalization setting.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Callable

from webapp.models import (
    Bill, CreditMemo, Customer, EmploymentType, Invoice, InvoiceItem, ItemType, Payment, Project,
    QuickBooksSettings, ResponsibilityRole, Term, TrackingClass, User, Vendor,
)
from webapp.sync import rules

# Sales reps: QuickBooks Online has no SalesRep entity. Decision (documented in README, one place):
# a sales rep user is pushed like any other user (Employee, or Vendor when 1099), and an invoice
# carries the rep's QuickBooks display name in the invoice custom field "Sales Rep" (definition 1).
SALES_REP_FIELD = {"DefinitionId": "1", "Name": "Sales Rep", "Type": "StringType"}

Refs = Callable[[object], dict]  # record -> {"value": id, "name": ...}


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _address(record, settings) -> dict | None:
    parts = {"Line1": rules.text(record.street, settings), "City": rules.text(record.city, settings),
             "CountrySubDivisionCode": rules.text(record.state, settings), "PostalCode": record.postal_code.strip()}
    parts = {k: v for k, v in parts.items() if v}
    return parts or None


def _contact(body: dict, email: str, phone: str) -> dict:
    if email.strip():
        body["PrimaryEmailAddr"] = {"Address": email.strip()}
    if phone.strip():
        body["PrimaryPhone"] = {"FreeFormNumber": phone.strip()}
    return body


def customer(record: Customer, settings: QuickBooksSettings, refs: Refs) -> dict:
    body = {"DisplayName": rules.customer_name(record, settings),
            "GivenName": rules.text(record.first_name, settings)[:100],
            "FamilyName": rules.text(record.last_name, settings)[:100]}
    if record.company_name.strip():
        body["CompanyName"] = rules.text(record.company_name, settings)
    address = _address(record, settings)
    if address:
        body["BillAddr"] = address
    return _contact(body, record.email, record.phone)


def project(record: Project, settings: QuickBooksSettings, refs: Refs) -> dict:
    body = {"DisplayName": rules.job_name(record, settings), "Job": True, "BillWithParent": True,
            "ParentRef": refs(record.customer)}
    if record.address.strip():
        body["ShipAddr"] = {"Line1": rules.text(record.address, settings)}
    # No SalesTermRef here: each invoice carries its terms, and a job that needed its term first would
    # break the dependency waves (customers, then jobs, then lists and transactions).
    return body


def user(record: User, settings: QuickBooksSettings, refs: Refs) -> dict:
    body = {"DisplayName": rules.text(record.name, settings), "GivenName": rules.text(record.first_name, settings),
            "FamilyName": rules.text(record.last_name, settings) or "-", "Active": record.active}
    if record.employment_type == EmploymentType.vendor_1099:
        body["Vendor1099"] = True
    return _contact(body, record.email, record.phone)


def vendor(record: Vendor, settings: QuickBooksSettings, refs: Refs) -> dict:
    body = {"DisplayName": rules.text(record.name, settings), "CompanyName": rules.text(record.name, settings),
            "Vendor1099": record.is_1099, "Active": record.active}
    if record.contact_name.strip():
        first, _, last = record.contact_name.strip().partition(" ")
        body["GivenName"], body["FamilyName"] = rules.text(first, settings), rules.text(last, settings)
    address = _address(record, settings)
    if address:
        body["BillAddr"] = address
    return _contact(body, record.email, record.phone)


def tracking_class(record: TrackingClass, settings: QuickBooksSettings, refs: Refs) -> dict:
    return {"Name": rules.text(record.name, settings), "Active": record.active}


def term(record: Term, settings: QuickBooksSettings, refs: Refs) -> dict:
    return {"Name": rules.text(record.name, settings), "DueDays": record.due_days, "Active": record.active}


def invoice_item(record: InvoiceItem, settings: QuickBooksSettings, refs: Refs) -> dict:
    return {"Name": rules.text(record.name, settings)[:100], "Description": rules.text(record.description, settings),
            "UnitPrice": _money(record.rate), "Active": record.active,
            "Type": "NonInventory" if record.item_type == ItemType.non_inventory else "Service",
            "IncomeAccountRef": refs(record.income_account)}


def _sales_lines(doc, settings: QuickBooksSettings, refs: Refs) -> list[dict]:
    lines = []
    for line in doc.lines:
        detail = {"Qty": Decimal(line.quantity), "UnitPrice": _money(line.rate)}
        if line.item is not None:
            detail["ItemRef"] = refs(line.item)
        if doc.tracking_class is not None:
            detail["ClassRef"] = refs(doc.tracking_class)
        lines.append({"Amount": _money(line.amount), "DetailType": "SalesItemLineDetail",
                      "Description": rules.text(line.description, settings), "SalesItemLineDetail": detail})
    return lines


def customer_ref(record, settings: QuickBooksSettings, refs: Refs) -> dict:
    """Transactions go to the job when Customer Job Export is on, else to the customer itself."""
    if record.project is not None and settings.export_customer_jobs:
        return refs(record.project)
    return refs(record.customer)


def sales_rep_name(project: Project | None, settings: QuickBooksSettings) -> str:
    if project is None or not settings.export_employees:
        return ""
    for a in project.assignments:
        if a.role == ResponsibilityRole.sales_rep and a.user.employment_type != EmploymentType.none:
            return rules.text(a.user.name, settings)
    return ""


def invoice(record: Invoice, settings: QuickBooksSettings, refs: Refs) -> dict:
    body = {"DocNumber": record.number, "TxnDate": record.invoice_date.isoformat(),
            "CustomerRef": customer_ref(record, settings, refs), "Line": _sales_lines(record, settings, refs),
            "PrintStatus": "NeedToPrint" if settings.auto_print_invoices else "NotSet"}
    if record.due_date:
        body["DueDate"] = record.due_date.isoformat()
    if record.term is not None:
        body["SalesTermRef"] = refs(record.term)
    if record.tracking_class is not None:
        body["ClassRef"] = refs(record.tracking_class)
    if record.memo.strip():
        body["CustomerMemo"] = {"value": rules.text(record.memo, settings)[:1000]}
    rep = sales_rep_name(record.project, settings)
    if rep:
        body["CustomField"] = [dict(SALES_REP_FIELD, StringValue=rep[:31])]
    return body


def credit_memo(record: CreditMemo, settings: QuickBooksSettings, refs: Refs) -> dict:
    body = {"DocNumber": record.number, "TxnDate": record.memo_date.isoformat(),
            "CustomerRef": customer_ref(record, settings, refs), "Line": _sales_lines(record, settings, refs)}
    if record.tracking_class is not None:
        body["ClassRef"] = refs(record.tracking_class)
    if record.memo.strip():
        body["CustomerMemo"] = {"value": rules.text(record.memo, settings)[:1000]}
    return body


def payment(record: Payment, settings: QuickBooksSettings, refs: Refs) -> dict:
    body = {"CustomerRef": customer_ref(record, settings, refs), "TotalAmt": _money(record.amount),
            "TxnDate": record.payment_date.isoformat(),
            "Line": [{"Amount": _money(a.amount), "LinkedTxn": [{"TxnId": refs(a.invoice)["value"], "TxnType": "Invoice"}]}
                     for a in record.allocations]}
    if record.reference.strip():
        body["PaymentRefNum"] = record.reference.strip()[:21]
    if record.memo.strip():
        body["PrivateNote"] = rules.text(record.memo, settings)[:4000]
    # The spec: payments land in Undeposited Funds (QuickBooks' default when no DepositToAccountRef is
    # sent) unless a default Accounts Receivable account is set in Company Settings.
    if settings.default_ar_account is not None:
        body["ARAccountRef"] = refs(settings.default_ar_account)
    return body


def bill(record: Bill, settings: QuickBooksSettings, refs: Refs) -> dict:
    lines = []
    for line in record.lines:
        detail = {"AccountRef": refs(line.account),
                  "BillableStatus": "Billable" if line.billable else "NotBillable"}
        if record.project is not None:
            # Job costing: the line carries the job (or the customer when jobs are not exported).
            detail["CustomerRef"] = customer_ref(record, settings, refs)
        if line.tracking_class is not None:
            detail["ClassRef"] = refs(line.tracking_class)
        lines.append({"Amount": _money(line.amount), "DetailType": "AccountBasedExpenseLineDetail",
                      "Description": rules.text(line.description, settings),
                      "AccountBasedExpenseLineDetail": detail})
    body = {"VendorRef": refs(record.vendor), "TxnDate": record.bill_date.isoformat(), "Line": lines}
    if record.due_date:
        body["DueDate"] = record.due_date.isoformat()
    if record.reference.strip():
        body["DocNumber"] = record.reference.strip()[:21]
    if record.memo.strip():
        body["PrivateNote"] = rules.text(record.memo, settings)[:4000]
    return body


BUILDERS = {"customer": customer, "project": project, "user": user, "vendor": vendor,
            "tracking_class": tracking_class, "term": term, "invoice_item": invoice_item, "invoice": invoice,
            "credit_memo": credit_memo, "payment": payment, "bill": bill}


def body_for(record, settings: QuickBooksSettings, refs: Refs) -> dict:
    return BUILDERS[rules.local_type_of(record)](record, settings, refs)


def online_type(record) -> str:
    if isinstance(record, User):
        return rules.user_quickbooks_type(record)
    return rules.RULES[rules.local_type_of(record)].online_type
