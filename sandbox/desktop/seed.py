"""A small, realistic contractor's company file to start from (and to reset to)."""

from __future__ import annotations

from typing import Any

from .book import Book

DEFAULT_FILE_NAME = r"C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\Contractors Demo.QBW"
DEFAULT_COMPANY_NAME = "Contractors Demo Co"

_ACCOUNTS = [
    ("Checking", "Bank"), ("Accounts Receivable", "AccountsReceivable"), ("Undeposited Funds", "OtherCurrentAsset"),
    ("Accounts Payable", "AccountsPayable"), ("Construction Income", "Income"), ("Service Income", "Income"),
    ("Job Materials", "CostOfGoodsSold"), ("Subcontractors", "CostOfGoodsSold"), ("Equipment Rental", "Expense"),
    ("Utilities", "Expense"),
]


def seed(book: Book) -> None:
    def ref(kind: str, name: str) -> dict[str, str]:
        record = book.by_full_name(kind, name)
        assert record is not None, name
        return {"ListID": record["ListID"], "FullName": record.get("FullName", record.get("Name"))}

    for number, (name, account_type) in enumerate(_ACCOUNTS, start=1000):
        book.new_list_record("Account", {"Name": name, "FullName": name, "IsActive": "true", "Sublevel": "0",
                                         "AccountType": account_type, "AccountNumber": str(number),
                                         "Balance": "0.00", "TotalBalance": "0.00"})
    for name in ("Residential", "Commercial"):
        book.new_list_record("Class", {"Name": name, "FullName": name, "IsActive": "true", "Sublevel": "0"})
    for name, days in (("Due on receipt", 0), ("Net 15", 15), ("Net 30", 30)):
        book.new_list_record("Terms", {"_ret": "StandardTermsRet", "Name": name, "FullName": name,
                                       "IsActive": "true", "StdDueDays": str(days)})
    for name, desc, taxable in (("Tax", "Taxable Sales", "true"), ("Non", "Non-Taxable Sales", "false")):
        book.new_list_record("SalesTaxCode", {"Name": name, "FullName": name, "IsActive": "true", "Desc": desc,
                                              "IsTaxable": taxable})
    for name in ("Cash", "Check", "Visa"):
        book.new_list_record("PaymentMethod", {"Name": name, "FullName": name, "IsActive": "true"})
    for name, price, account in (("Labor", "85.00", "Construction Income"),
                                 ("Consulting", "120.00", "Service Income")):
        book.new_list_record("Item", {"_ret": "ItemServiceRet", "Name": name, "FullName": name, "IsActive": "true",
                                      "Sublevel": "0",
                                      "SalesOrPurchase": {"Desc": name, "Price": price,
                                                          "AccountRef": ref("Account", account)}})
    for name, company in (("Acme Property Group", "Acme Property Group LLC"), ("Baker Residence", "")):
        fields: dict[str, Any] = {"Name": name, "FullName": name, "IsActive": "true", "Sublevel": "0"}
        if company:
            fields["CompanyName"] = company
        book.new_list_record("Customer", fields)
    for name in ("Home Supply Co", "Rapid Electric LLC"):
        book.new_list_record("Vendor", {"Name": name, "FullName": name, "IsActive": "true", "CompanyName": name})
    book.new_list_record("Employee", {"Name": "Dana Lopez", "FullName": "Dana Lopez", "IsActive": "true",
                                      "FirstName": "Dana", "LastName": "Lopez"})
