"""Create, read, update, delete and the validation faults, through python-quickbooks over HTTP."""
from __future__ import annotations

import re

import pytest
from quickbooks.exceptions import ObjectNotFoundException, QuickbooksException, ValidationException
from quickbooks.objects import Account, Customer, Employee, Invoice, Item, Payment, Term, Vendor
from quickbooks.objects.base import Ref
from quickbooks.objects.creditmemo import CreditMemo

OFFSET_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-08:00$")


def ref(value) -> Ref:
    r = Ref()
    r.value = str(value)
    return r


def find(qb, cls, **where):
    rows = cls.filter(qb=qb, **where)
    assert len(rows) == 1, rows
    return rows[0]


def invoice_body(customer_id: str, item_id: str, amount: float, doc_number: str | None = None) -> dict:
    body = {"CustomerRef": {"value": customer_id},
            "Line": [{"DetailType": "SalesItemLineDetail", "Amount": amount,
                      "SalesItemLineDetail": {"ItemRef": {"value": item_id}}}]}
    if doc_number:
        body["DocNumber"] = doc_number
    return body


def test_create_and_read_customer_envelope(api):
    response = api.post("customer", {"DisplayName": "Ruth Ortiz", "GivenName": "Ruth",
                                     "PrimaryEmailAddr": {"Address": "ruth@example.com"}})
    assert response.status_code == 200
    body = response.json()
    customer = body["Customer"]
    assert isinstance(customer["Id"], str) and customer["SyncToken"] == "0"
    assert OFFSET_TIME.match(customer["MetaData"]["CreateTime"])
    assert customer["MetaData"]["CreateTime"] == customer["MetaData"]["LastUpdatedTime"]
    assert customer["FullyQualifiedName"] == "Ruth Ortiz" and customer["Active"] is True
    assert re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}-08:00$", body["time"])
    read = api.get(f"customer/{customer['Id']}").json()["Customer"]
    assert read == customer


def test_python_quickbooks_save_accepts_int_synctoken_and_empty_strings(qb, control, realm):
    customer = Customer()
    customer.DisplayName = "Lopez Remodeling"
    customer.CompanyName = "Lopez Remodeling"
    saved = customer.save(qb=qb)  # sends SyncToken 0 (int) and "" for every unset field
    assert saved.SyncToken == "0" and saved.Id
    stored = control.read(realm, "Customer", saved.Id)
    assert "Title" not in stored and "FamilyName" not in stored  # "" means unset, not stored
    saved.Notes = "Prefers email"
    updated = saved.save(qb=qb)
    assert updated.SyncToken == "1" and updated.Notes == "Prefers email"


def test_stale_synctoken_is_5010(qb):
    customer = find(qb, Customer, DisplayName="Amy Chen")
    customer.Notes = "first"
    customer.save(qb=qb)
    customer.Notes = "second, from an old copy"
    with pytest.raises(QuickbooksException) as info:
        customer.save(qb=qb)
    assert info.value.error_code == 5010
    assert find(qb, Customer, DisplayName="Amy Chen").Notes == "first"


def test_fault_json_shape_is_exact(api):
    current = api.rows("select * from Customer where DisplayName = 'Amy Chen'", "Customer")[0]
    response = api.post("customer", {"Id": current["Id"], "SyncToken": "99", "sparse": True, "Notes": "x"})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"Fault", "time"}
    assert body["Fault"]["type"] == "ValidationFault"
    error = body["Fault"]["Error"][0]
    assert set(error) == {"Message", "Detail", "code", "element"}
    assert error["code"] == "5010" and error["Message"] == "Stale Object Error"


def test_sparse_update_changes_only_sent_fields_full_update_clears(api):
    created = api.post("customer", {"DisplayName": "Sparse Co", "Notes": "keep", "CompanyName": "Sparse Co"}).json()["Customer"]
    sparse = api.post("customer", {"Id": created["Id"], "SyncToken": created["SyncToken"], "sparse": True,
                                   "CompanyName": "Sparse Company"}).json()["Customer"]
    assert sparse["Notes"] == "keep" and sparse["CompanyName"] == "Sparse Company" and sparse["SyncToken"] == "1"
    full = api.post("customer", {"Id": created["Id"], "SyncToken": 1, "DisplayName": "Sparse Co"}).json()["Customer"]
    assert "Notes" not in full and "CompanyName" not in full and full["SyncToken"] == "2"
    assert full["MetaData"]["CreateTime"] == created["MetaData"]["CreateTime"]


