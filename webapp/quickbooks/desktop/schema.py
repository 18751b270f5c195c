"""The part of the qbXML 13.0 schema this integration speaks, as data.

qbXML aggregates are XSD *sequences*: QuickBooks rejects a whole message (hresult 0x80040400) when
a child element appears out of order or is unknown. Both the request builder (``qbxml.py``) and the
simulated company (``sandbox/desktop``) read the order from here, so the two can never disagree and
the one place to correct if Intuit's schema says otherwise is this file.

The sequences below follow qbxmlops130.xml for the elements we emit; optional elements we never
send are omitted (a subset of a sequence, in the same relative order, is still valid qbXML).
Choices in a sequence (``ListID | FullName | filters``) are flattened in declaration order, which
is the order the schema fixes for every branch.
"""

from __future__ import annotations

QBXML_VERSION = "13.0"

# Reference aggregates (ListID?, FullName?) share one shape.
REF = ("ListID", "FullName")

ADDRESS = ("Addr1", "Addr2", "Addr3", "Addr4", "Addr5", "City", "State", "PostalCode", "Country", "Note")

REF_ELEMENTS = frozenset({
    "ParentRef", "ClassRef", "TermsRef", "SalesRepRef", "SalesTaxCodeRef", "CustomerRef", "VendorRef",
    "ARAccountRef", "APAccountRef", "AccountRef", "ItemRef", "DepositToAccountRef", "PaymentMethodRef",
    "TemplateRef", "IncomeAccountRef", "ExpenseAccountRef", "SalesRepEntityRef", "CustomerTypeRef",
    "VendorTypeRef", "ItemSalesTaxRef", "CustomerMsgRef", "ShipMethodRef", "PrefVendorRef",
    "CustomerSalesTaxCodeRef", "PurchaseTaxCodeRef", "OverrideItemAccountRef",
})

ADDRESS_ELEMENTS = frozenset({"BillAddress", "ShipAddress", "VendorAddress", "EmployeeAddress"})

_CUSTOMER_BODY = (
    "Name", "IsActive", "ClassRef", "ParentRef", "CompanyName", "Salutation", "FirstName", "MiddleName",
    "LastName", "JobTitle", "BillAddress", "ShipAddress", "PrintAs", "Phone", "Mobile", "Pager",
    "AltPhone", "Fax", "Email", "Cc", "Contact", "AltContact", "CustomerTypeRef", "TermsRef",
    "SalesRepRef",
)
_CUSTOMER_TAIL = (
    "SalesTaxCodeRef", "ItemSalesTaxRef", "ResaleNumber", "AccountNumber", "CreditLimit",
    "JobStatus", "JobStartDate", "JobProjectedEndDate", "JobEndDate", "JobDesc", "Notes",
)

_VENDOR_BODY = (
    "Name", "IsActive", "ClassRef", "IsTaxAgency", "CompanyName", "Salutation", "FirstName", "MiddleName",
    "LastName", "JobTitle", "VendorAddress", "ShipAddress", "Phone", "Mobile", "Pager", "AltPhone", "Fax",
    "Email", "Cc", "Contact", "AltContact", "NameOnCheck", "AccountNumber", "Notes", "VendorTypeRef",
    "TermsRef", "CreditLimit", "VendorTaxIdent", "IsVendorEligibleFor1099",
)

_EMPLOYEE_BODY = (
    "IsActive", "Salutation", "FirstName", "MiddleName", "LastName", "JobTitle", "EmployeeAddress",
    "PrintAs", "Phone", "Mobile", "Pager", "AltPhone", "Fax", "Email", "EmployeeType", "Gender",
    "HiredDate", "ReleasedDate", "AccountNumber", "Notes",
)

