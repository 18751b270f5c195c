"""Signed webhook notifications from the sandbox's background thread to a receiver in the test."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json

from quickbooks import QuickBooks

VERIFIER = "verifier-token-for-tests"


def verifies(call: dict, token: str = VERIFIER) -> bool:
    expected = base64.b64encode(hmac.new(token.encode(), call["body"], hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected, call["headers"]["intuit-signature"])


def test_legacy_notification_is_signed_and_aggregated(api, control, realm, receiver):
    hook = receiver()
    control.set_webhook(realm, hook.url, verifier_token=VERIFIER, delay=0.3)
    created = api.post("customer", {"DisplayName": "Hooked Customer"}).json()["Customer"]
    api.post("customer", {"Id": created["Id"], "SyncToken": "0", "sparse": True, "Notes": "n"})
    call = hook.wait_for(1)[0]
    assert verifies(call)
    assert not verifies(call, "some-other-token")
    assert QuickBooks(minorversion=75).validate_webhook_signature(call["body"].decode(), call["headers"]["intuit-signature"], VERIFIER)
    body = json.loads(call["body"])
    notification = body["eventNotifications"][0]
    assert notification["realmId"] == realm
    entities = notification["dataChangeEvent"]["entities"]
    assert [(e["name"], e["id"], e["operation"]) for e in entities] == [
        ("Customer", created["Id"], "Create"), ("Customer", created["Id"], "Update")]  # one POST, both changes
    assert all(e["lastUpdated"].endswith("-08:00") for e in entities)


def test_cloudevents_format(api, control, realm, receiver):
    hook = receiver()
    control.set_webhook(realm, hook.url, verifier_token=VERIFIER, format="cloudevents", delay=0.05)
    invoice = api.rows("select * from Invoice where DocNumber = '1001'", "Invoice")[0]
    api.post("invoice", {"Id": invoice["Id"], "SyncToken": invoice["SyncToken"]}, params={"operation": "void"})
    call = hook.wait_for(1)[0]
    assert verifies(call)
    events = json.loads(call["body"])
    assert isinstance(events, list) and len(events) == 1
    event = events[0]
    assert event["specversion"] == "1.0" and event["type"] == "qbo.invoice.voided.v1"
    assert event["intuitentityid"] == invoice["Id"] and event["intuitaccountid"] == realm and event["id"]


def test_edit_in_quickbooks_fires_webhook(control, realm, receiver):
    hook = receiver()
    control.set_webhook(realm, hook.url, verifier_token=VERIFIER, delay=0.05)
    control.edit(realm, "Vendor", "1", {"Notes": "edited by the bookkeeper"})
    entities = json.loads(hook.wait_for(1)[0]["body"])["eventNotifications"][0]["dataChangeEvent"]["entities"]
    assert entities == [{"name": "Vendor", "id": "1", "operation": "Update", "lastUpdated": entities[0]["lastUpdated"]}]


def test_failed_delivery_is_retried(api, control, realm, receiver):
    hook = receiver(fail_first=2)
    control.set_webhook(realm, hook.url, verifier_token=VERIFIER, delay=0.05, retry_delays=[0.05, 0.05, 0.05])
    api.post("customer", {"DisplayName": "Retried Customer"})
    calls = hook.wait_for(1)
    assert [c["status"] for c in calls] == [500, 500, 200]
    assert calls[0]["body"] == calls[2]["body"] and calls[0]["headers"]["intuit-signature"] == calls[2]["headers"]["intuit-signature"]
    delivery = control.webhook_deliveries(realm, wait=5)[-1]
    assert delivery["delivered"] is True and [a["status"] for a in delivery["attempts"]] == [500, 500, 200]


def test_duplicate_and_out_of_order_delivery(api, control, realm, receiver):
    hook = receiver()
    control.set_webhook(realm, hook.url, verifier_token=VERIFIER, delay=0.3, duplicate=True, out_of_order=True)
    first = api.post("customer", {"DisplayName": "First Change"}).json()["Customer"]
    second = api.post("customer", {"DisplayName": "Second Change"}).json()["Customer"]
    calls = hook.wait_for(2)
    assert calls[0]["body"] == calls[1]["body"]
    ids = [e["id"] for e in json.loads(calls[0]["body"])["eventNotifications"][0]["dataChangeEvent"]["entities"]]
    assert ids == [second["Id"], first["Id"]]


def test_payment_notifies_invoice_too(api, control, realm, receiver):
    hook = receiver()
    control.set_webhook(realm, hook.url, verifier_token=VERIFIER, delay=0.2)
    invoice = api.rows("select * from Invoice where DocNumber = '1003'", "Invoice")[0]
    payment = api.post("payment", {"CustomerRef": invoice["CustomerRef"], "TotalAmt": 10, "Line": [
        {"Amount": 10, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]}]}).json()["Payment"]
    entities = json.loads(hook.wait_for(1)[0]["body"])["eventNotifications"][0]["dataChangeEvent"]["entities"]
    assert {(e["name"], e["id"], e["operation"]) for e in entities} == {
        ("Payment", payment["Id"], "Create"), ("Invoice", invoice["Id"], "Update")}
