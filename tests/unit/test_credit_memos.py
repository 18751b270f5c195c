"""Credit memos share the invoice screens (webapp/views/sales.py); these prove the wiring and the note."""
from decimal import Decimal

from webapp.extensions import db
from webapp.models import CreditMemo

NOTE = b"Refunds and overpayments are not synced to QuickBooks"


def _data(project, number="CM-1", **extra):
    data = {"number": number, "customer_id": project.customer_id, "project_id": project.id, "memo_date": "2026-11-21",
            "lines-0-description": "Returned shingles", "lines-0-quantity": "2", "lines-0-rate": "45.50",
            "sync_enabled": "y"}
    data.update(extra)
    return data


def test_list_and_empty_state_and_note(admin_client, make_credit_memo):
    page = admin_client.get("/credit-memos/")
    assert b"Create the first credit memo" in page.data and NOTE in page.data
    memo = make_credit_memo(number="CM-77")
    page = admin_client.get("/credit-memos/?q=CM-77", headers={"HX-Request": "true", "HX-Target": "credit_memos-table"})
    assert page.data.lstrip().startswith(b'<div id="credit_memos-table"') and b"CM-77" in page.data
    assert NOTE in admin_client.get(f"/credit-memos/{memo.id}").data


def test_create_credit_memo(admin_client, make_project):
    project = make_project()
    response = admin_client.post("/credit-memos/new", data=_data(project))
    assert response.status_code == 302
    memo = db.session.scalar(db.select(CreditMemo))
    assert memo.total == Decimal("91.00") and str(memo.memo_date) == "2026-11-21"
    assert NOTE in admin_client.get("/credit-memos/new").data


def test_bad_input(admin_client, make_project):
    project = make_project()
    response = admin_client.post("/credit-memos/new", data=_data(project, memo_date="", number=""))
    assert response.status_code == 400
    assert b"Enter the credit memo date." in response.data
    assert db.session.scalar(db.select(db.func.count(CreditMemo.id))) == 0


def test_duplicate_number_and_customer_mismatch(admin_client, make_credit_memo, make_project, make_customer):
    make_credit_memo(number="CM-5")
    project = make_project()
    mismatch = _data(project, number="CM-5", customer_id=make_customer().id)
    response = admin_client.post("/credit-memos/new", data=mismatch)
    assert response.status_code == 400  # both messages at once
    assert "Another credit memo already uses “CM-5”.".encode() in response.data
    assert b"not to the chosen customer" in response.data
    response = admin_client.post("/credit-memos/new", data=_data(project, number="cm-5"))
    assert "Another credit memo already uses “cm-5”.".encode() in response.data
    assert db.session.scalar(db.select(db.func.count(CreditMemo.id))) == 1


def test_line_mechanics_and_edit(admin_client, make_credit_memo):
    memo = make_credit_memo(lines=(("1", "10.00"),))
    response = admin_client.get("/credit-memos/line?index=2")
    assert b'name="lines-2-rate"' in response.data
    data = _data(memo.project, number=memo.number, add_line="1")
    assert b'name="lines-1-rate"' in admin_client.post(f"/credit-memos/{memo.id}/edit", data=data).data
    data.pop("add_line")
    assert admin_client.post(f"/credit-memos/{memo.id}/edit", data=data).status_code == 302
    db.session.refresh(memo)
    assert memo.total == Decimal("91.00")


def test_delete(admin_client, make_credit_memo):
    memo = make_credit_memo()
    admin_client.post(f"/credit-memos/{memo.id}/delete")
    assert db.session.get(CreditMemo, memo.id) is None
