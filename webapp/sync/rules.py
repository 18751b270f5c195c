"""The user's specification as data: what syncs, in which direction, behind which switch, and how
names are formatted. Views, workers and both QuickBooks backends ask here; none re-implements a rule.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from webapp.models import (
    Bill, BillStatus, CreditMemo, Customer, CustomerNameFormat, EmploymentType, ExpenseExportStatus,
    FinancialAccount, Invoice, InvoiceItem, JobNameFormat, Payment, Project, QuickBooksSettings, SalesTaxCode,
    Term, TrackingClass, User, Vendor,
)

PUSH = "push"            # 1-way from Contractors Cloud to QuickBooks
IMPORT = "import"        # 1-way from QuickBooks into Contractors Cloud
TWO_WAY = "two_way"      # both ways, updated last wins


@dataclass(frozen=True)
class EntityRule:
    local_type: str
    model: type
    label: str
    direction: str
    online_type: str
    desktop_type: str
    # The Company Settings switch that must be on for this entity to be exported (None: always).
    export_setting: str | None = None
    # Dependency wave: lower waves are sent first (customer → job → people → lists → transactions).
    wave: int = 0
    # Only records of contracts on or after "Synchronize contracts after this date" may sync.
    contract_gated: bool = False
    # Financial transactions: Automatic sync pushes them on every change.
    financial: bool = False


RULES: dict[str, EntityRule] = {r.local_type: r for r in [
    EntityRule("customer", Customer, "Customer account", PUSH, "Customer", "Customer", wave=0),
    EntityRule("project", Project, "Job", TWO_WAY, "Customer", "Customer", "export_customer_jobs", wave=1,
               contract_gated=True),
    EntityRule("user", User, "Employee / sales rep", PUSH, "Employee", "Employee", "export_employees", wave=2),
    EntityRule("vendor", Vendor, "Vendor", TWO_WAY, "Vendor", "Vendor", "export_bills", wave=2),
    EntityRule("tracking_class", TrackingClass, "Class", TWO_WAY, "Class", "Class", wave=3),
    EntityRule("term", Term, "Terms", TWO_WAY, "Term", "StandardTerms", wave=3),
    EntityRule("invoice_item", InvoiceItem, "Invoice item", TWO_WAY, "Item", "ItemService", "export_invoices", wave=3),
    EntityRule("financial_account", FinancialAccount, "Financial account", IMPORT, "Account", "Account", wave=3),
    EntityRule("sales_tax_code", SalesTaxCode, "Sales tax code", IMPORT, "TaxCode", "SalesTaxCode", wave=3),
    EntityRule("invoice", Invoice, "Invoice", PUSH, "Invoice", "Invoice", "export_invoices", wave=4,
               contract_gated=True, financial=True),
    EntityRule("credit_memo", CreditMemo, "Credit memo", PUSH, "CreditMemo", "CreditMemo", "export_credit_memos",
               wave=4, contract_gated=True, financial=True),
    EntityRule("payment", Payment, "Payment", PUSH, "Payment", "ReceivePayment", "export_payments", wave=5,
               contract_gated=True, financial=True),
    EntityRule("bill", Bill, "Bill", PUSH, "Bill", "Bill", "export_bills", wave=6, contract_gated=True,
               financial=True),
]}

MODEL_TYPES = {rule.model: rule.local_type for rule in RULES.values()}

EXPORT_SETTING_LABELS = {
    "export_employees": "Employee/Sales Rep Export",
    "export_customer_jobs": "Customer Job Export",
    "export_invoices": "Service Items & Invoices",
    "export_credit_memos": "Credit Memo Export",
    "export_payments": "Payment Export",
    "export_bills": "Vendors & Bill Export",
}

# Not synced at all, and the UI says so (the spec: Refunds, Vendor Credits, QBO Projects).
NOT_SYNCED = ("Refunds", "Vendor credits", "QuickBooks Online Projects")


def local_type_of(record) -> str:
    return MODEL_TYPES[type(record)]


def name_of(record) -> str:
    """The words that identify a record to a person: its number, name, title or reference."""
    for attr in ("number", "display_name", "title", "name", "reference"):
        value = getattr(record, attr, None)
        if value:
            return str(value)
    return f"#{record.id}"


def describe(record, kind: str | None = None) -> str:
    """A record in a log line: 'Invoice “1001”', 'Payment #4'."""
    kind = kind or RULES[local_type_of(record)].label
    name = name_of(record)
    return f"{kind} {name}" if name.startswith("#") else f"{kind} “{name}”"


def rule_for(local_type: str) -> EntityRule:
    return RULES[local_type]


def pushable(local_type: str) -> bool:
    return RULES[local_type].direction in (PUSH, TWO_WAY)


# ---- gates --------------------------------------------------------------------------------------

def project_of(record) -> Project | None:
    if isinstance(record, Project):
        return record
    return getattr(record, "project", None)


def refusal(settings: QuickBooksSettings, record) -> str | None:
    """Why this record may not be sent to QuickBooks now, in the admin's words (None: it may)."""
    rule = RULES[local_type_of(record)]
    if not pushable(rule.local_type):
        return f"{rule.label}s are imported from QuickBooks, never sent to it."
    if rule.export_setting and not getattr(settings, rule.export_setting):
        return (f"{EXPORT_SETTING_LABELS[rule.export_setting]} is off in Company Settings → QuickBooks, "
                f"so this {rule.label.lower()} is not sent.")
    if rule.contract_gated and settings.sync_after:
        when = contract_date(record)
        if when is not None and when < settings.sync_after:
            return (f"The contract date {when:%b %d, %Y} is before “Synchronize contracts after this date” "
                    f"({settings.sync_after:%b %d, %Y}); older contracts are not synced.")
    if getattr(record, "sync_enabled", True) is False:
        box = {"invoice": "Sync Invoice", "payment": "Sync Payment", "bill": "Sync Bill",
               "credit_memo": "Sync Credit Memo"}[rule.local_type]
        return f"“{box}” is not checked on this {rule.label.lower()}."
    if isinstance(record, Bill) and not bill_status_exports(settings, record.status):
        allowed = "Paid" if settings.expense_export_status == ExpenseExportStatus.paid else "Paid or Approved"
        return f"Only {allowed} bills are exported (Expense Export Status); this bill is {record.status.label}."
    if isinstance(record, User) and record.employment_type == EmploymentType.none:
        return "In order for a user to sync, they need a User Type of either Employee or 1099 Vendor."
    return None


