"""List objects through the builders, the simulated company and the parser: add, mod, query."""

from __future__ import annotations

import pytest

from webapp.quickbooks.desktop import errors, qbxml


def send(qbd_company, *requests, on_error="continueOnError"):
    return qbxml.parse_response_message(qbd_company.process(qbxml.build_message(requests, on_error=on_error)))


def one(qbd_company, request):
    return send(qbd_company, request)[request.request_id]


def test_customer_and_job_get_ids_and_colon_full_name(qbd_company):
    customer = one(qbd_company, qbxml.customer_add("c", {"Name": "Zed Builders", "CompanyName": "Zed Builders Inc",
                                                    "BillAddress": {"Addr1": "9 Elm", "City": "Austin"},
                                                    "TermsRef": "Net 30"}))
    assert customer.status_code == 0 and customer.status_severity == "Info"
    record = customer.record
    assert record["ListID"].startswith("8") and "-" in record["ListID"]
    assert record["FullName"] == "Zed Builders" and record["TermsRef"]["FullName"] == "Net 30"
    assert record["TermsRef"]["ListID"]  # references come back resolved
    job = one(qbd_company, qbxml.customer_add("j", {"Name": "Kitchen", "ParentRef": {"ListID": record["ListID"]}})).record
    assert job["FullName"] == "Zed Builders:Kitchen" and job["Sublevel"] == "1"
    assert job["ParentRef"] == {"ListID": record["ListID"], "FullName": "Zed Builders"}
    found = one(qbd_company, qbxml.customer_query("q", full_names=["zed builders:kitchen"])).records
    assert [r["ListID"] for r in found] == [job["ListID"]]


def test_mod_changes_edit_sequence_and_renames_jobs(qbd_company, clock):
    parent = one(qbd_company, qbxml.customer_add("c", {"Name": "Old Name"})).record
    job = one(qbd_company, qbxml.customer_add("j", {"Name": "Deck", "ParentRef": "Old Name"})).record
    clock.advance(minutes=5)
    modded = one(qbd_company, qbxml.customer_mod("m", {"ListID": parent["ListID"], "EditSequence": parent["EditSequence"],
                                                    "Name": "New Name", "Phone": "512-555-0100"})).record
    assert modded["EditSequence"] != parent["EditSequence"]
    assert modded["TimeModified"] > parent["TimeModified"] and modded["TimeCreated"] == parent["TimeCreated"]
    assert modded["FullName"] == "New Name" and modded["Phone"] == "512-555-0100"
    assert qbd_company.find(job["ListID"])["FullName"] == "New Name:Deck"


def test_stale_edit_sequence_is_3200_and_changes_nothing(qbd_company):
    record = one(qbd_company, qbxml.customer_add("c", {"Name": "Stale Co"})).record
    one(qbd_company, qbxml.customer_mod("m1", {"ListID": record["ListID"], "EditSequence": record["EditSequence"],
                                           "Notes": "first"}))
    stale = one(qbd_company, qbxml.customer_mod("m2", {"ListID": record["ListID"], "EditSequence": record["EditSequence"],
                                                   "Notes": "second"}))
    assert stale.status_code == errors.EDIT_SEQUENCE_OUT_OF_DATE and stale.status_severity == "Error"
    assert qbd_company.find(record["ListID"])["Notes"] == "first"


def test_mod_of_unknown_object_is_3120(qbd_company):
    response = one(qbd_company, qbxml.vendor_mod("m", {"ListID": "80009999-1111111111", "EditSequence": "1",
                                                   "Name": "X"}))
    assert response.status_code == errors.OBJECT_NOT_FOUND
    assert "80009999-1111111111" in response.status_message


