"""CSRF is enforced on every form post and on htmx requests (token in the X-CSRFToken header)."""
import re


def _token(html: bytes) -> str:
    return re.search(rb'name="csrf-token" content="([^"]+)"', html).group(1).decode()


def test_post_without_csrf_token_is_refused(csrf_app, admin_client):
    response = admin_client.post("/customers/new", data={"last_name": "Smith"})
    assert response.status_code == 400
    assert b"security token" in response.data


def test_post_with_form_token_is_accepted(csrf_app, admin_client):
    token = _token(admin_client.get("/customers/new").data)
    response = admin_client.post("/customers/new", data={"last_name": "Smith", "csrf_token": token})
    assert response.status_code == 302


def test_htmx_request_sends_token_in_header(csrf_app, admin_client):
    page = admin_client.get("/customers/").data
    token = _token(page)
    assert b'hx-headers=\'{"X-CSRFToken": "' in page  # every htmx request carries it
    response = admin_client.post("/customers/new", data={"last_name": "Smith"},
                                 headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert response.status_code == 302


def test_login_form_also_needs_csrf(csrf_app, client, admin):
    response = client.post("/login", data={"email": admin.email, "password": "password123"})
    assert response.status_code == 400


def test_output_is_escaped(admin_client, make_customer):
    customer = make_customer(last_name="<script>alert(1)</script>")
    html = admin_client.get(f"/customers/{customer.id}").data
    assert b"<script>alert(1)</script>" not in html
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in html
