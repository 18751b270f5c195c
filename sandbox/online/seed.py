"""The sandbox's seeded companies.

SMALL: a US contractor with a realistic chart of accounts, service items, classes, terms, tax codes,
vendors, employees, customers (one with a job) and three open invoices numbered 1001-1003, the numbers
the demo app gives its first invoices, so initial-sync matching by DocNumber can be exercised.
LARGE: 2,000 accounts, 10,000 items and 5,000 customers for import benchmarks, bulk-inserted.

Both are deterministic (same names and Ids every time); only timestamps follow the sandbox clock.
"""
from __future__ import annotations

import copy

from .clock import Clock
from .company import Books
from .store import Store

SMALL_REALM_ID = "9130357992251711"
SMALL_COMPANY_NAME = "Cedar Ridge Contracting"
LARGE_REALM_ID = "9130357992251722"
LARGE_COMPANY_NAME = "Granite Peak Builders Supply"
# Companies created at run time (`SandboxControl.create_company`) get ids from this prefix.
EXTRA_REALM_PREFIX = "91303579930"

TEMPLATES = ("small", "large", "empty")

SMALL_ACCOUNTS = [
    # Name, AccountType, AccountSubType
    ("Checking", "Bank", "Checking"),
    ("Savings", "Bank", "Savings"),
    ("Accounts Receivable (A/R)", "Accounts Receivable", "AccountsReceivable"),
    ("Undeposited Funds", "Other Current Asset", "UndepositedFunds"),
    ("Inventory Asset", "Other Current Asset", "Inventory"),
    ("Truck", "Fixed Asset", "Vehicles"),
    ("Accounts Payable (A/P)", "Accounts Payable", "AccountsPayable"),
    ("Business Credit Card", "Credit Card", "CreditCard"),
    ("Sales Tax Payable", "Other Current Liability", "SalesTaxPayable"),
    ("Opening Balance Equity", "Equity", "OpeningBalanceEquity"),
    ("Services", "Income", "ServiceFeeIncome"),
    ("Sales of Product Income", "Income", "SalesOfProductIncome"),
    ("Installation Income", "Income", "ServiceFeeIncome"),
    ("Design Income", "Income", "ServiceFeeIncome"),
    ("Cost of Goods Sold", "Cost of Goods Sold", "SuppliesMaterialsCogs"),
    ("Subcontractors", "Cost of Goods Sold", "CostOfLaborCos"),
    ("Job Materials", "Expense", "SuppliesMaterials"),
    ("Equipment Rental", "Expense", "EquipmentRental"),
    ("Fuel", "Expense", "Auto"),
    ("Insurance", "Expense", "Insurance"),
    ("Permits and Licenses", "Expense", "TaxesPaid"),
]

SMALL_ITEMS = [
    # Name, Type, income account, expense account, unit price, description
    ("Services", "Service", "Services", None, 0, "General contracting services"),
    ("Labor", "Service", "Installation Income", None, 85, "Hourly labor"),
    ("Installation", "Service", "Installation Income", None, 120, "Installation work"),
    ("Design", "Service", "Design Income", None, 150, "Design and drafting"),
    ("Permit Fees", "Service", "Services", None, 0, "Permit fees passed through"),
    ("Materials", "NonInventory", "Sales of Product Income", "Job Materials", 0, "Job materials"),
    ("Concrete", "NonInventory", "Sales of Product Income", "Job Materials", 145, "Ready-mix concrete, per yard"),
]

SMALL_VENDORS = [("Home Depot Pro", False), ("Ace Lumber Supply", False), ("Sparks Electric", True),
                 ("Rivera Plumbing", True), ("City of Springfield Permits", False)]
SMALL_EMPLOYEES = [("Emily", "Platt"), ("Tony", "Rondonuwu")]
SMALL_CUSTOMERS = [
    {"DisplayName": "Amy Chen", "GivenName": "Amy", "FamilyName": "Chen",
     "PrimaryEmailAddr": {"Address": "amy.chen@example.com"}, "PrimaryPhone": {"FreeFormNumber": "(555) 201-3344"}},
    {"DisplayName": "Freeman Sporting Goods", "CompanyName": "Freeman Sporting Goods",
     "PrimaryEmailAddr": {"Address": "office@freemansports.example.com"}},
    {"DisplayName": "Paulsen Medical Supplies", "CompanyName": "Paulsen Medical Supplies",
     "PrimaryPhone": {"FreeFormNumber": "(555) 880-1200"}},
    {"DisplayName": "Dukes Basketball Camp", "CompanyName": "Dukes Basketball Camp"},
]
SMALL_JOBS = [("Freeman Sporting Goods", "55 Twin Lane")]


def _ref(ids: dict, key: str) -> dict:
    return {"value": ids[key]}


