"""Changes made in QuickBooks flowing in: webhooks, CDC catch-up, the conflict rule, customers, jobs,
vendors, deletions, tax codes, and the webhook endpoint's own rules."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta

import pytest

from webapp.extensions import db
from webapp.models import (
    Customer, InboundCursor, LinkState, Project, RunStatus, SalesTaxCode, SyncRun, TrackingClass, Vendor,
)
from webapp.models.base import utcnow
from webapp.sync import runs
from tests.integration.conftest import wait_for_run
from tests.integration.inbound_support import (  # noqa: F401
    VERIFIER, app_server, catch_up, follow_changes_from_now, import_list, link_of, wait_for_webhook_runs, webhook_url,
)


@pytest.fixture
def clock(qbo):
    yield qbo.control
    qbo.control.reset_clock()


def _push(company, local_type, record):
    run = wait_for_run(runs.start(company.id, "push", local_type, record.id, f"{local_type} {record.id}").run.id)
    assert run.status == RunStatus.succeeded, [e.message for e in run.events]
    return link_of(local_type, record.id)


def _messages(run) -> str:
    return "\n".join(e.message for e in run.events)


def test_vendor_edited_in_quickbooks_arrives_by_webhook_and_is_not_pushed_back(
        worker, qbo, connect_company, company, make_vendor, app_server):
    settings = connect_company()
    vendor = make_vendor(name="Birch Roofing", phone="303-555-0100")
    link = _push(company, "vendor", vendor)
    qbo.control.set_webhook(settings.realm_id, webhook_url(app_server), verifier_token=VERIFIER, delay=0.1)

    qbo.control.edit(settings.realm_id, "Vendor", link.quickbooks_id,
                     {"DisplayName": "Birch Roofing Co", "PrimaryPhone": {"FreeFormNumber": "720-555-0199"}})
    [delivery] = qbo.control.webhook_deliveries(settings.realm_id, wait=15)
    assert delivery["attempts"][0]["status"] == 200
    [run] = wait_for_webhook_runs(company)

    assert run.status == RunStatus.succeeded, _messages(run)
    db.session.refresh(vendor)
    assert (vendor.name, vendor.phone) == ("Birch Roofing Co", "720-555-0199")
    assert "updated from QuickBooks" in _messages(run)
    # The next push finds nothing to send: the inbound write never echoes back to QuickBooks.
    qbo.control.clear_requests(settings.realm_id)
    push = wait_for_run(runs.start(company.id, "push", "vendor", vendor.id, "Vendor").run.id)
    assert push.counts == {"unchanged": 1}


def test_cloudevents_repeated_and_out_of_order_deliveries_end_in_the_latest_state(
        worker, qbo, connect_company, company, make_class, app_server):
    settings = connect_company()
    remodel = make_class(name="Roofing")
    link = _push(company, "tracking_class", remodel)
    qbo.control.set_webhook(settings.realm_id, webhook_url(app_server), verifier_token=VERIFIER, format="cloudevents",
                            delay=0.1, duplicate=True, out_of_order=True)
    qbo.control.edit(settings.realm_id, "Class", link.quickbooks_id, {"Name": "Roofing 1"})
    qbo.control.edit(settings.realm_id, "Class", link.quickbooks_id, {"Name": "Roofing 2"})
    qbo.control.create(settings.realm_id, "Class", {"Name": "Gutters"})
    deliveries = qbo.control.webhook_deliveries(settings.realm_id, wait=15)
    assert all(d["delivered"] for d in deliveries)
    assert json.loads(deliveries[0]["body"])[0]["specversion"] == "1.0"

    found = wait_for_webhook_runs(company, count=2)

    assert all(r.status == RunStatus.succeeded for r in found)
    db.session.refresh(remodel)
    assert remodel.name == "Roofing 2"
    # 2-way: a class created in QuickBooks is added here, once, however many times it was notified.
    assert [c.name for c in db.session.scalars(db.select(TrackingClass).where(TrackingClass.name == "Gutters"))] \
        == ["Gutters"]
    assert sum(r.counts.get("added", 0) for r in found) == 1


def test_edit_arrives_by_cdc_alone_when_the_webhook_is_lost(worker, qbo, connect_company, company, make_vendor):
    settings = connect_company()  # no webhook configured: every notification is lost
    vendor = make_vendor(name="Quarry Stone")
    link = _push(company, "vendor", vendor)
    follow_changes_from_now(settings, qbo)
    qbo.control.edit(settings.realm_id, "Vendor", link.quickbooks_id, {"PrimaryEmailAddr": {"Address": "ops@quarry.example"}})

    run = catch_up(company)

    assert run.status == RunStatus.succeeded, _messages(run)
    assert run.counts["updated"] == 1
    db.session.refresh(vendor)
    assert vendor.email == "ops@quarry.example"
    cursor = db.session.scalar(db.select(InboundCursor))
    assert cursor.changes_since.tzinfo is not None
    # Nothing new since: the catch-up leaves no run behind.
    again = catch_up(company)
    assert again is None, again and (again.counts, [e.message for e in again.events])


def test_first_catch_up_starts_the_feed_without_importing_everything(worker, qbo, connect_company, company):
    connect_company()
    run = catch_up(company)
    assert run.counts.get("feed_started") == 1
    assert db.session.scalar(db.select(db.func.count(Vendor.id))) == 0
    assert db.session.scalar(db.select(InboundCursor)).changes_since is not None


def test_conflict_quickbooks_newer_wins_and_the_local_values_are_logged(worker, qbo, connect_company, company,
                                                                       make_vendor, clock):
    settings = connect_company()
    vendor = make_vendor(name="Summit Electric", phone="303-555-0001")
    link = _push(company, "vendor", vendor)
    follow_changes_from_now(settings, qbo)
    vendor.phone = "303-555-0002"  # edited here first...
    db.session.commit()
    clock.advance_clock(5)         # ...then, later, in QuickBooks
    qbo.control.edit(settings.realm_id, "Vendor", link.quickbooks_id, {"PrimaryPhone": {"FreeFormNumber": "303-555-0003"}})

    run = catch_up(company)

    db.session.refresh(vendor)
    assert vendor.phone == "303-555-0003"
    warning = next(e for e in run.events if e.level == "warning")
    assert "QuickBooks' version" in warning.message and "“303-555-0002”" in warning.message


def test_conflict_local_newer_wins_is_logged_and_sent_to_quickbooks(worker, qbo, connect_company, company,
                                                                    make_vendor):
    settings = connect_company()
    vendor = make_vendor(name="Delta Drywall", phone="303-555-0100")
    link = _push(company, "vendor", vendor)
    follow_changes_from_now(settings, qbo)
    qbo.control.edit(settings.realm_id, "Vendor", link.quickbooks_id, {"PrimaryPhone": {"FreeFormNumber": "111-111-1111"}})
    vendor.phone = "303-555-0199"  # edited here after QuickBooks' edit: ours is the newer one
    db.session.commit()

    run = catch_up(company)

    db.session.refresh(vendor)
    assert vendor.phone == "303-555-0199"
    warning = next(e for e in run.events if e.level == "warning")
    assert "Contractors Cloud version" in warning.message and "“111-111-1111”" in warning.message
    push = wait_for_run(runs.latest_for(company.id, "vendor", vendor.id).id)
    assert push.options["trigger"] == "conflict" and push.status == RunStatus.succeeded
    assert qbo.control.read(settings.realm_id, "Vendor", link.quickbooks_id)["PrimaryPhone"]["FreeFormNumber"] \
        == "303-555-0199"


def test_customers_created_in_quickbooks_stay_out_and_synced_ones_never_take_contact_data(
        worker, qbo, connect_company, company, make_customer):
    settings = connect_company()
    customer = make_customer(first_name="Nora", last_name="Vance", email="nora@example.com", phone="303-555-0300")
    link = _push(company, "customer", customer)
    follow_changes_from_now(settings, qbo)
    qbo.control.create(settings.realm_id, "Customer", {"DisplayName": "Walk-in Buyer", "GivenName": "Walk"})
    qbo.control.edit(settings.realm_id, "Customer", link.quickbooks_id, {
        "CompanyName": "Vance Holdings", "BillAddr": {"Line1": "9 Spruce Ct", "City": "Boulder"},
        "GivenName": "Eleanor", "PrimaryEmailAddr": {"Address": "other@example.com"},
        "PrimaryPhone": {"FreeFormNumber": "000"}})

    run = catch_up(company)

    assert run.status == RunStatus.succeeded, _messages(run)
    assert db.session.scalar(db.select(db.func.count(Customer.id))) == 1, "QuickBooks-created customers are not imported"
    db.session.refresh(customer)
    assert (customer.company_name, customer.street, customer.city) == ("Vance Holdings", "9 Spruce Ct", "Boulder")
    assert (customer.first_name, customer.email, customer.phone) == ("Nora", "nora@example.com", "303-555-0300")


def test_jobs_two_way_once_the_customer_is_connected(worker, qbo, connect_company, company, make_project,
                                                     make_customer):
    settings = connect_company()
    project = make_project(number="P-410", address="12 Oak St")
    job = _push(company, "project", project)
    customer_link = link_of("customer", project.customer_id)
    stranger = make_customer(first_name="Not", last_name="Connected")
    follow_changes_from_now(settings, qbo)
    qbo.control.edit(settings.realm_id, "Customer", job.quickbooks_id, {"DisplayName": "P-410 - 14 Elm St"})
    qbo.control.create(settings.realm_id, "Customer", {"DisplayName": "P-411 - 3 Pine Rd", "Job": True,
                                                       "ParentRef": {"value": customer_link.quickbooks_id}})
    other = qbo.control.create(settings.realm_id, "Customer", {"DisplayName": "Someone Else"})
    qbo.control.create(settings.realm_id, "Customer", {"DisplayName": "P-412 - 1 Ash Way", "Job": True,
                                                       "ParentRef": {"value": other["Id"]}})

    run = catch_up(company)

    assert run.status == RunStatus.succeeded, _messages(run)
    db.session.refresh(project)
    assert project.address == "14 Elm St"
    added = db.session.scalar(db.select(Project).where(Project.number == "P-411"))
    assert added is not None and added.customer_id == project.customer_id and added.address == "3 Pine Rd"
    assert link_of("project", added.id) is not None
    assert db.session.scalar(db.select(Project).where(Project.number == "P-412")) is None
    assert stranger.projects == []


def test_deleted_or_inactive_in_quickbooks_is_never_deleted_here(worker, qbo, connect_company, company,
                                                                 make_vendor, make_invoice, admin_client):
    settings = connect_company()
    vendor = make_vendor(name="Gone Gutters")
    vendor_link = _push(company, "vendor", vendor)
    invoice = make_invoice(number="7801")
    invoice_link = _push(company, "invoice", invoice)
    follow_changes_from_now(settings, qbo)
    qbo.control.delete(settings.realm_id, "Vendor", vendor_link.quickbooks_id)    # made inactive
    qbo.control.delete(settings.realm_id, "Invoice", invoice_link.quickbooks_id)  # deleted

    run = catch_up(company)

    assert run.counts["deleted_in_quickbooks"] == 2, _messages(run)
    assert db.session.get(Vendor, vendor.id) is not None
    assert link_of("vendor", vendor.id).state == LinkState.deleted_in_quickbooks
    assert link_of("invoice", invoice.id).state == LinkState.deleted_in_quickbooks
    page = admin_client.get(f"/vendors/{vendor.id}")
    assert b"Deleted in QuickBooks" in page.data and b"Re-create in QuickBooks" in page.data


def test_sales_tax_codes_are_polled_by_query(worker, qbo, connect_company, company):
    settings = connect_company()
    import_list(company, "tax_codes")
    follow_changes_from_now(settings, qbo)
    # TaxCode is read-only through the API and never notified: change the sandbox's stored copy.
    store = qbo.sandbox.store
    code = dict(store.get(settings.realm_id, "TaxCode", "TAX"))
    code.update(Description="State sales tax", SyncToken="1")
    store.put(settings.realm_id, "TaxCode", code)

    run = catch_up(company)

    assert run.counts["updated"] == 1, _messages(run)
    assert db.session.scalar(db.select(SalesTaxCode).where(SalesTaxCode.name == "TAX")).description == "State sales tax"


def test_gap_over_30_days_falls_back_to_a_full_import_of_the_lists(worker, qbo, connect_company, company):
    settings = connect_company()
    db.session.add(InboundCursor(company_id=company.id, realm=settings.realm_id,
                                 changes_since=utcnow() - timedelta(days=31), last_sweep_at=utcnow()))
    db.session.commit()

    run = catch_up(company)

    assert run.status == RunStatus.succeeded, _messages(run)
    assert "more than 30 days" in _messages(run)
    assert db.session.scalar(db.select(db.func.count(TrackingClass.id))) == 3
    assert db.session.scalar(db.select(db.func.count(SalesTaxCode.id))) == 2
    cursor = db.session.scalar(db.select(InboundCursor))
    db.session.refresh(cursor)
    assert cursor.last_full_import_at is not None and utcnow() - cursor.changes_since < timedelta(minutes=5)


def _signed(body: bytes, key: str = VERIFIER) -> dict:
    return {"intuit-signature": base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode(),
            "Content-Type": "application/json"}


def test_webhook_with_a_bad_signature_is_refused_and_nothing_stored(app, client, connect_company):
    app.config["QBO_WEBHOOK_VERIFIER"] = VERIFIER
    settings = connect_company()
    body = json.dumps({"eventNotifications": [{"realmId": settings.realm_id, "dataChangeEvent": {"entities": [
        {"name": "Vendor", "id": "1", "operation": "Update", "lastUpdated": "2026-11-26T10:00:00-08:00"}]}}]}).encode()

    assert client.post("/quickbooks/webhooks", data=body, headers=_signed(body, "wrong")).status_code == 401
    assert client.post("/quickbooks/webhooks", data=body, headers={"Content-Type": "application/json"}).status_code == 401
    assert client.post("/quickbooks/webhooks", data=body + b" ", headers=_signed(body)).status_code == 401
    assert db.session.scalar(db.select(db.func.count(SyncRun.id))) == 0


def test_webhook_for_an_unknown_realm_is_ignored(app, client, connect_company):
    app.config["QBO_WEBHOOK_VERIFIER"] = VERIFIER
    connect_company()
    body = json.dumps([{"specversion": "1.0", "id": "x", "type": "qbo.vendor.updated.v1", "time": "2026-11-26T10:00:00Z",
                        "intuitentityid": "3", "intuitaccountid": "123456789", "data": {}}]).encode()
    response = client.post("/quickbooks/webhooks", data=body, headers=_signed(body))
    assert response.status_code == 200
    assert db.session.scalar(db.select(db.func.count(SyncRun.id))) == 0
