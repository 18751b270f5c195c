"""Invoices: list/search, create and edit with line editing, totals, customer/project rules."""
from decimal import Decimal

from webapp.extensions import db
from webapp.models import Invoice, InvoiceLine


def _form(customer, project=None, number="7001", lines=(), **extra):
    data = {"number": number, "customer_id": customer.id, "project_id": project.id if project else "",
            "invoice_date": "2026-11-20", "memo": "", "sync_enabled": "y"}
    for i, line in enumerate(lines):
        for key, value in line.items():
            data[f"lines-{i}-{key}"] = value
    data.update(extra)
    return data


def _count(model=Invoice):
    return db.session.scalar(db.select(db.func.count(model.id)))


def test_list_shows_totals_and_balance_and_searches(admin_client, make_invoice, make_payment):
    paid = make_invoice(number="9001", lines=(("1", "100.00"),))
    make_payment(paid, amount="40.00")
    make_invoice(number="9002")
    page = admin_client.get("/invoices/")
    assert page.status_code == 200
    assert b"$100.00" in page.data and b"$60.00" in page.data  # total and balance
    found = admin_client.get("/invoices/?q=9002", headers={"HX-Request": "true", "HX-Target": "invoices-table"})
    assert found.data.lstrip().startswith(b'<div id="invoices-table"')
    assert b"9002" in found.data and b"9001" not in found.data


def test_search_by_customer_name(admin_client, make_invoice, make_project, make_customer):
    make_invoice(project=make_project(customer=make_customer(last_name="Quartermaine")), number="9100")
    make_invoice(number="9101")
    page = admin_client.get("/invoices/?q=quarter")
    assert b"9100" in page.data and b"9101" not in page.data


def test_empty_state(admin_client):
    assert b"Create the first invoice" in admin_client.get("/invoices/").data


def test_new_prefills_customer_and_project_from_project(admin_client, make_project, make_term):
    term = make_term(name="Net 15")
    project = make_project(term_id=term.id)
    html = admin_client.get(f"/invoices/new?project_id={project.id}").data.decode()
    assert f'<option selected value="{project.id}">' in html
    assert f'<option selected value="{project.customer_id}">' in html
    assert f'<option selected value="{term.id}">Net 15' in html


def test_create_invoice_computes_totals_server_side(admin_client, make_project, make_item, make_term):
    project = make_project()
    item = make_item(rate="80.00")
    term = make_term(due_days=30)
    data = _form(project.customer, project, lines=[
        {"item_id": item.id, "description": "Tear-off", "quantity": "2", "rate": "150.00"},
        {"item_id": item.id, "description": "", "quantity": "1.5", "rate": ""},  # catalog rate + description
        {"item_id": "", "description": "", "quantity": "", "rate": ""},  # untouched row is dropped
    ], term_id=term.id)
    response = admin_client.post("/invoices/new", data=data)
    assert response.status_code == 302
    invoice = db.session.scalar(db.select(Invoice))
    assert invoice.total == Decimal("420.00")  # 300 + 1.5 * 80
    assert [line.amount for line in invoice.lines] == [Decimal("300.00"), Decimal("120.00")]
    assert invoice.lines[1].description == (item.description or item.name)
    assert str(invoice.due_date) == "2026-12-20"  # from the terms
    assert invoice.sync_enabled is True
    show = admin_client.get(response.location)
    assert b"$420.00" in show.data


def test_bad_input_rerenders_with_messages_and_saves_nothing(admin_client, make_project):
    project = make_project()
    data = _form(project.customer, project, number="", lines=[{"description": "Work", "quantity": "x", "rate": "10"}])
    data["invoice_date"] = ""
    response = admin_client.post("/invoices/new", data=data)
    assert response.status_code == 400
    assert b"This field is required." in response.data
    assert b"Enter the invoice date." in response.data
    assert b"Not a valid decimal value." in response.data
    assert b'value="Work"' in response.data
    assert _count() == 0


def test_at_least_one_line(admin_client, make_project):
    project = make_project()
    response = admin_client.post("/invoices/new", data=_form(project.customer, project, lines=[{"description": ""}]))
    assert response.status_code == 400
    assert b"Add at least one line." in response.data
    assert _count() == 0


def test_project_of_another_customer_is_refused(admin_client, make_project, make_customer):
    project = make_project()
    other = make_customer()
    response = admin_client.post("/invoices/new", data=_form(other, project, lines=[{"description": "x", "rate": "1"}]))
    assert response.status_code == 400
    assert b"belongs to" in response.data and b"not to the chosen customer" in response.data
    assert _count() == 0