def test_display_name_unique_across_customer_vendor_employee(qb):
    vendor = Vendor()
    vendor.DisplayName = "Amy Chen"  # a seeded customer
    with pytest.raises(QuickbooksException) as info:
        vendor.save(qb=qb)
    assert info.value.error_code == 6240
    employee = Employee()
    employee.GivenName, employee.FamilyName = "Sparks", "Electric"
    employee.DisplayName = "sparks electric"  # a seeded vendor; names compare case-insensitively
    with pytest.raises(QuickbooksException) as info:
        employee.save(qb=qb)
    assert info.value.error_code == 6240
    customer = Customer()
    customer.DisplayName = "Emily Platt"  # a seeded employee
    with pytest.raises(QuickbooksException) as info:
        customer.save(qb=qb)
    assert info.value.error_code == 6240
    customer.DisplayName = "Emily Platt Designs"
    assert customer.save(qb=qb).Id


def test_deactivated_name_is_freed_and_hidden_from_default_queries(api):
    created = api.post("vendor", {"DisplayName": "Old Supplier"}).json()["Vendor"]
    inactive = api.post("vendor", {"Id": created["Id"], "SyncToken": "0", "sparse": True, "Active": False}).json()["Vendor"]
    assert inactive["Active"] is False and inactive["DisplayName"] == "Old Supplier (deleted)"
    assert api.rows("select * from Vendor where DisplayName LIKE 'Old Supplier%'", "Vendor") == []
    everyone = api.rows("select * from Vendor where Active IN (true, false) and DisplayName LIKE 'Old Supplier%'", "Vendor")
    assert [v["Id"] for v in everyone] == [created["Id"]]
    assert api.post("customer", {"DisplayName": "Old Supplier"}).status_code == 200


def test_name_lists_cannot_be_deleted(api):
    customer = api.rows("select * from Customer where DisplayName = 'Amy Chen'", "Customer")[0]
    response = api.post("customer", {"Id": customer["Id"], "SyncToken": customer["SyncToken"]},
                        params={"operation": "delete"})
    assert response.status_code == 400 and response.json()["Fault"]["Error"][0]["code"] == "6000"
    assert api.get(f"customer/{customer['Id']}").status_code == 200


def test_jobs_have_parent_and_fully_qualified_name(qb, api):
    parent = find(qb, Customer, DisplayName="Paulsen Medical Supplies")
    job = Customer()
    job.DisplayName = "Clinic Remodel"
    job.Job = True
    job.BillWithParent = True
    job.ParentRef = ref(parent.Id)
    saved = job.save(qb=qb)
    assert saved.FullyQualifiedName == "Paulsen Medical Supplies:Clinic Remodel"
    assert saved.Job is True and saved.BillWithParent is True and saved.ParentRef.value == parent.Id
    assert saved.Level == 1
    rows = api.rows("select * from Customer where FullyQualifiedName = 'Paulsen Medical Supplies:Clinic Remodel'", "Customer")
    assert [r["Id"] for r in rows] == [saved.Id]
    # renaming the parent renames the job's qualified name
    api.post("customer", {"Id": parent.Id, "SyncToken": parent.SyncToken, "sparse": True, "DisplayName": "Paulsen Medical"})
    assert api.get(f"customer/{saved.Id}").json()["Customer"]["FullyQualifiedName"] == "Paulsen Medical:Clinic Remodel"


def test_customer_name_with_colon_rejected(api):
    response = api.post("customer", {"DisplayName": "Bad:Name"})
    assert response.status_code == 400 and response.json()["Fault"]["Error"][0]["code"] == "6000"


def test_missing_and_inactive_references_are_610(api, qb):
    item = api.rows("select * from Item where Name = 'Labor'", "Item")[0]
    response = api.post("invoice", invoice_body("99999", item["Id"], 10))
    assert response.status_code == 400
    error = response.json()["Fault"]["Error"][0]
    assert error["code"] == "610" and error["Message"] == "Object Not Found" and error["element"] == "CustomerRef"
    customer = api.post("customer", {"DisplayName": "Gone Soon"}).json()["Customer"]
    api.post("customer", {"Id": customer["Id"], "SyncToken": "0", "sparse": True, "Active": False})
    response = api.post("invoice", invoice_body(customer["Id"], item["Id"], 10))
    assert response.json()["Fault"]["Error"][0]["code"] == "610"
    with pytest.raises(ObjectNotFoundException):
        Invoice.get(424242, qb=qb)