def seed_small(store: Store, clock: Clock, realm_id: str) -> None:
    books = Books(store, clock, realm_id)
    _seed_common(store, clock, realm_id, SMALL_COMPANY_NAME)
    accounts = {name: books.create("Account", {"Name": name, "AccountType": t, "AccountSubType": s})["Id"]
                for name, t, s in SMALL_ACCOUNTS}
    for name in ("Residential", "Commercial", "Remodel"):
        books.create("Class", {"Name": name})
    terms = {name: books.create("Term", {"Name": name, "DueDays": days})["Id"]
             for name, days in (("Due on receipt", 0), ("Net 15", 15), ("Net 30", 30), ("Net 60", 60))}
    items = {}
    for name, kind, income, expense, price, description in SMALL_ITEMS:
        body = {"Name": name, "Type": kind, "IncomeAccountRef": _ref(accounts, income), "UnitPrice": price,
                "Description": description, "Taxable": kind == "NonInventory"}
        if expense:
            body["ExpenseAccountRef"] = _ref(accounts, expense)
        items[name] = books.create("Item", body)["Id"]
    for name, is_1099 in SMALL_VENDORS:
        books.create("Vendor", {"DisplayName": name, "CompanyName": name, "Vendor1099": is_1099})
    for given, family in SMALL_EMPLOYEES:
        books.create("Employee", {"GivenName": given, "FamilyName": family})
    customers = {c["DisplayName"]: books.create("Customer", copy.deepcopy(c))["Id"] for c in SMALL_CUSTOMERS}
    for parent, job in SMALL_JOBS:
        customers[f"{parent}:{job}"] = books.create("Customer", {
            "DisplayName": job, "Job": True, "ParentRef": _ref(customers, parent), "BillWithParent": True})["Id"]
    invoices = [
        ("1001", "Amy Chen", "Net 30", [("Design", 4, 150), ("Labor", 10, 85)]),
        ("1002", "Freeman Sporting Goods:55 Twin Lane", "Net 15", [("Installation", 6, 120), ("Concrete", 3, 145)]),
        ("1003", "Paulsen Medical Supplies", "Due on receipt", [("Services", 1, 2500)]),
    ]
    for number, customer, term, lines in invoices:
        books.create("Invoice", {
            "DocNumber": number, "CustomerRef": _ref(customers, customer), "SalesTermRef": _ref(terms, term),
            "Line": [{"DetailType": "SalesItemLineDetail", "Amount": qty * price,
                      "SalesItemLineDetail": {"ItemRef": _ref(items, item), "Qty": qty, "UnitPrice": price}}
                     for item, qty, price in lines]})


def _seed_common(store: Store, clock: Clock, realm_id: str, name: str) -> None:
    now = clock.stamp()
    meta = {"CreateTime": now, "LastUpdatedTime": now}
    store.bulk_put(realm_id, {
        "TaxCode": [
            {"Id": "TAX", "Name": "TAX", "Description": "TAX", "Taxable": True, "TaxGroup": False, "Active": True,
             "SyncToken": "0", "MetaData": meta, "domain": "QBO", "sparse": False},
            {"Id": "NON", "Name": "NON", "Description": "NON", "Taxable": False, "TaxGroup": False, "Active": True,
             "SyncToken": "0", "MetaData": meta, "domain": "QBO", "sparse": False},
        ],
        "TaxRate": [
            {"Id": "1", "Name": "California", "Description": "California state sales tax", "RateValue": 7.25,
             "Active": True, "AgencyRef": {"value": "1"}, "SpecialTaxType": "NONE", "DisplayType": "ReadOnly",
             "SyncToken": "0", "MetaData": meta, "domain": "QBO", "sparse": False},
        ],
        # Read-only here. Custom transaction numbers are on (the demo app sends its own DocNumbers) and
        # sales forms carry the "Sales Rep" custom field (entities.SALES_REP_CUSTOM_FIELD).
        "Preferences": [{
            "Id": "1", "SyncToken": "0", "MetaData": meta, "domain": "QBO", "sparse": False,
            "AccountingInfoPrefs": {"TrackDepartments": False, "ClassTrackingPerTxn": False,
                                    "ClassTrackingPerTxnLine": True, "CustomerTerminology": "Customers"},
            "SalesFormsPrefs": {"CustomTxnNumbers": True, "AllowDiscount": True, "AllowDeposit": False,
                                "AllowShipping": False, "ETransactionEnabledStatus": "NotApplicable",
                                "CustomField": [{"CustomField": [
                                    {"Name": "SalesFormsPrefs.UseSalesCustom1", "Type": "BooleanType",
                                     "BooleanValue": True},
                                    {"Name": "SalesFormsPrefs.SalesCustomName1", "Type": "StringType",
                                     "StringValue": "Sales Rep"}]}]},
            "VendorAndPurchasesPrefs": {"BillableExpenseTracking": True, "TrackingByCustomer": True},
            "TaxPrefs": {"UsingSalesTax": True},
            "CurrencyPrefs": {"MultiCurrencyEnabled": False, "HomeCurrency": {"value": "USD"}},
        }],
        "CompanyInfo": [{
            "Id": "1", "SyncToken": "0", "CompanyName": name, "LegalName": f"{name} LLC", "Country": "US",
            "CompanyAddr": {"Line1": "100 Main Street", "City": "Springfield", "CountrySubDivisionCode": "CA",
                            "PostalCode": "94000"},
            "Email": {"Address": "owner@example.com"}, "FiscalYearStartMonth": "January",
            "SupportedLanguages": "en", "MetaData": meta, "domain": "QBO", "sparse": False,
        }],
    })