def test_duplicate_number_is_a_validation_error(admin_client, make_invoice, make_project):
    make_invoice(number="7001")
    project = make_project()
    response = admin_client.post("/invoices/new", data=_form(project.customer, project, number="7001",
                                                             lines=[{"description": "x", "rate": "1"}]))
    assert response.status_code == 400
    assert "Another invoice already uses “7001”.".encode() in response.data
    assert _count() == 1


def test_add_line_without_js_rerenders_with_one_more_row(admin_client, make_project):
    project = make_project()
    data = _form(project.customer, project, lines=[{"description": "Keep me", "rate": "5"}], add_line="1")
    response = admin_client.post("/invoices/new", data=data)
    assert response.status_code == 200
    assert b'name="lines-1-description"' in response.data
    assert b'value="Keep me"' in response.data
    assert _count() == 0


def test_remove_line_without_js(admin_client, make_project):
    project = make_project()
    data = _form(project.customer, project, lines=[{"description": "First", "rate": "5"},
                                                    {"description": "Second", "rate": "6"}], remove_line="0")
    response = admin_client.post("/invoices/new", data=data)
    assert response.status_code == 200
    assert b'value="Second"' in response.data and b'value="First"' not in response.data


def test_htmx_line_row_has_the_requested_index(admin_client, make_item):
    make_item(name="Gutter")
    response = admin_client.get("/invoices/line?index=3", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.data.decode()
    assert html.lstrip().startswith('<tr data-index="3">')
    assert 'name="lines-3-description"' in html and "Gutter" in html


def test_rows_with_gaps_from_htmx_removal_are_saved_in_order(admin_client, make_project):
    project = make_project()
    data = _form(project.customer, project)
    data.update({"lines-0-description": "A", "lines-0-rate": "1", "lines-4-description": "B", "lines-4-rate": "2"})
    assert admin_client.post("/invoices/new", data=data).status_code == 302
    invoice = db.session.scalar(db.select(Invoice))
    assert [(line.position, line.description) for line in invoice.lines] == [(0, "A"), (1, "B")]


def test_edit_replaces_lines_and_recomputes(admin_client, make_invoice):
    invoice = make_invoice(lines=(("1", "10.00"), ("1", "20.00")))
    first_line_id = invoice.lines[0].id
    data = _form(invoice.customer, invoice.project, number=invoice.number,
                 lines=[{"description": "Only", "quantity": "3", "rate": "7.00"}])
    data.pop("sync_enabled")  # unticked
    assert admin_client.post(f"/invoices/{invoice.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    invoice = db.session.get(Invoice, invoice.id)
    assert invoice.total == Decimal("21.00") and invoice.sync_enabled is False
    assert [line.id for line in invoice.lines] == [first_line_id]  # line rows are reused
    assert db.session.scalar(db.select(db.func.count(InvoiceLine.id))) == 1


def test_edit_get_shows_existing_lines(admin_client, make_invoice):
    invoice = make_invoice(lines=(("2", "150.00"),))
    html = admin_client.get(f"/invoices/{invoice.id}/edit").data
    assert b'name="lines-0-rate"' in html and b'value="150.00"' in html


def test_delete_invoice(admin_client, make_invoice):
    invoice = make_invoice()
    response = admin_client.post(f"/invoices/{invoice.id}/delete", follow_redirects=True)
    assert b"deleted" in response.data
    assert _count() == 0


def test_delete_invoice_with_payment_is_refused(admin_client, make_invoice, make_payment):
    invoice = make_invoice()
    make_payment(invoice)
    response = admin_client.post(f"/invoices/{invoice.id}/delete", follow_redirects=True)
    assert b"has payments applied" in response.data
    assert _count() == 1


def test_show_has_quickbooks_slot_and_lines(admin_client, make_invoice, app, monkeypatch):
    # monkeypatch restores whatever fills the slot (the real QuickBooks panel, once registered).
    monkeypatch.setitem(app.jinja_env.globals, "quickbooks_panel",
                        lambda record: f"[panel {type(record).__name__} {record.id}]")
    invoice = make_invoice()
    html = admin_client.get(f"/invoices/{invoice.id}").data.decode()
    assert f"[panel Invoice {invoice.id}]" in html
    assert "$300.00" in html
