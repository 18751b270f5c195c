"""Projects: list, create/edit, the tabbed detail page, assignments and work orders."""
from webapp import signals
from webapp.extensions import db
from webapp.models import Project, ProjectAssignment, ProjectStatus, ResponsibilityRole, WorkOrder, WorkOrderStatus


def _data(customer, **kw):
    data = {"number": "P-900", "address": "1 Main St", "customer_id": customer.id, "status": "in_progress",
            "contract_date": "2026-10-15", "class_id": "", "term_id": ""}
    data.update(kw)
    return data


def _projects():
    return db.session.scalar(db.select(db.func.count(Project.id)))


def test_list_and_search(admin_client, make_project, make_customer):
    assert b"Start a project" in admin_client.get("/projects/").data
    make_project(number="P-1", address="9 Birch Rd")
    make_project(number="P-2", customer=make_customer(last_name="Featherstone"))
    assert b"P-1" in admin_client.get("/projects/?q=birch").data
    found = admin_client.get("/projects/?q=feather", headers={"HX-Request": "true", "HX-Target": "projects-table"})
    assert found.data.lstrip().startswith(b'<div id="projects-table"')
    assert b"P-2" in found.data and b"P-1" not in found.data


def test_new_preselects_customer(admin_client, make_customer):
    customer = make_customer()
    html = admin_client.get(f"/projects/new?customer_id={customer.id}").data
    assert f'<option selected value="{customer.id}">'.encode() in html


def test_create_project(admin_client, make_customer, make_class, make_term):
    customer, cls, term = make_customer(), make_class(), make_term()
    response = admin_client.post("/projects/new", data=_data(customer, class_id=cls.id, term_id=term.id))
    assert response.status_code == 302
    project = db.session.scalar(db.select(Project))
    assert (project.number, project.status) == ("P-900", ProjectStatus.in_progress)
    assert (project.class_id, project.term_id) == (cls.id, term.id)


def test_bad_input_and_unique_number(admin_client, make_customer, make_project):
    customer = make_customer()
    response = admin_client.post("/projects/new", data=_data(customer, number="", customer_id="", contract_date="soon"))
    assert response.status_code == 400
    assert b"Enter the project number." in response.data and b"Choose a customer." in response.data
    assert b"Not a valid date value." in response.data and b'value="1 Main St"' in response.data
    make_project(number="P-900")
    response = admin_client.post("/projects/new", data=_data(customer))
    assert response.status_code == 400 and "Another project already uses “P-900”.".encode() in response.data
    assert _projects() == 1


def test_edit_project(admin_client, make_project):
    project = make_project()
    data = _data(project.customer, number="P-77", status="completed")
    response = admin_client.post(f"/projects/{project.id}/edit", data=data)
    assert response.status_code == 302
    db.session.refresh(project)
    assert (project.number, project.status) == ("P-77", ProjectStatus.completed)


def test_tabs_are_links_and_htmx_gets_only_the_tab_component(admin_client, make_invoice, make_payment, make_bill, app,
                                                            monkeypatch):
    invoice = make_invoice(number="INV-42")
    project = invoice.project
    make_payment(invoice, reference="CHK-7")
    make_bill(project=project, reference="B-9")
    slots = app.jinja_env.globals  # monkeypatch restores the real QuickBooks slots afterwards
    monkeypatch.setitem(slots, "quickbooks_bill_import", lambda p: f"[import {p.id}]")
    monkeypatch.setitem(slots, "quickbooks_project_actions", lambda p: f"[actions {p.id}]")
    monkeypatch.setitem(slots, "quickbooks_panel", lambda record: f"[panel {type(record).__name__} {record.id}]")
    page = admin_client.get(f"/projects/{project.id}").data.decode()
    assert f"[actions {project.id}]" in page and "<html" in page
    assert f"[panel Project {project.id}]" in admin_client.get(f"/projects/{project.id}?tab=payments").data.decode()
    for tab in ("overview", "invoices", "payments", "job_costs"):
        assert f'href="/projects/{project.id}?tab={tab}"' in page
    invoices = admin_client.get(f"/projects/{project.id}?tab=invoices").data
    assert b"INV-42" in invoices and b"<html" in invoices
    partial = admin_client.get(f"/projects/{project.id}?tab=payments", headers={"HX-Request": "true"}).data.decode()
    assert partial.lstrip().startswith('<div id="project-tabs">')
    assert "<html" not in partial and "CHK-7" in partial
    costs = admin_client.get(f"/projects/{project.id}?tab=job_costs", headers={"HX-Request": "true"}).data.decode()
    assert "B-9" in costs and f"[import {project.id}]" in costs


