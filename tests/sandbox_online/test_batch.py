"""/batch: per-item results correlated by bId, partial failure, limits."""
from __future__ import annotations

from quickbooks.batch import batch_create, batch_delete, batch_update
from quickbooks.objects import Customer, Invoice


def test_partial_failure_and_bid_correlation(api):
    existing = api.rows("select * from Customer where DisplayName = 'Amy Chen'", "Customer")[0]
    response = api.post("batch", {"BatchItemRequest": [
        {"bId": "a", "operation": "create", "Customer": {"DisplayName": "Batch One"}},
        {"bId": "b", "operation": "create", "Customer": {"DisplayName": "Amy Chen"}},
        {"bId": "c", "operation": "update", "Customer": {"Id": existing["Id"], "SyncToken": "7", "sparse": True}},
        {"bId": "d", "Query": "select * from Term where Name = 'Net 15'"},
        {"bId": "e", "operation": "create", "Invoice": {"CustomerRef": {"value": "424242"},
                                                         "Line": [{"DetailType": "SalesItemLineDetail", "Amount": 1,
                                                                   "SalesItemLineDetail": {}}]}},
    ]})
    assert response.status_code == 200
    items = {i["bId"]: i for i in response.json()["BatchItemResponse"]}
    assert set(items) == {"a", "b", "c", "d", "e"}
    assert items["a"]["Customer"]["DisplayName"] == "Batch One"
    assert items["b"]["Fault"]["Error"][0]["code"] == "6240" and items["b"]["Fault"]["type"] == "ValidationFault"
    assert items["c"]["Fault"]["Error"][0]["code"] == "5010"
    assert items["d"]["QueryResponse"]["Term"][0]["DueDays"] == 15
    assert items["e"]["Fault"]["Error"][0]["code"] == "610"
    assert len(api.rows("select * from Customer where DisplayName = 'Batch One'", "Customer")) == 1


def test_items_do_not_see_creates_of_the_same_batch(api):
    response = api.post("batch", {"BatchItemRequest": [
        {"bId": "1", "operation": "create", "Customer": {"DisplayName": "New Parent"}},
        {"bId": "2", "Query": "select * from Customer where DisplayName = 'New Parent'"},
        {"bId": "3", "operation": "update", "Customer": {"Id": "6", "SyncToken": "0", "sparse": True, "Notes": "x"}},
        {"bId": "4", "operation": "create", "Customer": {"DisplayName": "New Parent"}},
    ]}).json()["BatchItemResponse"]
    items = {i["bId"]: i for i in response}
    assert items["1"]["Customer"]["Id"] == "6"
    assert items["2"]["QueryResponse"] == {}
    assert items["3"]["Fault"]["Error"][0]["code"] == "610"
    assert items["4"]["Fault"]["Error"][0]["code"] == "6240"  # names are still unique
    assert len(api.rows("select * from Customer where DisplayName = 'New Parent'", "Customer")) == 1


def test_more_than_30_items_is_refused(api):
    items = [{"bId": str(n), "operation": "create", "Customer": {"DisplayName": f"Bulk {n}"}} for n in range(31)]
    response = api.post("batch", {"BatchItemRequest": items})
    assert response.status_code == 400 and "Fault" in response.json()
    assert api.rows("select * from Customer where DisplayName LIKE 'Bulk%'", "Customer") == []
    response = api.post("batch", {"BatchItemRequest": items[:30]})
    assert len(response.json()["BatchItemResponse"]) == 30
    assert api.query("select count(*) from Customer where DisplayName LIKE 'Bulk%'").json()["QueryResponse"]["totalCount"] == 30


def test_python_quickbooks_batch_create_chunks_by_30(qb, control, realm):
    customers = []
    for n in range(35):
        c = Customer()
        c.DisplayName = f"Chunked {n:02d}"
        customers.append(c)
    customers[3].DisplayName = "Amy Chen"
    result = batch_create(customers, qb=qb)
    assert len(result.successes) == 34 and len(result.faults) == 1
    assert result.faults[0].Error[0].code == "6240"
    batches = [e for e in control.requests(realm) if e["path"].endswith("/batch")]
    assert len(batches) == 2 and all(e["status"] == 200 for e in batches)


def test_batch_requests_per_minute_limit(api, control, realm):
    control.set_rate_limits(realm, batch_per_minute=2)
    body = {"BatchItemRequest": [{"bId": "q", "Query": "select * from Term"}]}
    assert api.post("batch", body).status_code == 200
    assert api.post("batch", body).status_code == 200
    third = api.post("batch", body)
    assert third.status_code == 429 and third.json()["Fault"]["Error"][0]["code"] == "3001"
    assert api.query("select * from Term").status_code == 200  # plain requests are not batch-limited


def test_python_quickbooks_batch_update_and_delete(qb, api):
    customers = Customer.filter(Job=False, qb=qb)
    for c in customers:
        c.Notes = "bulk note"
    customers[0].SyncToken = "42"  # someone else changed it
    result = batch_update(customers, qb=qb)
    assert len(result.successes) == len(customers) - 1 and result.faults[0].Error[0].code == "5010"
    assert all(s.Notes == "bulk note" and s.SyncToken == "1" for s in result.successes)
    invoices = Invoice.all(qb=qb)
    deleted = batch_delete(invoices[:2], qb=qb)
    assert len(deleted.successes) == 2 and deleted.faults == []
    assert [i["DocNumber"] for i in api.rows("select * from Invoice", "Invoice")] == ["1003"]
