"""Another company's records are invisible and untouchable on every route that takes an id.

A second company gets one record of every kind; the first company's admin then requests every URL
rule with an id argument, with each method the rule accepts, using the second company's ids. Every
answer must be 404 (exactly like a missing record) and no row of the database may change.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import (
    DeletionReminder, Link, PaymentAllocation, QuickBooksConnection, ResponsibilityRole, Role, RunStatus, SyncRun,
)

# Routes of the QuickBooks integration whose records (connections, links, runs, reminders, or a
# generic local_type/record_id pair) are built by that area; add them to `foreign_ids` below and
# remove them here as their records get factories.
NOT_YET_COVERED: set[str] = set()

# What a hostile form post would try to write.
HOSTILE_FORM = {
    "name": "Hacked", "number": "HACK-1", "title": "Hacked", "first_name": "Hacked", "last_name": "Hacked",
    "email": "hacked@example.com", "amount": "1.00", "memo": "hacked", "reference": "HACK",
    "wo-title": "Hacked", "assign-role": "sales_rep", "lines-0-description": "hacked", "lines-0-rate": "1",
    "role": "admin", "active": "", "due_days": "1",
}


@pytest.fixture
def foreign_ids(make_company, make_user, make_customer, make_project, make_invoice, make_payment,
                make_credit_memo, make_bill, make_vendor, make_account, make_item, make_class, make_term,
                make_tax_code, make_work_order, make_assignment):
    other = make_company("Rival Roofing")
    user = make_user(company=other, role=Role.admin, email="rival@example.com")
    project = make_project(company=other)
    invoice = make_invoice(company=other, project=project)
    payment = make_payment(invoice, company=other, amount="10.00")
    return {
        "customer_id": project.customer_id,
        "project_id": project.id,
        "invoice_id": invoice.id,
        "payment_id": payment.id,
        "credit_memo_id": make_credit_memo(company=other, project=project).id,
        "bill_id": make_bill(company=other, project=project).id,
        "vendor_id": make_vendor(company=other).id,
        "account_id": make_account(company=other).id,
        "item_id": make_item(company=other).id,
        "class_id": make_class(company=other).id,
        "term_id": make_term(company=other).id,
        "tax_code_id": make_tax_code(company=other).id,
        "user_id": user.id,
        "wo_id": make_work_order(project=project).id,
        "assignment_id": make_assignment(project=project, user=user, role=ResponsibilityRole.sales_rep).id,
        **_quickbooks_records(other, user, project),
    }


def _quickbooks_records(other, user, project) -> dict:
    """The other company's QuickBooks connection, link, sync run and deletion reminder."""
    connection = QuickBooksConnection(company_id=other.id, user_id=user.id, realm_id="999")
    link = Link(company_id=other.id, backend="online", realm="999", local_type="customer",
                local_id=project.customer_id, quickbooks_type="Customer", quickbooks_id="1", version="0")
    run = SyncRun(company_id=other.id, kind="push", target_type="customer", target_id=project.customer_id,
                  status=RunStatus.failed)
    reminder = DeletionReminder(company_id=other.id, local_type="customer", label="Gone", quickbooks_type="Customer",
                                quickbooks_id="2")
    db.session.add_all([connection, link, run, reminder])
    db.session.commit()
    return {"connection_id": connection.id, "link_id": link.id, "run_id": run.id, "reminder_id": reminder.id,
            "local_type": "customer", "record_id": project.customer_id}


def _id_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.arguments and rule.endpoint != "static"]


def _snapshot() -> dict:
    """Every row of every table, so any write (to the other company or anywhere) shows up."""
    db.session.expire_all()
    return {table.name: sorted(map(tuple, db.session.execute(select(table)).all()), key=repr)
            for table in db.metadata.sorted_tables}


def test_every_id_route_is_covered(app, foreign_ids):
    unmapped = sorted(f"{rule.endpoint} {rule.rule}" for rule in _id_rules(app)
                      if rule.endpoint not in NOT_YET_COVERED and not rule.arguments <= foreign_ids.keys())
    assert not unmapped, f"Give the isolation test a foreign record for: {unmapped}"


def test_other_companys_ids_give_404_everywhere_and_change_nothing(app, admin_client, foreign_ids):
    before = _snapshot()
    adapter = app.url_map.bind("cc.test")
    checked = []
    for rule in _id_rules(app):
        if not rule.arguments <= foreign_ids.keys():
            continue
        url = adapter.build(rule.endpoint, {arg: foreign_ids[arg] for arg in rule.arguments})
        for method in ("GET", "POST") if "GET" in rule.methods and "POST" in rule.methods else \
                      [m for m in ("GET", "POST") if m in rule.methods]:
            response = admin_client.open(url, method=method, data=HOSTILE_FORM if method == "POST" else None)
            checked.append((method, url, response.status_code))
    wrong = [c for c in checked if c[2] != 404]
    assert not wrong, f"answered something other than 404: {wrong}"
    assert len(checked) >= 40  # the walk really happened (every area's detail, edit and delete routes)
    assert _snapshot() == before


def test_nested_rows_of_another_company_404_under_an_own_project(admin_client, make_project, foreign_ids):
    own = make_project()
    for url in (f"/projects/{own.id}/work-orders/{foreign_ids['wo_id']}/complete",
                f"/projects/{own.id}/assignments/{foreign_ids['assignment_id']}/delete"):
        assert admin_client.post(url).status_code == 404


def test_foreign_ids_in_query_strings_and_selects_are_ignored_or_refused(admin_client, make_customer, foreign_ids):
    """Ids arriving as query parameters or posted select values are scoped too."""
    assert admin_client.get(f"/invoices/new?project_id={foreign_ids['project_id']}").status_code == 404
    assert admin_client.get(f"/payments/allocations?customer_id={foreign_ids['customer_id']}").status_code == 404
    customer = make_customer()
    response = admin_client.post("/payments/new", data={
        "customer_id": foreign_ids["customer_id"], "payment_date": "2026-11-01", "amount": "5", "method": "Check",
        f"alloc-{foreign_ids['invoice_id']}": "5"})
    assert response.status_code == 400 and b"Not a valid choice" in response.data
    response = admin_client.post("/payments/new", data={
        "customer_id": customer.id, "payment_date": "2026-11-01", "amount": "5", "method": "Check",
        f"alloc-{foreign_ids['invoice_id']}": "5"})
    assert response.status_code == 302  # the foreign allocation field is simply not one of the rows
    assert db.session.scalar(select(PaymentAllocation).where(PaymentAllocation.invoice_id == foreign_ids["invoice_id"],
                                                             PaymentAllocation.amount == Decimal("5"))) is None
    response = admin_client.post("/bills/new", data={"vendor_id": foreign_ids["vendor_id"], "bill_date": "2026-11-01",
                                                     "status": "draft", "lines-0-account_id": foreign_ids["account_id"],
                                                     "lines-0-amount": "5"})
    assert response.status_code == 400 and response.data.count(b"Not a valid choice") == 2