def test_names_are_unique_across_customers_vendors_and_employees(qbd_company):
    assert one(qbd_company, qbxml.customer_add("c", {"Name": "home supply co"})).status_code == errors.NAME_IN_USE
    assert one(qbd_company, qbxml.vendor_add("v", {"Name": "Acme Property Group"})).status_code == errors.NAME_IN_USE
    employee = one(qbd_company, qbxml.employee_add("e", {"FirstName": "Baker", "LastName": "Residence"}))
    assert employee.status_code == errors.NAME_IN_USE
    # a job may share a vendor's short name: uniqueness is on the full name
    assert one(qbd_company, qbxml.customer_add("j", {"Name": "Home Supply Co",
                                                 "ParentRef": "Acme Property Group"})).status_code == 0
    assert len([r for r in qbd_company.records("Customer") if r["Name"].lower() == "home supply co"]) == 1


def test_invalid_reference_is_3140(qbd_company):
    response = one(qbd_company, qbxml.customer_add("c", {"Name": "Ref Test", "ClassRef": "No Such Class"}))
    assert response.status_code == errors.INVALID_REFERENCE
    assert '"No Such Class"' in response.status_message
    assert qbd_company.find_by_name("Customer", "Ref Test") is None


def test_vendor_employee_sales_rep(qbd_company):
    vendor = one(qbd_company, qbxml.vendor_add("v", {"Name": "Tile Pros", "VendorAddress": {"City": "Waco"},
                                                 "IsVendorEligibleFor1099": True, "TermsRef": "Net 15"})).record
    assert vendor["IsVendorEligibleFor1099"] == "true" and vendor["VendorAddress"]["City"] == "Waco"
    modded = one(qbd_company, qbxml.vendor_mod("vm", {"ListID": vendor["ListID"], "EditSequence": vendor["EditSequence"],
                                                  "CompanyName": "Tile Pros LLC"})).record
    assert modded["CompanyName"] == "Tile Pros LLC" and modded["Name"] == "Tile Pros"
    employee = one(qbd_company, qbxml.employee_add("e", {"FirstName": "Sam", "LastName": "Ortiz",
                                                     "Email": "sam@example.com"})).record
    assert employee["Name"] == "Sam Ortiz"
    employee = one(qbd_company, qbxml.employee_mod("em", {"ListID": employee["ListID"],
                                                      "EditSequence": employee["EditSequence"],
                                                      "LastName": "Ortega"})).record
    assert employee["Name"] == "Sam Ortega"
    rep = one(qbd_company, qbxml.sales_rep_add("r", {"Initial": "SO", "SalesRepEntityRef": "Sam Ortega"})).record
    assert rep["Initial"] == "SO" and rep["SalesRepEntityRef"]["ListID"] == employee["ListID"]
    duplicate = one(qbd_company, qbxml.sales_rep_add("r2", {"Initial": "so", "SalesRepEntityRef": "Tile Pros"}))
    assert duplicate.status_code == errors.NAME_IN_USE
    bad_entity = one(qbd_company, qbxml.sales_rep_add("r3", {"Initial": "XX", "SalesRepEntityRef": "Nobody"}))
    assert bad_entity.status_code == errors.INVALID_REFERENCE
    reps = one(qbd_company, qbxml.sales_rep_query("q", full_names=["SO"])).records
    assert [r["ListID"] for r in reps] == [rep["ListID"]]
    renamed = one(qbd_company, qbxml.sales_rep_mod("rm", {"ListID": rep["ListID"], "EditSequence": rep["EditSequence"],
                                                           "Initial": "SOR"})).record
    assert renamed["Initial"] == "SOR" and renamed["EditSequence"] != rep["EditSequence"]
    employees = one(qbd_company, qbxml.employee_query("qe", name_filter=("Contains", "orteg"))).records
    assert [r["Name"] for r in employees] == ["Sam Ortega"]


