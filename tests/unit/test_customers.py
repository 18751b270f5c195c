from webapp.extensions import db
from webapp.models import Customer


def test_list_paginates_and_searches(admin_client, make_customer):
    for i in range(7):
        make_customer(last_name=f"Zimmer{i}")
    make_customer(last_name="Oddball", email="odd@example.com")
    page1 = admin_client.get("/customers/")
    assert page1.status_code == 200
    assert b"Page 1 of 2" in page1.data
    found = admin_client.get("/customers/?q=oddb")
    assert b"Oddball" in found.data and b"Zimmer1" not in found.data


def test_htmx_search_returns_only_the_table(admin_client, make_customer):
    make_customer(last_name="Oddball")
    response = admin_client.get("/customers/?q=odd", headers={"HX-Request": "true", "HX-Target": "customers-table"})
    assert response.data.lstrip().startswith(b'<div id="customers-table"')
    assert b"<html" not in response.data


def test_empty_state_says_what_to_do(admin_client):
    assert b"Add your first customer" in admin_client.get("/customers/").data


def test_create_customer(admin_client, company):
    response = admin_client.post("/customers/new", data={"first_name": "Ann", "last_name": "Lee", "email": "ann@x.example"})
    assert response.status_code == 302
    customer = db.session.scalar(db.select(Customer))
    assert (customer.first_name, customer.last_name, customer.company_id) == ("Ann", "Lee", company.id)


def test_create_customer_bad_input_rerenders_with_messages(admin_client):
    response = admin_client.post("/customers/new", data={"first_name": "Ann", "email": "not-an-email"})
    assert response.status_code == 400
    assert b"Enter a last name or a company name." in response.data
    assert b"Invalid email address." in response.data
    assert b'value="Ann"' in response.data  # nothing typed is lost
    assert db.session.scalar(db.select(db.func.count(Customer.id))) == 0


def test_edit_customer(admin_client, make_customer):
    customer = make_customer()
    response = admin_client.post(f"/customers/{customer.id}/edit", data={"first_name": "Zed", "last_name": "Quinn"})
    assert response.status_code == 302
    db.session.refresh(customer)
    assert customer.display_name == "Quinn, Zed"


def test_delete_customer_with_projects_is_refused(admin_client, make_project):
    project = make_project()
    response = admin_client.post(f"/customers/{project.customer_id}/delete", follow_redirects=True)
    assert b"has projects" in response.data
    assert db.session.get(Customer, project.customer_id) is not None


def test_delete_customer(admin_client, make_customer):
    customer = make_customer()
    admin_client.post(f"/customers/{customer.id}/delete")
    assert db.session.get(Customer, customer.id) is None