_SALES_HEADER = (
    "CustomerRef", "ClassRef", "ARAccountRef", "TemplateRef", "TxnDate", "RefNumber", "BillAddress",
    "ShipAddress", "IsPending", "PONumber", "TermsRef", "DueDate", "SalesRepRef", "FOB", "ShipDate",
    "ShipMethodRef", "ItemSalesTaxRef", "Memo", "CustomerMsgRef", "IsToBePrinted", "IsToBeEmailed",
    "IsTaxIncluded", "CustomerSalesTaxCodeRef", "Other",
)

_SALES_LINE = ("ItemRef", "Desc", "Quantity", "Rate", "ClassRef", "Amount", "ServiceDate", "SalesTaxCodeRef",
               "OverrideItemAccountRef", "Other1", "Other2")

_LIST_FILTERS = ("ListID", "FullName", "MaxReturned", "ActiveStatus", "FromModifiedDate", "ToModifiedDate",
                 "NameFilter", "NameRangeFilter")
_TXN_FILTERS = ("TxnID", "RefNumber", "RefNumberCaseSensitive", "MaxReturned", "ModifiedDateRangeFilter",
                "TxnDateRangeFilter", "EntityFilter", "AccountFilter", "RefNumberFilter", "RefNumberRangeFilter")

# element name -> its children in schema order. Request elements (…Rq) and nested aggregates alike.
SEQUENCES: dict[str, tuple[str, ...]] = {
    # ---- list adds/mods -------------------------------------------------------------------------
    "CustomerAdd": _CUSTOMER_BODY + ("OpenBalance", "OpenBalanceDate") + _CUSTOMER_TAIL + ("ExternalGUID",),
    "CustomerMod": ("ListID", "EditSequence") + _CUSTOMER_BODY + _CUSTOMER_TAIL,
    "VendorAdd": _VENDOR_BODY + ("OpenBalance", "OpenBalanceDate", "ExternalGUID"),
    "VendorMod": ("ListID", "EditSequence") + _VENDOR_BODY,
    "EmployeeAdd": _EMPLOYEE_BODY,  # no ExternalGUID on employees
    "EmployeeMod": ("ListID", "EditSequence") + _EMPLOYEE_BODY,
    "SalesRepAdd": ("Initial", "IsActive", "SalesRepEntityRef"),
    "SalesRepMod": ("ListID", "EditSequence", "Initial", "IsActive", "SalesRepEntityRef"),
    "ItemServiceAdd": ("Name", "BarCode", "IsActive", "ClassRef", "ParentRef", "IsTaxIncluded", "SalesTaxCodeRef",
                       "SalesOrPurchase", "SalesAndPurchase", "ExternalGUID"),
    "ItemServiceMod": ("ListID", "EditSequence", "Name", "BarCode", "IsActive", "ClassRef", "ParentRef",
                       "IsTaxIncluded", "SalesTaxCodeRef", "SalesOrPurchaseMod", "SalesAndPurchaseMod"),
    "SalesOrPurchase": ("Desc", "Price", "PricePercent", "AccountRef"),
    "SalesOrPurchaseMod": ("Desc", "Price", "PricePercent", "AccountRef", "ApplyAccountRefToExistingTxns"),
    "SalesAndPurchase": ("SalesDesc", "SalesPrice", "IncomeAccountRef", "PurchaseDesc", "PurchaseCost",
                         "PurchaseTaxCodeRef", "ExpenseAccountRef", "PrefVendorRef"),
    "SalesAndPurchaseMod": ("SalesDesc", "SalesPrice", "IncomeAccountRef", "ApplyIncomeAccountRefToExistingTxns",
                            "PurchaseDesc", "PurchaseCost", "PurchaseTaxCodeRef", "ExpenseAccountRef",
                            "ApplyExpenseAccountRefToExistingTxns", "PrefVendorRef"),
    "ClassAdd": ("Name", "IsActive", "ParentRef"),
    "ClassMod": ("ListID", "EditSequence", "Name", "IsActive", "ParentRef"),
    "StandardTermsAdd": ("Name", "IsActive", "StdDueDays", "StdDiscountDays", "DiscountPct"),
    "StandardTermsMod": ("ListID", "EditSequence", "Name", "IsActive", "StdDueDays", "StdDiscountDays",
                         "DiscountPct"),
    # ---- transactions ---------------------------------------------------------------------------
    "InvoiceAdd": ("CustomerRef", "ClassRef", "ARAccountRef", "TemplateRef", "TxnDate", "RefNumber", "BillAddress",
                   "ShipAddress", "IsPending", "IsFinanceCharge", "PONumber", "TermsRef", "DueDate",
                   "SalesRepRef", "FOB", "ShipDate", "ShipMethodRef", "ItemSalesTaxRef", "Memo",
                   "CustomerMsgRef", "IsToBePrinted", "IsToBeEmailed", "IsTaxIncluded", "CustomerSalesTaxCodeRef",
                   "Other", "ExternalGUID", "InvoiceLineAdd"),
    "InvoiceLineAdd": _SALES_LINE,
    "InvoiceMod": ("TxnID", "EditSequence") + _SALES_HEADER + ("InvoiceLineMod",),
    "InvoiceLineMod": ("TxnLineID",) + _SALES_LINE,
    "CreditMemoAdd": _SALES_HEADER + ("ExternalGUID", "CreditMemoLineAdd"),
    "CreditMemoLineAdd": _SALES_LINE,
    # Mod lines: TxnLineID "-1" adds a line, an existing TxnLineID changes it, and QuickBooks deletes
    # the lines a Mod that lists lines leaves out (see mapping.as_mod: we re-send every line as "-1").
    "CreditMemoMod": ("TxnID", "EditSequence") + _SALES_HEADER + ("CreditMemoLineMod",),
    "CreditMemoLineMod": ("TxnLineID",) + _SALES_LINE,
    "ReceivePaymentAdd": ("CustomerRef", "ARAccountRef", "TxnDate", "RefNumber", "TotalAmount", "PaymentMethodRef",
                          "Memo", "DepositToAccountRef", "ExternalGUID", "IsAutoApply", "AppliedToTxnAdd"),
    "AppliedToTxnAdd": ("TxnID", "PaymentAmount", "DiscountAmount", "DiscountAccountRef"),
    # No IsAutoApply on a Mod; AppliedToTxnMod lists replace the payment's applications.
    "ReceivePaymentMod": ("TxnID", "EditSequence", "CustomerRef", "ARAccountRef", "TxnDate", "RefNumber",
                          "TotalAmount", "PaymentMethodRef", "Memo", "DepositToAccountRef", "AppliedToTxnMod"),
    "AppliedToTxnMod": ("TxnID", "PaymentAmount", "SetCredit", "DiscountAmount", "DiscountAccountRef"),
    "BillAdd": ("VendorRef", "VendorAddress", "APAccountRef", "TxnDate", "DueDate", "RefNumber", "TermsRef", "Memo",
                "ExternalGUID", "ExpenseLineAdd"),
    "ExpenseLineAdd": ("AccountRef", "Amount", "Memo", "CustomerRef", "ClassRef", "SalesTaxCodeRef",
                       "BillableStatus"),
    "BillMod": ("TxnID", "EditSequence", "VendorRef", "VendorAddress", "APAccountRef", "TxnDate", "DueDate",
                "RefNumber", "TermsRef", "Memo", "ClearExpenseLines", "ExpenseLineMod"),
    "ExpenseLineMod": ("TxnLineID", "AccountRef", "Amount", "Memo", "CustomerRef", "ClassRef", "SalesTaxCodeRef",
                       "BillableStatus"),
    # ---- queries --------------------------------------------------------------------------------
    "AccountQuery": _LIST_FILTERS + ("AccountType", "IncludeRetElement"),
    "ClassQuery": _LIST_FILTERS + ("IncludeRetElement",),
    "TermsQuery": _LIST_FILTERS + ("IncludeRetElement",),
    "SalesTaxCodeQuery": _LIST_FILTERS + ("IncludeRetElement",),
    "ItemQuery": _LIST_FILTERS + ("IncludeRetElement", "OwnerID"),
    "CustomerQuery": _LIST_FILTERS + ("TotalBalanceFilter", "ClassFilter", "IncludeRetElement", "OwnerID"),
    "VendorQuery": _LIST_FILTERS + ("TotalBalanceFilter", "ClassFilter", "IncludeRetElement", "OwnerID"),
    "EmployeeQuery": _LIST_FILTERS + ("IncludeRetElement", "OwnerID"),
    "SalesRepQuery": _LIST_FILTERS + ("IncludeRetElement",),
    "InvoiceQuery": _TXN_FILTERS + ("PaidStatus", "IncludeLineItems", "IncludeLinkedTxns", "IncludeRetElement",
                                    "OwnerID"),
    "BillQuery": _TXN_FILTERS + ("PaidStatus", "IncludeLineItems", "IncludeLinkedTxns", "IncludeRetElement",
                                 "OwnerID"),
    "ReceivePaymentQuery": _TXN_FILTERS + ("IncludeLineItems", "IncludeRetElement", "OwnerID"),
    "CreditMemoQuery": _TXN_FILTERS + ("IncludeLineItems", "IncludeLinkedTxns", "IncludeRetElement", "OwnerID"),
    "HostQuery": ("IncludeRetElement",),
    "CompanyQuery": ("IncludeRetElement",),
    # ---- nested filter aggregates ---------------------------------------------------------------
    "NameFilter": ("MatchCriterion", "Name"),
    "NameRangeFilter": ("FromName", "ToName"),
    "ModifiedDateRangeFilter": ("FromModifiedDate", "ToModifiedDate"),
    "TxnDateRangeFilter": ("FromTxnDate", "ToTxnDate", "DateMacro"),
    "EntityFilter": ("ListID", "FullName", "ListIDWithChildren", "FullNameWithChildren"),
    "AccountFilter": ("ListID", "FullName", "ListIDWithChildren", "FullNameWithChildren"),
    "RefNumberFilter": ("MatchCriterion", "RefNumber"),
    "RefNumberRangeFilter": ("FromRefNumber", "ToRefNumber"),
}
for _ref in REF_ELEMENTS:
    SEQUENCES[_ref] = REF
