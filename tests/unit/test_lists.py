"""The five QuickBooks name lists share one set of screens (webapp/views/lists.py)."""
from decimal import Decimal

import pytest

from webapp.extensions import db
from webapp.models import AccountType, FinancialAccount, InvoiceItem, ItemType, SalesTaxCode, Term, TrackingClass

VALID = {
    "accounts": (FinancialAccount, {"name": "Roofing Income", "number": "4000", "account_type": "Income",
                                    "subtype": "ServiceFeeIncome", "description": "", "active": "y"}),
    "items": (InvoiceItem, {"name": "Tear-off", "description": "Remove roof", "rate": "2.10",
                            "item_type": "service", "income_account_id": "", "active": "y"}),
    "classes": (TrackingClass, {"name": "Roofing", "active": "y"}),
    "terms": (Term, {"name": "Net 30", "due_days": "30", "active": "y"}),
    "tax-codes": (SalesTaxCode, {"name": "TAX", "description": "Denver", "taxable": "y", "rate": "8.81",
                                 "active": "y"}),
}


def _count(model):
    return db.session.scalar(db.select(db.func.count(model.id)))


def test_index_links_to_every_list(admin_client):
    html = admin_client.get("/lists/").data
    for path in VALID:
        assert f'href="/lists/{path}/"'.encode() in html


@pytest.mark.parametrize("path", VALID)
def test_create_list_empty_state_and_unique_name(admin_client, path):
    model, data = VALID[path]
    assert b"yet." in admin_client.get(f"/lists/{path}/").data  # empty state
    assert admin_client.post(f"/lists/{path}/new", data=data).status_code == 302
    assert _count(model) == 1
    page = admin_client.get(f"/lists/{path}/")
    assert data["name"].encode() in page.data
    response = admin_client.post(f"/lists/{path}/new", data={**data, "name": data["name"].upper()})
    assert response.status_code == 400
    assert b"already uses" in response.data
    assert _count(model) == 1


@pytest.mark.parametrize("path", VALID)
def test_missing_name_is_an_error(admin_client, path):
    model, data = VALID[path]
    response = admin_client.post(f"/lists/{path}/new", data={**data, "name": ""})
    assert response.status_code == 400 and b"field-error" in response.data
    assert _count(model) == 0


def test_bad_values(admin_client):
    term = admin_client.post("/lists/terms/new", data={"name": "X", "due_days": "-1"})
    assert b"Between 0 and 999 days." in term.data
    tax = admin_client.post("/lists/tax-codes/new", data={"name": "X", "rate": "120"})
    assert b"Between 0 and 100 percent." in tax.data
    response = admin_client.post("/lists/items/new", data={**VALID["items"][1], "rate": "abc"})
    assert response.status_code == 400 and b'value="Tear-off"' in response.data
    assert _count(InvoiceItem) == _count(Term) == _count(SalesTaxCode) == 0


def test_search_and_pagination_partial(admin_client, make_class):
    for i in range(6):
        make_class(name=f"Crew {i}")
    make_class(name="Gutters")
    page = admin_client.get("/lists/classes/")
    assert b"Page 1 of 2" in page.data
    found = admin_client.get("/lists/classes/?q=gutt", headers={"HX-Request": "true", "HX-Target": "classes-table"})
    assert found.data.lstrip().startswith(b'<div id="classes-table"')
    assert b"Gutters" in found.data and b"Crew 1" not in found.data


def test_item_income_account_offers_income_accounts_only(admin_client, make_account):
    income = make_account(name="Roofing Income", account_type=AccountType.income)
    make_account(name="Fuel", account_type=AccountType.expense)
    html = admin_client.get("/lists/items/new").data
    assert b"Roofing Income" in html and b"Fuel" not in html
    response = admin_client.post("/lists/items/new", data={**VALID["items"][1], "income_account_id": income.id,
                                                          "item_type": "non_inventory"})
    assert response.status_code == 302
    item = db.session.scalar(db.select(InvoiceItem))
    assert (item.income_account_id, item.item_type, item.rate) == (income.id, ItemType.non_inventory, Decimal("2.10"))


def test_expense_account_cannot_be_posted_as_income_account(admin_client, make_account):
    fuel = make_account(name="Fuel", account_type=AccountType.expense)
    response = admin_client.post("/lists/items/new", data={**VALID["items"][1], "income_account_id": fuel.id})
    assert response.status_code == 400 and b"Not a valid choice" in response.data


def test_edit_and_deactivate_instead_of_delete(admin_client, make_term, app):
    term = make_term(name="Net 10", due_days=10)
    page = admin_client.get(f"/lists/terms/{term.id}/edit")
    assert b'value="Net 10"' in page.data
    data = {"name": "Net 10", "due_days": "12", "active": "y"}
    assert admin_client.post(f"/lists/terms/{term.id}/edit", data=data).status_code == 302
    response = admin_client.post(f"/lists/terms/{term.id}/active", follow_redirects=True)
    assert b"made inactive" in response.data
    db.session.refresh(term)
    assert (term.due_days, term.active) == (12, False)
    admin_client.post(f"/lists/terms/{term.id}/active")
    db.session.refresh(term)
    assert term.active is True
    assert not any(rule.endpoint.startswith("lists.") and "delete" in rule.rule for rule in app.url_map.iter_rules())


def test_inactive_records_are_not_offered_but_stay_on_old_records(admin_client, make_project, make_class):
    old = make_class(name="Retired")
    project = make_project(class_id=old.id)
    old.active = False
    db.session.commit()
    assert b"Retired" not in admin_client.get("/projects/new").data
    assert b"Retired" in admin_client.get(f"/projects/{project.id}/edit").data


def test_list_actions_slot_is_called(admin_client, app, monkeypatch):
    monkeypatch.setitem(app.jinja_env.globals, "quickbooks_list_actions", lambda key: f"[qb {key}]")
    for path, key in (("accounts", "accounts"), ("items", "items"), ("classes", "classes"), ("terms", "terms"),
                      ("tax-codes", "tax_codes")):
        assert f"[qb {key}]".encode() in admin_client.get(f"/lists/{path}/").data
