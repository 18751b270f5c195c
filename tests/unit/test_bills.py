"""Bills (job costs): list with status badges, line editing, totals."""
from decimal import Decimal

from webapp.extensions import db
from webapp.models import AccountType, Bill, BillLine, BillStatus


def _data(vendor, project=None, lines=(), **extra):
    data = {"vendor_id": vendor.id, "project_id": project.id if project else "", "bill_date": "2026-11-12",
            "due_date": "", "reference": "INV-88", "status": "approved", "memo": "", "sync_enabled": "y"}
    for i, line in enumerate(lines):
        for key, value in line.items():
            data[f"lines-{i}-{key}"] = value
    data.update(extra)
    return data


def _bills():
    return db.session.scalar(db.select(db.func.count(Bill.id)))


def test_list_with_status_badge_and_search(admin_client, make_bill, make_vendor):
    assert b"Enter a bill" in admin_client.get("/bills/").data
    make_bill(vendor=make_vendor(name="Rocky Supply"), reference="R-1", status=BillStatus.approved)
    make_bill(vendor=make_vendor(name="Other Co"), reference="O-1")
    page = admin_client.get("/bills/")
    assert b'class="badge badge-info">Approved' in page.data and b'badge-ok">Paid' in page.data
    found = admin_client.get("/bills/?q=rocky", headers={"HX-Request": "true", "HX-Target": "bills-table"})
    assert found.data.lstrip().startswith(b'<div id="bills-table"')
    assert b"Rocky Supply" in found.data and b"Other Co" not in found.data


def test_account_select_offers_expense_like_accounts_only(admin_client, make_account):
    make_account(name="Job Materials", account_type=AccountType.cost_of_goods_sold)
    make_account(name="Roofing Income", account_type=AccountType.income)
    html = admin_client.get("/bills/new").data
    assert b"Job Materials" in html and b"Roofing Income" not in html


def test_create_bill_with_lines_and_total(admin_client, make_vendor, make_project, make_account, make_class):
    vendor, project = make_vendor(), make_project()
    account = make_account(account_type=AccountType.cost_of_goods_sold)
    cls = make_class()
    response = admin_client.post("/bills/new", data=_data(vendor, project, lines=[
        {"account_id": account.id, "description": "Shingles", "amount": "1200.50", "class_id": cls.id, "billable": "y"},
        {"account_id": account.id, "description": "Nails", "amount": "99.50"},
        {"account_id": "", "description": "", "amount": ""},
    ]))
    assert response.status_code == 302
    bill = db.session.scalar(db.select(Bill))
    assert bill.total == Decimal("1300.00") and bill.status == BillStatus.approved
    assert [(line.description, line.billable, line.class_id) for line in bill.lines] == [
        ("Shingles", True, cls.id), ("Nails", False, None)]


def test_new_from_project_preselects_it(admin_client, make_project):
    project = make_project()
    html = admin_client.get(f"/bills/new?project_id={project.id}").data
    assert f'<option selected value="{project.id}">'.encode() in html


def test_bad_input(admin_client, make_vendor, make_account):
    vendor = make_vendor()
    response = admin_client.post("/bills/new", data=_data(vendor, bill_date="", lines=[
        {"account_id": "", "description": "Mystery", "amount": "10"}], due_date="2020-01-01", vendor_id=""))
    assert response.status_code == 400
    assert b"Enter the bill date." in response.data
    assert b"Choose the expense account." in response.data
    assert b"Choose a vendor." in response.data
    assert b'value="Mystery"' in response.data
    assert _bills() == 0


def test_no_lines_is_an_error(admin_client, make_vendor):
    response = admin_client.post("/bills/new", data=_data(make_vendor()))
    assert response.status_code == 400 and b"Add at least one line." in response.data


def test_due_date_before_bill_date(admin_client, make_vendor, make_account):
    account = make_account(account_type=AccountType.expense)
    response = admin_client.post("/bills/new", data=_data(make_vendor(), due_date="2026-11-01", lines=[
        {"account_id": account.id, "amount": "5"}]))
    assert response.status_code == 400 and b"The due date cannot be before the bill date." in response.data


def test_add_and_remove_lines(admin_client, make_vendor, make_account):
    vendor, account = make_vendor(), make_account(account_type=AccountType.expense)
    lines = [{"account_id": account.id, "description": "One", "amount": "1"},
             {"account_id": account.id, "description": "Two", "amount": "2"}]
    added = admin_client.post("/bills/new", data=_data(vendor, lines=lines, add_line="1"))
    assert added.status_code == 200 and b'name="lines-2-amount"' in added.data
    removed = admin_client.post("/bills/new", data=_data(vendor, lines=lines, remove_line="1"))
    assert b'value="One"' in removed.data and b'value="Two"' not in removed.data
    row = admin_client.get("/bills/line?index=5")
    assert row.data.lstrip().startswith(b'<tr data-index="5">') and b'name="lines-5-billable"' in row.data
    assert _bills() == 0


def test_edit_bill(admin_client, make_bill):
    bill = make_bill(amounts=("100.00", "50.00"))
    account_id = bill.lines[0].account_id
    response = admin_client.post(f"/bills/{bill.id}/edit", data=_data(bill.vendor, bill.project, status="paid", lines=[
        {"account_id": account_id, "description": "Only", "amount": "75.25"}]))
    assert response.status_code == 302
    db.session.expire_all()
    bill = db.session.get(Bill, bill.id)
    assert bill.total == Decimal("75.25") and bill.status == BillStatus.paid
    assert db.session.scalar(db.select(db.func.count(BillLine.id))) == 1


def test_show_and_delete(admin_client, make_bill):
    bill = make_bill()
    assert b"$250.00" in admin_client.get(f"/bills/{bill.id}").data
    admin_client.post(f"/bills/{bill.id}/delete")
    assert _bills() == 0