def job_refusal(settings: QuickBooksSettings, project: Project) -> str | None:
    """Sync Job sends a contract even when Customer Job Export is off (then to the customer itself);
    only the contract date gate applies to the contract as a whole."""
    if settings.sync_after and project.contract_date and project.contract_date < settings.sync_after:
        return (f"The contract date {project.contract_date:%b %d, %Y} is before “Synchronize contracts after "
                f"this date” ({settings.sync_after:%b %d, %Y}); older contracts are not synced.")
    return None


def contract_date(record) -> date | None:
    project = project_of(record)
    if project is not None and project.contract_date:
        return project.contract_date
    for attr in ("invoice_date", "memo_date", "payment_date", "bill_date"):
        if getattr(record, attr, None):
            return getattr(record, attr)
    return None


def bill_status_exports(settings: QuickBooksSettings, status: BillStatus) -> bool:
    if settings.expense_export_status == ExpenseExportStatus.paid:
        return status == BillStatus.paid
    return status in (BillStatus.paid, BillStatus.approved)


def user_quickbooks_type(user: User) -> str:
    """Employee → QuickBooks Employee; 1099 Vendor → QuickBooks Vendor (Vendor1099)."""
    return "Vendor" if user.employment_type == EmploymentType.vendor_1099 else "Employee"


# ---- formats ------------------------------------------------------------------------------------

CUSTOMER_NAME_FORMATS = {
    CustomerNameFormat.last_first: "Lastname, Firstname (recommended)",
    CustomerNameFormat.first_last: "Firstname Lastname",
    CustomerNameFormat.company_or_last_first: "Company name, else Lastname, Firstname",
    CustomerNameFormat.last_first_company: "Lastname, Firstname (Company name)",
}
JOB_NAME_FORMATS = {
    JobNameFormat.number_address: "Project Number - Project Address (recommended)",
    JobNameFormat.number: "Project Number",
    JobNameFormat.address: "Project Address",
    JobNameFormat.address_number: "Project Address - Project Number",
}


def text(value: str | None, settings: QuickBooksSettings) -> str:
    """The Synchronization Format: all data in capital letters when the admin asks for it."""
    value = (value or "").strip()
    return value.upper() if settings.capitalize else value


def _clean_name(name: str) -> str:
    # QuickBooks uses ':' to separate a customer from its jobs (FullyQualifiedName), so no name may contain it.
    return " ".join(name.replace(":", "-").split())


def customer_name(customer: Customer, settings: QuickBooksSettings) -> str:
    last, first, company = customer.last_name.strip(), customer.first_name.strip(), customer.company_name.strip()
    person_lf = ", ".join(p for p in (last, first) if p)
    fmt = settings.customer_name_format
    if fmt == CustomerNameFormat.first_last:
        name = " ".join(p for p in (first, last) if p)
    elif fmt == CustomerNameFormat.company_or_last_first:
        name = company or person_lf
    elif fmt == CustomerNameFormat.last_first_company:
        name = f"{person_lf} ({company})" if company and person_lf else (person_lf or company)
    else:
        name = person_lf
    name = name or company or f"Customer {customer.id}"
    return text(_clean_name(name), settings)


def job_name(project: Project, settings: QuickBooksSettings) -> str:
    number, address = project.number.strip(), project.address.strip()
    fmt = settings.job_name_format
    if fmt == JobNameFormat.number:
        name = number
    elif fmt == JobNameFormat.address:
        name = address or number
    elif fmt == JobNameFormat.address_number:
        name = f"{address} - {number}" if address else number
    else:
        name = f"{number} - {address}" if address else number
    return text(_clean_name(name), settings)
