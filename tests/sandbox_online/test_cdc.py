"""/cdc: changes since a moment, tombstones, the 30-day and 1000-object limits."""
from __future__ import annotations

from datetime import datetime, timedelta

from quickbooks.cdc import change_data_capture
from quickbooks.objects import Customer, Invoice


def cdc(api, entities: str, since: str):
    return api.get("cdc", entities=entities, changedSince=since)


def test_changes_and_tombstones(api, control, clock, realm):
    clock.advance_clock(120)
    since = control.now()
    customer = api.post("customer", {"DisplayName": "CDC Customer"}).json()["Customer"]
    invoice = api.rows("select * from Invoice where DocNumber = '1002'", "Invoice")[0]
    api.post("invoice", {"Id": invoice["Id"], "SyncToken": invoice["SyncToken"]}, params={"operation": "delete"})
    response = cdc(api, "Customer,Invoice,Vendor", since)
    assert response.status_code == 200
    body = response.json()
    query_responses = body["CDCResponse"][0]["QueryResponse"]
    by_entity = {k: v for qr in query_responses for k, v in qr.items() if k in ("Customer", "Invoice", "Vendor")}
    assert [c["Id"] for c in by_entity["Customer"]] == [customer["Id"]]
    tombstone = by_entity["Invoice"][0]
    assert tombstone["Id"] == invoice["Id"] and tombstone["status"] == "Deleted"
    assert "Vendor" not in by_entity  # nothing changed


def test_inactive_objects_are_reported(api, control, clock):
    clock.advance_clock(60)
    since = control.now()
    vendor = api.rows("select * from Vendor where DisplayName = 'Home Depot Pro'", "Vendor")[0]
    api.post("vendor", {"Id": vendor["Id"], "SyncToken": vendor["SyncToken"], "sparse": True, "Active": False})
    rows = cdc(api, "Vendor", since).json()["CDCResponse"][0]["QueryResponse"][0]["Vendor"]
    assert rows[0]["Id"] == vendor["Id"] and rows[0]["Active"] is False


def test_look_back_limit_and_tax_code_refused(api, control):
    too_old = (datetime.fromisoformat(control.now()) - timedelta(days=31)).isoformat()
    response = cdc(api, "Customer", too_old)
    assert response.status_code == 400 and response.json()["Fault"]["Error"][0]["code"] == "4000"
    ok = (datetime.fromisoformat(control.now()) - timedelta(days=29)).isoformat()
    assert cdc(api, "Customer", ok).status_code == 200
    assert cdc(api, "TaxRate", ok).status_code == 400
    refused = cdc(api, "TaxCode", ok)
    assert refused.status_code == 400 and "TaxCode" in refused.json()["Fault"]["Error"][0]["Detail"]
    assert cdc(api, "Customer", "not-a-date").status_code == 400


def test_at_most_1000_objects_per_response(make_api, large_realm, control):
    api = make_api(large_realm)
    since = (datetime.fromisoformat(control.now()) - timedelta(days=1)).isoformat()
    body = cdc(api, "Item,Customer", since).json()
    total = sum(len(v) for qr in body["CDCResponse"][0]["QueryResponse"] for k, v in qr.items() if k in ("Item", "Customer"))
    assert total == 1000


def test_python_quickbooks_change_data_capture(qb, control, clock):
    clock.advance_clock(60)
    since = datetime.fromisoformat(control.now()).replace(tzinfo=None)  # the library sends no offset
    customer = Customer()
    customer.DisplayName = "Seen By CDC"
    saved = customer.save(qb=qb)
    result = change_data_capture([Customer, Invoice], since, qb=qb)
    assert [c.Id for c in result.Customer] == [saved.Id]
    assert not hasattr(result, "Invoice")