def test_service_item_requires_income_account(qb):
    item = Item()
    item.Name = "Drywall Hanging"
    item.Type = "Service"
    with pytest.raises(ValidationException) as info:
        item.save(qb=qb)
    assert info.value.error_code == 2020
    income = find(qb, Account, Name="Installation Income")
    item.IncomeAccountRef = ref(income.Id)
    saved = item.save(qb=qb)
    assert saved.IncomeAccountRef.name == "Installation Income" and saved.Type == "Service"
    duplicate = Item()
    duplicate.Name, duplicate.Type, duplicate.IncomeAccountRef = "drywall hanging", "NonInventory", ref(income.Id)
    with pytest.raises(QuickbooksException) as info:
        duplicate.save(qb=qb)
    assert info.value.error_code == 6240


def test_seeded_chart_of_accounts_and_lists(api):
    accounts = {a["Name"]: a for a in api.rows("select * from Account maxresults 1000", "Account")}
    assert accounts["Accounts Receivable (A/R)"]["AccountType"] == "Accounts Receivable"
    assert accounts["Undeposited Funds"]["AccountType"] == "Other Current Asset"
    assert accounts["Undeposited Funds"]["AccountSubType"] == "UndepositedFunds"
    assert accounts["Checking"]["AccountType"] == "Bank"
    for income in ("Services", "Sales of Product Income", "Installation Income"):
        assert accounts[income]["Classification"] == "Revenue"
    for expense in ("Job Materials", "Subcontractors", "Cost of Goods Sold"):
        assert accounts[expense]["Classification"] == "Expense"
    assert {t["Name"] for t in api.rows("select * from Term", "Term")} == {"Net 15", "Net 30", "Net 60", "Due on receipt"}
    assert {t["Id"] for t in api.rows("select * from TaxCode", "TaxCode")} == {"TAX", "NON"}
    assert len(api.rows("select * from Class", "Class")) >= 2
    docs = sorted(i["DocNumber"] for i in api.rows("select * from Invoice", "Invoice"))
    assert docs == ["1001", "1002", "1003"]


def test_invoice_totals_docnumber_and_print_status(api):
    customer = api.rows("select * from Customer where DisplayName = 'Amy Chen'", "Customer")[0]
    item = api.rows("select * from Item where Name = 'Labor'", "Item")[0]
    term = api.rows("select * from Term where Name = 'Net 30'", "Term")[0]
    body = {"CustomerRef": {"value": customer["Id"]}, "SalesTermRef": {"value": term["Id"]}, "PrintStatus": "NeedToPrint",
            "TxnDate": "2026-03-01", "DocNumber": "2001",
            "Line": [{"DetailType": "SalesItemLineDetail", "Amount": 170,
                      "SalesItemLineDetail": {"ItemRef": {"value": item["Id"]}, "Qty": 2, "UnitPrice": 85}},
                     {"DetailType": "SalesItemLineDetail",
                      "SalesItemLineDetail": {"ItemRef": {"value": item["Id"]}, "Qty": 1.5, "UnitPrice": 100}}]}
    invoice = api.post("invoice", body).json()["Invoice"]
    assert invoice["TotalAmt"] == 320.0 and invoice["Balance"] == 320.0
    assert invoice["DueDate"] == "2026-03-31" and invoice["PrintStatus"] == "NeedToPrint"
    assert invoice["CustomerRef"] == {"value": customer["Id"], "name": "Amy Chen"}
    assert invoice["Line"][-1]["DetailType"] == "SubTotalLineDetail" and invoice["Line"][-1]["Amount"] == 320.0
    assert api.post("invoice", dict(body, PrintStatus="Sometimes")).status_code == 400
    auto = api.post("invoice", {k: v for k, v in body.items() if k != "DocNumber"}).json()["Invoice"]
    assert auto["DocNumber"] == "2002"  # Intuit numbers the next one itself
    long_number = api.post("invoice", dict(body, DocNumber="X" * 22))
    assert long_number.json()["Fault"]["Error"][0]["element"] == "DocNumber"


def test_duplicate_doc_number_6140_and_include_bypass(api):
    customer = api.rows("select * from Customer where DisplayName = 'Amy Chen'", "Customer")[0]
    item = api.rows("select * from Item where Name = 'Labor'", "Item")[0]
    response = api.post("invoice", invoice_body(customer["Id"], item["Id"], 50, "1001"))
    assert response.status_code == 400
    assert response.json()["Fault"]["Error"][0]["code"] == "6140"
    allowed = api.post("invoice", invoice_body(customer["Id"], item["Id"], 50, "1001"),
                       params={"include": "allowduplicatedocnum"})
    assert allowed.status_code == 200 and allowed.json()["Invoice"]["DocNumber"] == "1001"
    assert len(api.rows("select * from Invoice where DocNumber = '1001'", "Invoice")) == 2


