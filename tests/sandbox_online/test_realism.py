"""Realism knobs: throttling, injected faults, latency, the request log, "edited in QuickBooks"."""
from __future__ import annotations

import threading
import time

import pytest
from quickbooks.exceptions import QuickbooksException
from quickbooks.objects import Customer


def test_rate_limit_per_minute_answers_429_3001(api, control, realm):
    control.set_rate_limits(realm, per_minute=3)
    statuses = [api.get("term/1").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    body = api.get("term/1").json()
    assert body["Fault"]["Error"][0]["code"] == "3001"
    assert "ThrottleExceeded" in body["Fault"]["Error"][0]["Message"]


def test_rate_limit_per_second(api, control, realm):
    assert control.settings(realm)["rate_limits"]["per_second"] == 10  # Intuit's default
    control.set_rate_limits(realm, per_second=3)
    statuses = [api.get("term/1").status_code for _ in range(5)]  # well within one second
    assert statuses[:3] == [200, 200, 200] and 429 in statuses[3:]


def test_throttle_as_xml_and_python_quickbooks_sees_code_10000(qb, control, realm):
    control.set_rate_limits(realm, per_minute=1, xml=True)
    Customer.all(qb=qb)
    with pytest.raises(QuickbooksException) as info:
        Customer.all(qb=qb)
    assert info.value.error_code == 10000 and "<Error code=\"3001\">" in info.value.message


def test_rate_limits_can_be_turned_off(api, control, realm):
    control.set_rate_limits(realm, enabled=False, per_minute=1)
    assert [api.get("term/1").status_code for _ in range(3)] == [200, 200, 200]


def test_concurrent_requests_limit(api, control, realm):
    control.set_rate_limits(realm, concurrent=2)
    control.set_latency(realm, 800)
    barrier = threading.Barrier(3)
    statuses = []

    def call():
        barrier.wait()
        statuses.append(api.get("term/1").status_code)

    threads = [threading.Thread(target=call) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 200, 429]


def test_latency_is_applied(api, control, realm):
    control.set_latency(realm, 150)
    started = time.monotonic()
    api.get("term/1")
    assert time.monotonic() - started >= 0.15
    entry = control.requests(realm)[-1]
    assert entry["elapsed_ms"] >= 150


@pytest.mark.parametrize("kind,status", [("500", 500), ("503", 503)])
def test_injected_server_error_after_write(api, control, realm, kind, status):
    control.inject(realm, kind, count=1, method="POST")
    response = api.post("customer", {"DisplayName": f"Saved Despite {kind}"})
    assert response.status_code == status
    assert response.json()["Fault"]["type"] == "SystemFault"
    assert len(api.rows(f"select * from Customer where DisplayName = 'Saved Despite {kind}'", "Customer")) == 1
    assert api.post("customer", {"DisplayName": "Next Is Fine"}).status_code == 200


def test_injected_429_happens_before_execution(api, control, realm):
    control.inject(realm, "429", count=2, method="POST")
    assert api.post("customer", {"DisplayName": "Throttled"}).status_code == 429
    assert api.post("customer", {"DisplayName": "Throttled"}).status_code == 429
    assert api.rows("select * from Customer where DisplayName = 'Throttled'", "Customer") == []
    assert api.post("customer", {"DisplayName": "Throttled"}).status_code == 200


def test_fractional_injection(api, control, realm):
    control.set_rate_limits(realm, enabled=False)
    control.inject(realm, "503", count=None, rate=0.5, method="GET", after_write=False)
    statuses = [api.get("term/1").status_code for _ in range(40)]
    control.clear_faults(realm)
    assert 5 <= statuses.count(503) <= 35 and statuses.count(200) + statuses.count(503) == 40
    assert api.get("term/1").status_code == 200


def test_stale_injection_makes_next_update_5010(qb, control, realm):
    customer = Customer.filter(DisplayName="Amy Chen", qb=qb)[0]
    control.inject(realm, "stale", count=1)
    customer.Notes = "mine"
    with pytest.raises(QuickbooksException) as info:
        customer.save(qb=qb)
    assert info.value.error_code == 5010
    fresh = Customer.get(customer.Id, qb=qb)
    assert fresh.SyncToken == str(int(customer.SyncToken) + 1)
    fresh.Notes = "mine"
    assert fresh.save(qb=qb).Notes == "mine"


def test_request_log_records_what_was_sent(qb, control, realm):
    control.clear_requests(realm)
    customer = Customer()
    customer.DisplayName = "Logged Customer"
    customer.save(qb=qb, request_id="log-1")
    entries = control.requests(realm)
    assert len(entries) == 1
    entry = entries[0]
    assert entry["method"] == "POST" and entry["path"].endswith("/customer") and entry["status"] == 200
    assert entry["query"] == {"minorversion": "75", "requestid": "log-1"}
    assert '"DisplayName": "Logged Customer"' in entry["body"] and '"Logged Customer"' in entry["response"]
    assert control.requests(realm, since=entry["seq"]) == []


def test_edit_as_if_in_quickbooks(api, control, realm, clock):
    customer = api.rows("select * from Customer where DisplayName = 'Amy Chen'", "Customer")[0]
    clock.advance_clock(90)
    edited = control.edit(realm, "Customer", customer["Id"], {"Notes": "changed in QuickBooks"})
    assert edited["SyncToken"] == str(int(customer["SyncToken"]) + 1)
    assert edited["MetaData"]["LastUpdatedTime"] > customer["MetaData"]["LastUpdatedTime"]
    stale = api.post("customer", dict(customer, Notes="from the app"))
    assert stale.json()["Fault"]["Error"][0]["code"] == "5010"
    touched = control.touch(realm, "Customer", customer["Id"])
    assert touched["SyncToken"] == str(int(edited["SyncToken"]) + 1) and touched["Notes"] == "changed in QuickBooks"
    made = control.create(realm, "Vendor", {"DisplayName": "Typed In QuickBooks"})
    assert api.get(f"vendor/{made['Id']}").json()["Vendor"]["DisplayName"] == "Typed In QuickBooks"
    control.delete(realm, "Vendor", made["Id"])
    assert api.get(f"vendor/{made['Id']}").json()["Vendor"]["Active"] is False


def test_reset_one_company(api, control, realm):
    api.post("customer", {"DisplayName": "Temporary"})
    control.reset(realm)
    assert api.rows("select * from Customer where DisplayName = 'Temporary'", "Customer") == []
    assert len(api.rows("select * from Invoice", "Invoice")) == 3


def test_clock_moves_metadata(api, control, clock):
    clock.set_clock("2026-02-03T10:00:00-08:00", freeze=True)
    created = api.post("customer", {"DisplayName": "Clocked"}).json()["Customer"]
    assert created["MetaData"]["CreateTime"] == "2026-02-03T10:00:00-08:00"
    clock.advance_clock(3600)
    updated = api.post("customer", {"Id": created["Id"], "SyncToken": "0", "sparse": True, "Notes": "later"}).json()["Customer"]
    assert updated["MetaData"]["LastUpdatedTime"] == "2026-02-03T11:00:00-08:00"
    assert updated["MetaData"]["CreateTime"] == "2026-02-03T10:00:00-08:00"
    invoice = api.post("invoice", {"CustomerRef": {"value": created["Id"]}, "Line": [
        {"DetailType": "SalesItemLineDetail", "Amount": 5, "SalesItemLineDetail": {}}]}).json()["Invoice"]
    assert invoice["TxnDate"] == "2026-02-03"