for _address in ADDRESS_ELEMENTS:
    SEQUENCES[_address] = ADDRESS

# Children that may repeat (every other child may appear at most once).
REPEATABLE = frozenset({
    "ListID", "FullName", "TxnID", "RefNumber", "RefNumberCaseSensitive", "IncludeRetElement", "OwnerID",
    "InvoiceLineAdd", "InvoiceLineMod", "CreditMemoLineAdd", "CreditMemoLineMod", "AppliedToTxnAdd",
    "AppliedToTxnMod", "ExpenseLineAdd", "ExpenseLineMod", "ListIDWithChildren", "FullNameWithChildren",
})

# Response records: children that are lists even when a single one comes back.
REPEATED_RET_CHILDREN = frozenset({
    "InvoiceLineRet", "CreditMemoLineRet", "AppliedToTxnRet", "ExpenseLineRet", "LinkedTxn", "DataExtRet",
    "SupportedQBXMLVersion",
})

# Queries QuickBooks runs with iterator="Start"/"Continue". Account, Class, Terms, SalesTaxCode,
# Employee and SalesRep queries reject the iterator attributes.
ITERATOR_QUERIES = frozenset({"CustomerQuery", "VendorQuery", "ItemQuery", "InvoiceQuery", "BillQuery",
                              "ReceivePaymentQuery", "CreditMemoQuery"})

