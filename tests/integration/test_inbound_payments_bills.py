"""Payments created in QuickBooks (imported only when the spec allows it) and QuickBooks bills
imported into a contract from its Job Costs tab."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from webapp.extensions import db
from webapp.models import Bill, Payment, RunStatus, Vendor
from webapp.sync import runs
from tests.integration.conftest import wait_for_run
from tests.waiting import wait_until
from tests.integration.inbound_support import catch_up, follow_changes_from_now, link_of


def _push(company, local_type, record):
    run = wait_for_run(runs.start(company.id, "push", local_type, record.id, f"{local_type} {record.id}").run.id)
    assert run.status == RunStatus.succeeded, [e.message for e in run.events]
    return link_of(local_type, record.id)


def _payment(qbo, realm, customer_id, amount, invoice_ids=()):
    lines = [{"Amount": amount, "LinkedTxn": [{"TxnId": i, "TxnType": "Invoice"}]} for i in invoice_ids]
    return qbo.control.create(realm, "Payment", {"CustomerRef": {"value": customer_id}, "TotalAmt": amount,
                                                 "PaymentRefNum": "CHK-9", "Line": lines})


def _skip_reasons(run) -> list[str]:
    return [e.message for e in run.events if e.level == "warning"]


def test_payment_on_a_connected_customer_and_project_is_imported_once(worker, qbo, connect_company, company,
                                                                      make_invoice):
    settings = connect_company()
    invoice = make_invoice(number="7901", lines=(("1", "400.00"),))
    invoice_link = _push(company, "invoice", invoice)
    job_link = link_of("project", invoice.project_id)
    follow_changes_from_now(settings, qbo)
    _payment(qbo, settings.realm_id, job_link.quickbooks_id, 150, [invoice_link.quickbooks_id])

    run = catch_up(company)

    assert run.counts["added"] == 1, [e.message for e in run.events]
    payment = db.session.scalar(db.select(Payment))
    assert (float(payment.amount), payment.reference, payment.project_id) == (150.0, "CHK-9", invoice.project_id)
    assert [(a.invoice_id, float(a.amount)) for a in payment.allocations] == [(invoice.id, 150.0)]
    assert link_of("payment", payment.id) is not None
    # Seen again (the daily sweep): still one payment, and pushing it sends nothing back.
    catch_up(company)
    assert db.session.scalar(db.select(db.func.count(Payment.id))) == 1
    push = wait_for_run(runs.start(company.id, "push", "payment", payment.id, "Payment").run.id)
    assert push.counts.get("unchanged") and not push.counts.get("updated"), push.counts


def test_payments_the_spec_does_not_allow_are_skipped_with_the_reason(worker, qbo, connect_company, company,
                                                                      make_invoice, make_customer):
    settings = connect_company(export_customer_jobs=False)
    realm = settings.realm_id
    # An invoice sent to the customer itself: its project is not connected (jobs are not exported).
    invoice = make_invoice(number="7902", lines=(("1", "300.00"),))
    invoice_link = _push(company, "invoice", invoice)
    customer_link = link_of("customer", invoice.customer_id)
    assert link_of("project", invoice.project_id) is None
    follow_changes_from_now(settings, qbo)
    amy = qbo.quickbooks(realm).query("SELECT * FROM Customer WHERE DisplayName = 'Amy Chen'")["QueryResponse"]["Customer"][0]
    [inv_1001] = qbo.quickbooks(realm).query("SELECT * FROM Invoice WHERE DocNumber = '1001'")["QueryResponse"]["Invoice"]
    qb_only = qbo.control.create(realm, "Invoice", {"CustomerRef": {"value": customer_link.quickbooks_id}, "Line": [
        {"Amount": 50, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": {"ItemRef": {"value": "1"}}}]})
    _payment(qbo, realm, amy["Id"], 100, [inv_1001["Id"]])                              # customer not connected
    _payment(qbo, realm, customer_link.quickbooks_id, 50, [qb_only["Id"]])             # invoice not ours
    _payment(qbo, realm, customer_link.quickbooks_id, 100, [invoice_link.quickbooks_id])  # project not connected
    _payment(qbo, realm, customer_link.quickbooks_id, 25)                              # applied to nothing

    run = catch_up(company)

    assert run.counts["skipped"] == 4 and run.counts["added"] == 0, run.counts
    reasons = "\n".join(_skip_reasons(run))
    assert "“Amy Chen” is not a connected Contractors Cloud customer account" in reasons
    assert f"applied to QuickBooks invoice {qb_only['Id']}, which is not a Contractors Cloud invoice" in reasons
    assert "invoice 7902 does not belong to a connected Contractors Cloud project" in reasons
    assert "not applied to any invoice" in reasons
    assert db.session.scalar(db.select(db.func.count(Payment.id))) == 0


@pytest.fixture
def clock(qbo):
    yield qbo.control
    qbo.control.reset_clock()


def _bill(qbo, realm, vendor_id, account_id, customer_id, amount, doc):
    return qbo.control.create(realm, "Bill", {"VendorRef": {"value": vendor_id}, "DocNumber": doc, "Line": [
        {"Amount": amount, "DetailType": "AccountBasedExpenseLineDetail", "Description": f"Bill {doc}",
         "AccountBasedExpenseLineDetail": {"AccountRef": {"value": account_id},
                                           "CustomerRef": {"value": customer_id}, "BillableStatus": "Billable"}}]})


def _wait_component(client, url, timeout=30):
    """Poll the component as htmx does, re-asking whenever a run changes, until it answers 286."""
    def done():
        response = client.get(url, headers={"HX-Request": "true"})
        assert response.status_code in (200, 286)
        return response.data.decode() if response.status_code == 286 else None

    return wait_until(done, timeout, url)


def test_bill_import_window_checkboxes_and_no_double_import(worker, qbo, connect_company, company, make_project,
                                                            admin_client, clock):
    settings = connect_company()
    realm = settings.realm_id
    project = make_project(number="P-500", address="5 Cedar Ave")
    job = _push(company, "project", project)
    other_job = _push(company, "project", make_project(number="P-501"))
    qb = qbo.quickbooks(realm)
    vendor = qb.query("SELECT * FROM Vendor WHERE DisplayName = 'Ace Lumber Supply'")["QueryResponse"]["Vendor"][0]
    account = qb.query("SELECT * FROM Account WHERE Name = 'Job Materials'")["QueryResponse"]["Account"][0]
    now = datetime.now(timezone.utc)
    clock.set_clock(now - timedelta(days=15))
    _bill(qbo, realm, vendor["Id"], account["Id"], job.quickbooks_id, 100, "OLD-15")
    clock.set_clock(now - timedelta(days=13))
    recent = _bill(qbo, realm, vendor["Id"], account["Id"], job.quickbooks_id, 240, "NEW-13")
    clock.reset_clock()
    _bill(qbo, realm, vendor["Id"], account["Id"], other_job.quickbooks_id, 999, "OTHER-JOB")

    page = admin_client.get(f"/projects/{project.id}?tab=job_costs")
    assert b"Import bills from QuickBooks" in page.data
    admin_client.post(f"/quickbooks/projects/{project.id}/bills/fetch", headers={"HX-Request": "true"})
    html = _wait_component(admin_client, f"/quickbooks/projects/{project.id}/bills")
    assert "NEW-13" in html and "OLD-15" not in html and "OTHER-JOB" not in html

    response = admin_client.post(f"/quickbooks/projects/{project.id}/bills/import", data={"bill_id": [recent["Id"]]},
                                 headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = _wait_component(admin_client, f"/quickbooks/projects/{project.id}/bills")
    assert "1 imported" in html
    assert f'hx-get="/projects/{project.id}?tab=job_costs"' in html  # the tab reloads to show the new bill

    [bill] = db.session.scalars(db.select(Bill)).all()
    assert (bill.project_id, bill.reference, float(bill.total)) == (project.id, "NEW-13", 240.0)
    assert bill.vendor.name == "Ace Lumber Supply" and link_of("vendor", bill.vendor_id) is not None
    assert [line.account.name for line in bill.lines] == ["Job Materials"] and bill.lines[0].billable
    assert link_of("bill", bill.id).quickbooks_id == recent["Id"]

    # Already imported: marked and disabled in the list; importing again adds nothing.
    component = admin_client.get(f"/projects/{project.id}?tab=job_costs").data.decode()
    assert f'data-bill="{recent["Id"]}" data-imported' in component
    run = wait_for_run(runs.start(company.id, "import", "bills:import", project.id, "again",
                                  options={"bill_ids": [recent["Id"]]}).run.id)
    assert run.counts["skipped"] == 1 and "already imported" in "\n".join(_skip_reasons(run))
    assert db.session.scalar(db.select(db.func.count(Bill.id))) == 1
    assert db.session.scalar(db.select(db.func.count(Vendor.id))) == 1