def test_service_items_classes_and_terms(qbd_company):
    item = one(qbd_company, qbxml.item_service_add("i", {
        "Name": "Drywall", "SalesOrPurchase": {"Desc": "Hang drywall", "Price": 45, "AccountRef": "Construction Income"},
    })).record
    assert item["_type"] == "ItemServiceRet"
    assert item["SalesOrPurchase"]["Price"] == "45.00"
    assert item["SalesOrPurchase"]["AccountRef"]["FullName"] == "Construction Income"
    modded = one(qbd_company, qbxml.item_service_mod("im", {"ListID": item["ListID"], "EditSequence": item["EditSequence"],
                                                        "SalesOrPurchaseMod": {"Price": 50}})).record
    assert modded["SalesOrPurchase"]["Price"] == "50.00" and modded["SalesOrPurchase"]["Desc"] == "Hang drywall"
    bad_account = one(qbd_company, qbxml.item_service_add("i2", {"Name": "Paint", "SalesOrPurchase": {
        "Price": 1, "AccountRef": "Nope"}}))
    assert bad_account.status_code == errors.INVALID_REFERENCE
    cls = one(qbd_company, qbxml.class_add("c", {"Name": "Remodel", "ParentRef": "Residential"})).record
    assert cls["FullName"] == "Residential:Remodel"
    terms = one(qbd_company, qbxml.standard_terms_add("t", {"Name": "Net 45", "StdDueDays": 45})).record
    assert terms["_type"] == "StandardTermsRet" and terms["StdDueDays"] == "45"
    assert one(qbd_company, qbxml.standard_terms_add("t2", {"Name": "net 45"})).status_code == errors.NAME_IN_USE
    items = one(qbd_company, qbxml.item_query("qi", full_names=["Drywall", "Labor"])).records
    assert {r["FullName"] for r in items} == {"Drywall", "Labor"}


def test_reference_list_queries(qbd_company):
    accounts = one(qbd_company, qbxml.account_query("a")).records
    by_name = {a["FullName"]: a for a in accounts}
    assert by_name["Accounts Receivable"]["AccountType"] == "AccountsReceivable"
    assert by_name["Undeposited Funds"]["AccountType"] == "OtherCurrentAsset"
    income = one(qbd_company, qbxml.account_query("ai", account_type="Income")).records
    assert {a["FullName"] for a in income} == {"Construction Income", "Service Income"}
    assert {c["FullName"] for c in one(qbd_company, qbxml.class_query("c")).records} == {"Residential", "Commercial"}
    terms = one(qbd_company, qbxml.terms_query("t")).records
    assert {t["_type"] for t in terms} == {"StandardTermsRet"} and "Net 30" in {t["Name"] for t in terms}
    codes = one(qbd_company, qbxml.sales_tax_code_query("s")).records
    assert {c["Name"] for c in codes} == {"Tax", "Non"}


def test_status_500_when_some_requested_objects_are_missing_and_1_when_nothing_matches(qbd_company):
    partial = one(qbd_company, qbxml.customer_query("p", full_names=["Acme Property Group", "Ghost Customer"]))
    assert partial.status_code == errors.PARTIAL and partial.status_severity == "Warn"
    assert [r["FullName"] for r in partial.records] == ["Acme Property Group"]
    assert '"Ghost Customer"' in partial.status_message
    nothing = one(qbd_company, qbxml.customer_query("n", name_filter=("StartsWith", "zzz")))
    assert nothing.status_code == errors.NO_MATCH and nothing.ok and nothing.records == []


def test_active_status_and_max_returned(qbd_company):
    record = qbd_company.find_by_name("Customer", "Baker Residence")
    one(qbd_company, qbxml.customer_mod("m", {"ListID": record["ListID"], "EditSequence": record["EditSequence"],
                                          "IsActive": False}))
    active = {r["FullName"] for r in one(qbd_company, qbxml.customer_query("a")).records}
    assert "Baker Residence" not in active and "Acme Property Group" in active
    inactive = one(qbd_company, qbxml.customer_query("i", active_status="InactiveOnly")).records
    assert [r["FullName"] for r in inactive] == ["Baker Residence"]
    assert len(one(qbd_company, qbxml.customer_query("all", active_status="All")).records) == 2
    assert len(one(qbd_company, qbxml.account_query("max", max_returned=3)).records) == 3
    # asking by name finds inactive records too
    assert one(qbd_company, qbxml.customer_query("n", full_names=["Baker Residence"])).status_code == 0


