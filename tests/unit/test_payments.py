"""Payments and their allocation to the customer's open invoices."""
from decimal import Decimal

import pytest

from webapp.extensions import db
from webapp.models import Payment, PaymentAllocation


def _data(customer, amount="500.00", allocations=None, **extra):
    data = {"customer_id": customer.id, "project_id": "", "payment_date": "2026-11-22", "amount": amount,
            "method": "Check", "reference": "1234", "memo": "", "sync_enabled": "y"}
    for invoice, value in (allocations or {}).items():
        data[f"alloc-{invoice.id}"] = value
    data.update(extra)
    return data


def _payments():
    return db.session.scalar(db.select(db.func.count(Payment.id)))


@pytest.fixture
def two_invoices(make_invoice, make_project):
    project = make_project()
    return (make_invoice(project=project, number="A1", lines=(("1", "300.00"),)),
            make_invoice(project=project, number="A2", lines=(("1", "200.00"),)))


def test_list_search_and_empty_state(admin_client, make_invoice, make_payment):
    assert b"Receive a payment" in admin_client.get("/payments/").data
    make_payment(make_invoice(), reference="CHK-991")
    make_payment(make_invoice(), reference="CHK-100")
    page = admin_client.get("/payments/?q=991", headers={"HX-Request": "true", "HX-Target": "payments-table"})
    assert page.data.lstrip().startswith(b'<div id="payments-table"')
    assert b"CHK-991" in page.data and b"CHK-100" not in page.data


def test_new_shows_open_invoices_of_the_preselected_customer(admin_client, two_invoices, make_invoice):
    a1, _ = two_invoices
    other = make_invoice(number="ZZ9")
    html = admin_client.get(f"/payments/new?customer_id={a1.customer_id}").data
    assert b'name="alloc-' in html and b"A1" in html and b"A2" in html and b"ZZ9" not in html


def test_create_payment_with_allocations(admin_client, two_invoices):
    a1, a2 = two_invoices
    response = admin_client.post("/payments/new", data=_data(a1.customer, "450.00", {a1: "300.00", a2: "150"}))
    assert response.status_code == 302
    payment = db.session.scalar(db.select(Payment))
    assert {(a.invoice_id, a.amount) for a in payment.allocations} == {(a1.id, Decimal("300.00")),
                                                                        (a2.id, Decimal("150.00"))}
    assert all(a.company_id == payment.company_id for a in payment.allocations)
    db.session.refresh(a2)
    assert a2.balance == Decimal("50.00")
    assert b"$450.00" in admin_client.get(response.location).data


def test_allocation_above_open_balance_is_refused(admin_client, two_invoices):
    a1, _ = two_invoices
    response = admin_client.post("/payments/new", data=_data(a1.customer, "500.00", {a1: "300.01"}))
    assert response.status_code == 400
    assert b"More than the invoice&#39;s open balance of $300.00." in response.data
    assert b'value="300.01"' in response.data
    assert _payments() == 0


def test_negative_and_garbage_allocations_are_refused(admin_client, two_invoices):
    a1, a2 = two_invoices
    response = admin_client.post("/payments/new", data=_data(a1.customer, "500.00", {a1: "-5", a2: "abc"}))
    assert response.status_code == 400
    assert b"An allocation cannot be negative." in response.data
    assert b"Enter an amount like 120.00." in response.data
    assert _payments() == 0


def test_total_allocated_cannot_exceed_payment(admin_client, two_invoices):
    a1, a2 = two_invoices
    response = admin_client.post("/payments/new", data=_data(a1.customer, "100.00", {a1: "60", a2: "60"}))
    assert response.status_code == 400
    assert b"The allocations add up to $120.00, more than the payment&#39;s $100.00." in response.data
    assert _payments() == 0


def test_bad_payment_fields(admin_client, make_customer):
    customer = make_customer()
    response = admin_client.post("/payments/new", data=_data(customer, amount="0", payment_date=""))
    assert response.status_code == 400
    assert b"Enter an amount above zero." in response.data and b"Enter the payment date." in response.data
    assert _payments() == 0


def test_project_must_belong_to_customer(admin_client, make_project, make_customer):
    project = make_project()
    response = admin_client.post("/payments/new", data=_data(make_customer(), project_id=project.id))
    assert response.status_code == 400 and b"not to the chosen customer" in response.data


def test_edit_counts_own_previous_allocation_as_open(admin_client, make_invoice, make_payment):
    invoice = make_invoice(lines=(("1", "300.00"),))
    payment = make_payment(invoice, amount="300.00")  # the invoice is fully paid by this payment
    html = admin_client.get(f"/payments/{payment.id}/edit").data
    assert f'name="alloc-{invoice.id}"'.encode() in html and b'value="300.00"' in html
    data = _data(invoice.customer, "300.00", {invoice: "250.00"}, project_id=invoice.project_id)
    response = admin_client.post(f"/payments/{payment.id}/edit", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    allocations = db.session.scalars(db.select(PaymentAllocation)).all()
    assert [(a.invoice_id, a.amount) for a in allocations] == [(invoice.id, Decimal("250.00"))]


def test_edit_clearing_an_allocation_removes_it(admin_client, make_invoice, make_payment):
    invoice = make_invoice()
    payment = make_payment(invoice)
    response = admin_client.post(f"/payments/{payment.id}/edit", data=_data(invoice.customer, "300.00", {invoice: ""}))
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count(PaymentAllocation.id))) == 0


def test_htmx_allocation_rows_follow_the_customer(admin_client, two_invoices, make_invoice):
    a1, _ = two_invoices
    other = make_invoice(number="B7")
    response = admin_client.get(f"/payments/allocations?customer_id={other.customer_id}",
                                headers={"HX-Request": "true"})
    assert response.data.lstrip().startswith(b'<fieldset id="payment-allocations"')
    assert b"B7" in response.data and b"A1" not in response.data


def test_no_js_refresh_rerenders_without_saving(admin_client, two_invoices):
    a1, _ = two_invoices
    response = admin_client.post("/payments/new", data=_data(a1.customer, refresh_allocations="1"))
    assert response.status_code == 200 and b"A1" in response.data
    assert _payments() == 0


def test_delete_payment_frees_the_invoice(admin_client, make_invoice, make_payment):
    invoice = make_invoice()
    payment = make_payment(invoice)
    admin_client.post(f"/payments/{payment.id}/delete")
    assert _payments() == 0
    db.session.refresh(invoice)
    assert invoice.balance == invoice.total
