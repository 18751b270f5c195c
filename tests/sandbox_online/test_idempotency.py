"""requestid: a repeated id returns the original response and executes nothing."""
from __future__ import annotations

import pytest
import requests
from quickbooks.objects import Customer


def test_same_request_id_replays_original_response(api, control, realm):
    first = api.post("customer", {"DisplayName": "Idem Potent"}, params={"requestid": "run-7-customer-42"})
    second = api.post("customer", {"DisplayName": "Idem Potent"}, params={"requestid": "run-7-customer-42"})
    assert first.status_code == second.status_code == 200
    assert second.json() == first.json()
    assert len(api.rows("select * from Customer where DisplayName = 'Idem Potent'", "Customer")) == 1
    log = [e for e in control.requests(realm) if e["query"].get("requestid") == "run-7-customer-42"]
    assert [e.get("replayed", False) for e in log] == [False, True]
    # a different body under the same id is still a replay: nothing executes
    third = api.post("customer", {"DisplayName": "Something Else"}, params={"requestid": "run-7-customer-42"})
    assert third.json()["Customer"]["DisplayName"] == "Idem Potent"
    assert api.rows("select * from Customer where DisplayName = 'Something Else'", "Customer") == []


def test_faults_are_replayed_too_and_ids_are_scoped_per_company(api, make_api, control):
    failed = api.post("customer", {"DisplayName": "Amy Chen"}, params={"requestid": "dup-1"})
    assert failed.json()["Fault"]["Error"][0]["code"] == "6240"
    assert api.post("customer", {"DisplayName": "Amy Chen"}, params={"requestid": "dup-1"}).json() == failed.json()
    other = make_api(control.create_company("small"))
    created = other.post("customer", {"DisplayName": "Only Here"}, params={"requestid": "dup-1"})
    assert created.status_code == 200 and created.json()["Customer"]["DisplayName"] == "Only Here"


def test_request_id_longer_than_50_is_refused(api):
    response = api.post("customer", {"DisplayName": "Long Id"}, params={"requestid": "x" * 51})
    assert response.status_code == 400
    assert api.rows("select * from Customer where DisplayName = 'Long Id'", "Customer") == []


def test_dropped_connection_after_write_then_retry(qb, api, control, realm):
    control.inject(realm, "drop", count=1, method="POST", path_contains="/customer")
    customer = Customer()
    customer.DisplayName = "Dropped Once"
    with pytest.raises(requests.exceptions.ConnectionError):
        customer.save(qb=qb, request_id="push-customer-99")
    # QuickBooks saved it although the client never heard back
    assert len(api.rows("select * from Customer where DisplayName = 'Dropped Once'", "Customer")) == 1
    retried = customer.save(qb=qb, request_id="push-customer-99")
    assert retried.DisplayName == "Dropped Once"
    assert len(api.rows("select * from Customer where DisplayName = 'Dropped Once'", "Customer")) == 1


def test_naive_retry_without_request_id_creates_duplicate(api, control, realm):
    control.inject(realm, "drop", count=1, method="POST", path_contains="/bill")
    vendor = api.rows("select * from Vendor where DisplayName = 'Ace Lumber Supply'", "Vendor")[0]
    account = api.rows("select * from Account where Name = 'Job Materials'", "Account")[0]
    body = {"VendorRef": {"value": vendor["Id"]}, "DocNumber": "INV-889",
            "Line": [{"DetailType": "AccountBasedExpenseLineDetail", "Amount": 99,
                      "AccountBasedExpenseLineDetail": {"AccountRef": {"value": account["Id"]}}}]}
    with pytest.raises(requests.exceptions.ConnectionError):
        api.post("bill", body)
    assert api.post("bill", body).status_code == 200
    assert len(api.rows("select * from Bill where DocNumber = 'INV-889'", "Bill")) == 2


def test_concurrent_requests_with_one_id_execute_once(api, control, realm):
    import threading

    control.set_latency(realm, 100)
    barrier, statuses = threading.Barrier(4), []

    def call():
        barrier.wait()
        statuses.append(api.post("customer", {"DisplayName": "Raced"}, params={"requestid": "race-1"}).status_code)

    threads = [threading.Thread(target=call) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 4
    assert len(api.rows("select * from Customer where DisplayName = 'Raced'", "Customer")) == 1