def test_payment_applies_to_invoices_and_derives_unapplied(qb, api):
    invoice = api.rows("select * from Invoice where DocNumber = '1001'", "Invoice")[0]
    total = invoice["TotalAmt"]
    payment = Payment()
    payment.CustomerRef = ref(invoice["CustomerRef"]["value"])
    payment.TotalAmt = total + 100
    line = {"Amount": 500, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]}
    response = api.post("payment", {"CustomerRef": {"value": invoice["CustomerRef"]["value"]}, "TotalAmt": total + 100,
                                    "Line": [line]})
    assert response.status_code == 200, response.text
    saved = response.json()["Payment"]
    assert saved["UnappliedAmt"] == total + 100 - 500
    undeposited = api.rows("select * from Account where Name = 'Undeposited Funds'", "Account")[0]
    assert saved["DepositToAccountRef"]["value"] == undeposited["Id"]
    after = api.get(f"invoice/{invoice['Id']}").json()["Invoice"]
    assert after["Balance"] == total - 500
    assert {"TxnId": saved["Id"], "TxnType": "Payment"} in after["LinkedTxn"]
    over = api.post("payment", {"CustomerRef": {"value": invoice["CustomerRef"]["value"]}, "TotalAmt": total,
                                "Line": [{"Amount": total, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]}]})
    assert over.status_code == 400  # more than the open balance
    deleted = api.post("payment", {"Id": saved["Id"], "SyncToken": saved["SyncToken"]}, params={"operation": "delete"})
    assert deleted.json()["Payment"]["status"] == "Deleted"
    assert api.get(f"invoice/{invoice['Id']}").json()["Invoice"]["Balance"] == total


def test_payment_void_restores_invoice_balance(api):
    invoice = api.rows("select * from Invoice where DocNumber = '1003'", "Invoice")[0]
    payment = api.post("payment", {"CustomerRef": invoice["CustomerRef"], "TotalAmt": 1000,
                                   "ARAccountRef": {"value": api.rows("select * from Account where AccountType = 'Accounts Receivable'", "Account")[0]["Id"]},
                                   "Line": [{"Amount": 1000, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]}]}).json()["Payment"]
    assert api.get(f"invoice/{invoice['Id']}").json()["Invoice"]["Balance"] == invoice["TotalAmt"] - 1000
    voided = api.post("payment", {"Id": payment["Id"], "SyncToken": payment["SyncToken"], "sparse": True},
                      params={"operation": "update", "include": "void"}).json()["Payment"]
    assert voided["TotalAmt"] == 0 and voided["PrivateNote"] == "Voided"
    assert api.get(f"invoice/{invoice['Id']}").json()["Invoice"]["Balance"] == invoice["TotalAmt"]


def test_invoice_delete_and_void(qb, api):
    invoice = find(qb, Invoice, DocNumber="1002")
    voided = api.post("invoice", {"Id": invoice.Id, "SyncToken": invoice.SyncToken}, params={"operation": "void"}).json()["Invoice"]
    assert voided["TotalAmt"] == 0 and voided["Balance"] == 0 and voided["SyncToken"] == str(int(invoice.SyncToken) + 1)
    other = find(qb, Invoice, DocNumber="1003")
    result = other.delete(qb=qb)
    assert result["Invoice"] == {"domain": "QBO", "status": "Deleted", "Id": other.Id}
    assert api.get(f"invoice/{other.Id}").json()["Fault"]["Error"][0]["code"] == "610"
    assert [i["DocNumber"] for i in api.rows("select * from Invoice", "Invoice")] == ["1001", "1002"]


def test_bill_with_job_costing_lines(qb, api):
    vendor = find(qb, Vendor, DisplayName="Sparks Electric")
    assert vendor.Vendor1099 is True
    job = api.rows("select * from Customer where Job = true", "Customer")[0]
    materials = api.rows("select * from Account where Name = 'Job Materials'", "Account")[0]
    klass = api.rows("select * from Class where Name = 'Residential'", "Class")[0]
    bill = api.post("bill", {"VendorRef": {"value": vendor.Id}, "Line": [{
        "DetailType": "AccountBasedExpenseLineDetail", "Amount": 412.5,
        "AccountBasedExpenseLineDetail": {"AccountRef": {"value": materials["Id"]}, "CustomerRef": {"value": job["Id"]},
                                          "BillableStatus": "Billable", "ClassRef": {"value": klass["Id"]}}}]})
    assert bill.status_code == 200, bill.text
    saved = bill.json()["Bill"]
    detail = saved["Line"][0]["AccountBasedExpenseLineDetail"]
    assert detail["CustomerRef"]["name"] == job["FullyQualifiedName"] and detail["BillableStatus"] == "Billable"
    assert saved["TotalAmt"] == 412.5 and saved["Balance"] == 412.5
    no_account = api.post("bill", {"VendorRef": {"value": vendor.Id}, "Line": [{
        "DetailType": "AccountBasedExpenseLineDetail", "Amount": 1, "AccountBasedExpenseLineDetail": {}}]})
    assert no_account.json()["Fault"]["Error"][0]["code"] == "2020"