def test_modified_date_filters_follow_the_clock(qbd_company, clock):
    clock.advance(days=1)
    watermark = clock.now()
    clock.advance(hours=1)
    new = one(qbd_company, qbxml.vendor_add("v", {"Name": "Late Vendor"})).record
    recent = one(qbd_company, qbxml.vendor_query("q", from_modified=watermark)).records
    assert [r["ListID"] for r in recent] == [new["ListID"]]
    older = one(qbd_company, qbxml.vendor_query("o", to_modified=watermark)).records
    assert {r["FullName"] for r in older} == {"Home Supply Co", "Rapid Electric LLC"}
    clock.advance(hours=1)
    qbd_company.edit(qbd_company.find_by_name("Vendor", "Home Supply Co")["ListID"], Phone="555-0199")
    later = one(qbd_company, qbxml.vendor_query("l", from_modified=new["TimeModified"])).records
    assert {r["FullName"] for r in later} == {"Late Vendor", "Home Supply Co"}


def test_iterators_page_through_and_expire(qbd_company, clock):
    for index in range(5):
        one(qbd_company, qbxml.customer_add(f"c{index}", {"Name": f"Iter {index}"}))
    start = qbxml.customer_query("s", iterator="Start", max_returned=3, name_filter=("StartsWith", "Iter"))
    first = one(qbd_company, start)
    assert [r["Name"] for r in first.records] == ["Iter 0", "Iter 1", "Iter 2"]
    assert first.iterator_remaining_count == 2 and first.iterator_id
    second = one(qbd_company, qbxml.continue_query(start, first.iterator_id, "n"))
    assert [r["Name"] for r in second.records] == ["Iter 3", "Iter 4"]
    assert second.iterator_remaining_count == 0
    gone = one(qbd_company, qbxml.continue_query(start, first.iterator_id, "again"))
    assert gone.status_code == errors.OBJECT_NOT_FOUND

    fresh = one(qbd_company, start)
    clock.advance(hours=2)
    expired = one(qbd_company, qbxml.continue_query(start, fresh.iterator_id, "late"))
    assert expired.status_code == errors.OBJECT_NOT_FOUND


def test_string_too_long_reaches_quickbooks_as_3070(qbd_company):
    # the builder refuses this, so send hand-written qbXML as another client might
    xml = ('<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="continueOnError">'
           f'<VendorAddRq requestID="1"><VendorAdd><Name>{"v" * 42}</Name></VendorAdd></VendorAddRq>'
           '</QBXMLMsgsRq></QBXML>')
    response = qbxml.parse_response_message(qbd_company.process(xml))["1"]
    assert response.status_code == errors.STRING_TOO_LONG


@pytest.mark.parametrize("kind", ["Customer", "Vendor", "Item", "Account"])
def test_records_snapshot_is_seeded(qbd_company, kind):
    assert qbd_company.records(kind), f"the seeded qbd_company has {kind} records"


def test_outside_edit_renames_jobs_and_bumps_edit_sequence(qbd_company, clock):
    parent = qbd_company.find_by_name("Customer", "Baker Residence")
    job = one(qbd_company, qbxml.customer_add("j", {"Name": "Porch", "ParentRef": "Baker Residence"})).record
    clock.advance(minutes=1)
    edited = qbd_company.edit(parent["ListID"], Name="Baker Family", IsActive=False)
    assert edited["FullName"] == "Baker Family" and edited["IsActive"] == "false"
    assert edited["EditSequence"] != parent["EditSequence"] and edited["TimeModified"] > parent["TimeModified"]
    assert qbd_company.find(job["ListID"])["FullName"] == "Baker Family:Porch"
    with pytest.raises(KeyError):
        qbd_company.edit("nope", Name="x")