# Request aggregates that are wrapped as <XAddRq requestID=".."><XAdd>...</XAdd></XAddRq>; queries put
# their filters directly inside <XQueryRq>.
WRAPPED_REQUESTS = frozenset(name for name in SEQUENCES
                             if name.endswith(("Add", "Mod")) and name not in {
                                 "InvoiceLineAdd", "InvoiceLineMod", "CreditMemoLineAdd", "CreditMemoLineMod",
                                 "AppliedToTxnAdd", "AppliedToTxnMod", "ExpenseLineAdd", "ExpenseLineMod"})
QUERY_REQUESTS = frozenset(name for name in SEQUENCES if name.endswith("Query"))

# Desktop field length limits (characters). Exceeding one is statusCode 3070 in QuickBooks.
MAX_LENGTH: dict[tuple[str, str], int] = {
    ("Customer", "Name"): 41,
    ("Vendor", "Name"): 41,
    ("Employee", "Name"): 41,
    ("Item", "Name"): 31,
    ("Class", "Name"): 31,
    ("Terms", "Name"): 31,
    ("SalesRep", "Initial"): 5,
    ("Invoice", "RefNumber"): 11,
    ("CreditMemo", "RefNumber"): 11,
    ("ReceivePayment", "RefNumber"): 20,
    ("Bill", "RefNumber"): 20,
    ("*", "EditSequence"): 16,
    ("*", "CompanyName"): 41,
    ("*", "FirstName"): 25,
    ("*", "LastName"): 25,
    ("*", "Memo"): 4095,
    ("*", "Desc"): 4095,
    ("*", "PONumber"): 25,
    ("*", "Phone"): 21,
    ("*", "Email"): 1023,
}