def test_credit_memo_and_employee_and_term(qb, api):
    customer = find(qb, Customer, DisplayName="Dukes Basketball Camp")
    item = find(qb, Item, Name="Design")
    memo = api.post("creditmemo", invoice_body(customer.Id, item.Id, 75)).json()["CreditMemo"]
    assert memo["TotalAmt"] == 75 and memo["RemainingCredit"] == 75
    loaded = CreditMemo.get(memo["Id"], qb=qb)
    assert loaded.TotalAmt == 75
    employee = Employee()
    employee.GivenName, employee.FamilyName = "Rosa", "Diaz"
    assert employee.save(qb=qb).DisplayName == "Rosa Diaz"
    term = Term()
    term.Name = "Net 45"
    term.DueDays = 45
    assert term.save(qb=qb).DueDays == 45


def test_minorversion_is_accepted_and_tax_codes_are_read_only(api):
    assert api.get("customer/1", minorversion=70).status_code == 200
    assert api.post("taxcode", {"Name": "NEW"}).status_code == 400
    info = api.get(f"companyinfo/{api.base.rsplit('/', 1)[1]}").json()["CompanyInfo"]
    assert info["CompanyName"] == "Cedar Ridge Contracting"


def test_python_quickbooks_full_update_round_trip_of_invoice(qb, api):
    invoice = find(qb, Invoice, DocNumber="1001")
    lines_before = len(invoice.Line)
    invoice.PrivateNote = "round trip"
    saved = invoice.save(qb=qb)  # sends back everything it read, SubTotalLine and MetaData included
    assert saved.PrivateNote == "round trip" and len(saved.Line) == lines_before
    assert saved.TotalAmt == invoice.TotalAmt and saved.SyncToken == str(int(invoice.SyncToken) + 1)
    voided = saved.void(qb=qb)
    assert voided["Invoice"]["Balance"] == 0


def test_concurrent_creates_are_serialised(sandbox, realm, make_api):
    import threading

    api = make_api(realm)
    sandbox.control.set_rate_limits(realm, enabled=False)
    ids, barrier = [], threading.Barrier(8)

    def create(n):
        barrier.wait()
        for k in range(5):
            response = api.post("customer", {"DisplayName": f"Parallel {n}-{k}"})
            ids.append(response.json()["Customer"]["Id"])

    threads = [threading.Thread(target=create, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ids) == 40 and len(set(ids)) == 40
    assert api.query("select count(*) from Customer where DisplayName LIKE 'Parallel%'").json()["QueryResponse"]["totalCount"] == 40


def test_preferences_carry_the_sales_rep_custom_field(qb, api):
    from quickbooks.objects.preferences import Preferences

    prefs = Preferences.get(qb=qb).SalesFormsPrefs
    assert prefs.CustomTxnNumbers is True
    names = [f["StringValue"] for group in prefs.CustomField for f in group["CustomField"]  # left as dicts
             if f["Type"] == "StringType"]
    assert names == ["Sales Rep"]
    customer = api.rows("select * from Customer where DisplayName = 'Amy Chen'", "Customer")[0]
    invoice = api.post("invoice", {"CustomerRef": {"value": customer["Id"]},
                                   "CustomField": [{"DefinitionId": "1", "Name": "Sales Rep", "Type": "StringType",
                                                    "StringValue": "Emily Platt"}],
                                   "Line": [{"DetailType": "SalesItemLineDetail", "Amount": 10, "SalesItemLineDetail": {}}]})
    assert invoice.json()["Invoice"]["CustomField"][0]["StringValue"] == "Emily Platt"


def test_python_quickbooks_payment_void(qb, api):
    invoice = api.rows("select * from Invoice where DocNumber = '1002'", "Invoice")[0]
    payment = Payment()
    payment.CustomerRef = ref(invoice["CustomerRef"]["value"])
    payment.TotalAmt = 100
    saved = payment.save(qb=qb)
    assert saved.UnappliedAmt == 100
    voided = saved.void(qb=qb)
    assert voided["Payment"]["TotalAmt"] == 0 and voided["Payment"]["SyncToken"] == "1"
