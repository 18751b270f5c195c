"""What the sandbox knows about each QuickBooks Online entity: kind, names, references.

Data, not behaviour: `company.py` reads these tables when it validates and derives fields.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EntitySpec:
    name: str
    name_list: bool                  # never hard-deleted; Active=false instead; queries default to active
    name_field: str | None = None    # what Ref.name is filled from
    name_namespace: str | None = None  # uniqueness scope for names (6240)
    doc_number_unique: bool = False  # DocNumber checked for duplicates (6140)
    creatable: bool = True
    cdc: bool = True                 # TaxCode (and TaxRate) are not covered by CDC or webhooks
    voidable: bool = False


SPECS: dict[str, EntitySpec] = {s.name: s for s in [
    EntitySpec("Account", True, "FullyQualifiedName", "Account"),
    EntitySpec("Customer", True, "FullyQualifiedName", "people"),
    EntitySpec("Employee", True, "DisplayName", "people"),
    EntitySpec("Vendor", True, "DisplayName", "people"),
    EntitySpec("Item", True, "FullyQualifiedName", "Item"),
    EntitySpec("Class", True, "FullyQualifiedName", "Class"),
    EntitySpec("Term", True, "Name", "Term"),
    EntitySpec("TaxCode", True, "Name", None, creatable=False, cdc=False),
    EntitySpec("TaxRate", True, "Name", None, creatable=False, cdc=False),
    EntitySpec("CompanyInfo", False, "CompanyName", None, creatable=False, cdc=False),
    EntitySpec("Preferences", False, None, None, creatable=False, cdc=False),
    EntitySpec("Invoice", False, doc_number_unique=True, voidable=True),
    EntitySpec("Payment", False, voidable=True),
    EntitySpec("Bill", False),
    # Sales forms share the "custom transaction numbers" check; Bill numbers are the vendor's and may repeat.
    EntitySpec("CreditMemo", False, doc_number_unique=True),
]}

# URL segment (lower case, as python-quickbooks builds it) -> entity name
BY_PATH = {name.lower(): name for name in SPECS}

# Which entity a reference field points at. ParentRef points at the entity's own type.
REF_TARGETS = {
    "CustomerRef": "Customer",
    "VendorRef": "Vendor",
    "EmployeeRef": "Employee",
    "ItemRef": "Item",
    "ClassRef": "Class",
    "SalesTermRef": "Term",
    "TermRef": "Term",
    "TaxCodeRef": "TaxCode",
    "TaxRateRef": "TaxRate",
    "AccountRef": "Account",
    "IncomeAccountRef": "Account",
    "ExpenseAccountRef": "Account",
    "AssetAccountRef": "Account",
    "DepositToAccountRef": "Account",
    "ARAccountRef": "Account",
    "APAccountRef": "Account",
}

# AccountType -> Classification (the part of the chart of accounts the sandbox uses).
ACCOUNT_CLASSIFICATION = {
    "Bank": "Asset",
    "Accounts Receivable": "Asset",
    "Other Current Asset": "Asset",
    "Fixed Asset": "Asset",
    "Other Asset": "Asset",
    "Accounts Payable": "Liability",
    "Credit Card": "Liability",
    "Other Current Liability": "Liability",
    "Long Term Liability": "Liability",
    "Equity": "Equity",
    "Income": "Revenue",
    "Other Income": "Revenue",
    "Cost of Goods Sold": "Expense",
    "Expense": "Expense",
    "Other Expense": "Expense",
}

# Fields the server computes; whatever a client sends for them is ignored.
DERIVED_FIELDS = {
    "_all": {"Id", "SyncToken", "MetaData", "domain", "sparse", "status"},
    "Account": {"FullyQualifiedName", "Classification", "CurrentBalance", "CurrentBalanceWithSubAccounts"},
    "Customer": {"FullyQualifiedName", "Level", "Balance", "BalanceWithJobs"},
    "Employee": set(),
    "Vendor": {"Balance"},
    "Item": {"FullyQualifiedName", "Level"},
    "Class": {"FullyQualifiedName"},
    "Term": set(),
    "Invoice": {"TotalAmt", "Balance", "HomeBalance", "HomeTotalAmt", "LinkedTxn"},
    "Payment": {"UnappliedAmt"},
    "Bill": {"TotalAmt", "Balance", "HomeBalance"},
    "CreditMemo": {"TotalAmt", "Balance", "RemainingCredit"},
}

# Sales rep: QBO has no SalesRep entity. The sandbox (and, by agreement, the sync engine) carries it
# as an invoice custom field named "Sales Rep" (DefinitionId "1"), stored and echoed as sent.
SALES_REP_CUSTOM_FIELD = {"DefinitionId": "1", "Name": "Sales Rep", "Type": "StringType"}