def test_overview_shows_customer_and_unknown_tab_falls_back(admin_client, make_project):
    project = make_project()
    html = admin_client.get(f"/projects/{project.id}?tab=bogus").data
    assert project.customer.display_name.encode() in html and b"Nobody is assigned yet" in html


def test_assign_and_remove_user(admin_client, make_project, make_user):
    project, user = make_project(), make_user(name="Sam Sales")
    data = {"assign-user_id": user.id, "assign-role": "sales_rep"}
    assert admin_client.post(f"/projects/{project.id}/assignments", data=data).status_code == 302
    assignment = db.session.scalar(db.select(ProjectAssignment))
    assert (assignment.user_id, assignment.role) == (user.id, ResponsibilityRole.sales_rep)
    assert assignment.company_id == project.company_id
    assert b"Sam Sales \xe2\x80\x94 Sales Rep" in admin_client.get(f"/projects/{project.id}").data
    duplicate = admin_client.post(f"/projects/{project.id}/assignments", data=data)
    assert duplicate.status_code == 400 and b"already has that responsibility" in duplicate.data
    assert admin_client.post(f"/projects/{project.id}/assignments", data={"assign-user_id": ""}).status_code == 400
    admin_client.post(f"/projects/{project.id}/assignments/{assignment.id}/delete")
    assert db.session.scalar(db.select(db.func.count(ProjectAssignment.id))) == 0


def test_add_work_order(admin_client, make_project):
    project = make_project()
    assert admin_client.post(f"/projects/{project.id}/work-orders", data={"wo-title": "Tear-off"}).status_code == 302
    response = admin_client.post(f"/projects/{project.id}/work-orders", data={"wo-title": ""})
    assert response.status_code == 400 and b"Describe the work order." in response.data
    assert [w.title for w in db.session.scalars(db.select(WorkOrder))] == ["Tear-off"]


def test_completing_a_work_order_sends_the_signal(admin_client, make_work_order, admin):
    work_order = make_work_order()
    received = []

    def receiver(sender, **kw):
        # Sent after the commit: the completed state is visible to listeners.
        received.append((sender, kw, db.session.get(WorkOrder, kw["work_order_id"]).status))

    signals.work_order_completed.connect(receiver)
    try:
        response = admin_client.post(f"/projects/{work_order.project_id}/work-orders/{work_order.id}/complete")
        again = admin_client.post(f"/projects/{work_order.project_id}/work-orders/{work_order.id}/complete")
    finally:
        signals.work_order_completed.disconnect(receiver)
    assert response.status_code == again.status_code == 302
    assert received == [(Project, {"company_id": work_order.company_id, "project_id": work_order.project_id,
                                   "work_order_id": work_order.id, "user_id": admin.id}, WorkOrderStatus.completed)]
    db.session.refresh(work_order)
    assert work_order.status == WorkOrderStatus.completed and work_order.completed_at is not None


def test_work_order_of_another_project_is_404(admin_client, make_work_order, make_project):
    work_order = make_work_order()
    other = make_project()
    assert admin_client.post(f"/projects/{other.id}/work-orders/{work_order.id}/complete").status_code == 404


def test_delete_project(admin_client, make_project, make_invoice):
    project = make_project()
    admin_client.post(f"/projects/{project.id}/delete")
    assert db.session.get(Project, project.id) is None
    used = make_invoice().project
    response = admin_client.post(f"/projects/{used.id}/delete", follow_redirects=True)
    assert b"has invoices" in response.data and db.session.get(Project, used.id) is not None


def test_customer_page_links_to_new_project(admin_client, make_customer):
    customer = make_customer()
    html = admin_client.get(f"/customers/{customer.id}").data
    assert f"/projects/new?customer_id={customer.id}".encode() in html