def seed_large(store: Store, clock: Clock, realm_id: str) -> None:
    """Built as documents and bulk-inserted: going through validation 17,000 times would take tens
    of seconds; the shapes match what `Books` produces."""
    _seed_common(store, clock, realm_id, LARGE_COMPANY_NAME)
    now = clock.stamp()

    def stamp(doc: dict, id_: int) -> dict:
        doc.update({"Id": str(id_), "SyncToken": "0", "MetaData": {"CreateTime": now, "LastUpdatedTime": now},
                    "domain": "QBO", "sparse": False})
        return doc

    kinds = [("Bank", "Asset", "Checking"), ("Other Current Asset", "Asset", "OtherCurrentAssets"),
             ("Income", "Revenue", "ServiceFeeIncome"), ("Expense", "Expense", "SuppliesMaterials"),
             ("Cost of Goods Sold", "Expense", "SuppliesMaterialsCogs"),
             ("Other Current Liability", "Liability", "OtherCurrentLiabilities")]
    essentials = [("Accounts Receivable (A/R)", "Accounts Receivable", "Asset", "AccountsReceivable"),
                  ("Undeposited Funds", "Other Current Asset", "Asset", "UndepositedFunds"),
                  ("Accounts Payable (A/P)", "Accounts Payable", "Liability", "AccountsPayable"),
                  ("Services", "Income", "Revenue", "ServiceFeeIncome")]
    accounts = []
    for i in range(2000):
        if i < len(essentials):
            name, account_type, classification, subtype = essentials[i]
        else:
            account_type, classification, subtype = kinds[i % len(kinds)]
            name = f"{account_type} {i:04d}"
        accounts.append(stamp({"Name": name, "FullyQualifiedName": name, "SubAccount": False, "Active": True,
                               "AccountType": account_type, "AccountSubType": subtype,
                               "Classification": classification, "CurrentBalance": 0.0,
                               "CurrentBalanceWithSubAccounts": 0.0}, i + 1))
    income_ref = {"value": "4", "name": "Services"}
    items = []
    for i in range(10000):
        name = f"Part {i + 1:05d}"
        kind = "Service" if i % 3 == 0 else "NonInventory"
        items.append(stamp({"Name": name, "FullyQualifiedName": name, "SubItem": False, "Active": True,
                            "Type": kind, "IncomeAccountRef": dict(income_ref), "UnitPrice": float(5 + i % 500),
                            "Description": f"{kind} item {i + 1}", "Taxable": False,
                            "TrackQtyOnHand": False}, i + 1))
    first = ["Avery", "Blake", "Casey", "Devon", "Emery", "Finley", "Gray", "Harper", "Indy", "Jordan"]
    last = ["Adams", "Brooks", "Carter", "Diaz", "Evans", "Foster", "Garcia", "Hughes", "Irwin", "Jensen"]
    customers = []
    for i in range(5000):
        id_ = i + 1
        if i % 5 == 4:  # every fifth customer is a job of the one before it
            parent = customers[-1]
            name = f"Job {id_:05d}"
            customers.append(stamp({"DisplayName": name, "FullyQualifiedName": f"{parent['DisplayName']}:{name}",
                                    "Job": True, "ParentRef": {"value": parent["Id"], "name": parent["DisplayName"]},
                                    "BillWithParent": False, "Level": 1, "Active": True,
                                    "Balance": 0.0, "BalanceWithJobs": 0.0}, id_))
        else:
            given, family = first[i % 10], last[(i // 10) % 10]
            name = f"{given} {family} {id_:05d}"
            customers.append(stamp({"DisplayName": name, "FullyQualifiedName": name, "GivenName": given,
                                    "FamilyName": family, "Job": False, "Level": 0, "BillWithParent": False,
                                    "Active": True, "Balance": 0.0, "BalanceWithJobs": 0.0,
                                    "PrimaryEmailAddr": {"Address": f"customer{id_}@example.com"}}, id_))
    terms = [stamp({"Name": n, "Type": "STANDARD", "DueDays": d, "Active": True}, k + 1)
             for k, (n, d) in enumerate((("Due on receipt", 0), ("Net 15", 15), ("Net 30", 30), ("Net 60", 60)))]
    store.bulk_put(realm_id, {"Account": accounts, "Item": items, "Customer": customers, "Term": terms})


def seed(store: Store, clock: Clock, realm_id: str, template: str) -> None:
    if template == "small":
        seed_small(store, clock, realm_id)
    elif template == "large":
        seed_large(store, clock, realm_id)
    elif template == "empty":
        _seed_common(store, clock, realm_id, "Empty Company")
    else:
        raise ValueError(f"unknown company template {template!r}; use one of {TEMPLATES}")