# FullName limits of references, by the list they point into.
REF_MAX_LENGTH = {
    "CustomerRef": 209, "ParentRef": 209, "AccountRef": 159, "ARAccountRef": 159, "APAccountRef": 159,
    "DepositToAccountRef": 159, "IncomeAccountRef": 159, "ExpenseAccountRef": 159, "ClassRef": 159,
    "TermsRef": 31, "VendorRef": 41, "SalesRepRef": 5, "SalesTaxCodeRef": 3, "ItemRef": 159,
    "SalesRepEntityRef": 41,
}

REQUEST_ID_MAX = 50

# Children the schema requires (minOccurs 1). A request without them is not valid qbXML: QuickBooks
# fails the whole message, and the builders refuse to produce one.
REQUIRED: dict[str, frozenset[str]] = {name: frozenset(children) for name, children in {
    "CustomerAdd": ("Name",),
    "VendorAdd": ("Name",),
    "SalesRepAdd": ("Initial", "SalesRepEntityRef"),
    "ItemServiceAdd": ("Name",),
    "ClassAdd": ("Name",),
    "StandardTermsAdd": ("Name",),
    "InvoiceAdd": ("CustomerRef",),
    "CreditMemoAdd": ("CustomerRef",),
    "ReceivePaymentAdd": ("CustomerRef",),
    "BillAdd": ("VendorRef",),
    "CustomerMod": ("ListID", "EditSequence"),
    "VendorMod": ("ListID", "EditSequence"),
    "EmployeeMod": ("ListID", "EditSequence"),
    "SalesRepMod": ("ListID", "EditSequence"),
    "ItemServiceMod": ("ListID", "EditSequence"),
    "ClassMod": ("ListID", "EditSequence"),
    "StandardTermsMod": ("ListID", "EditSequence"),
    "InvoiceMod": ("TxnID", "EditSequence"),
    "InvoiceLineMod": ("TxnLineID",),
    "CreditMemoMod": ("TxnID", "EditSequence"),
    "CreditMemoLineMod": ("TxnLineID",),
    "ReceivePaymentMod": ("TxnID", "EditSequence"),
    "AppliedToTxnMod": ("TxnID",),
    "BillMod": ("TxnID", "EditSequence"),
    "ExpenseLineMod": ("TxnLineID",),
    "AppliedToTxnAdd": ("TxnID",),
    "SalesOrPurchase": ("AccountRef",),
    "NameFilter": ("MatchCriterion", "Name"),
    "RefNumberFilter": ("MatchCriterion", "RefNumber"),
}.items()}
