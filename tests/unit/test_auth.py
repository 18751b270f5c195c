from webapp.models import Role


def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b"Log in" in response.data


def test_every_page_requires_login(client, app):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        response = client.get(rule.rule)
        if getattr(view, "public", False):
            continue
        assert response.status_code == 302, rule.rule
        assert "/login" in response.headers["Location"], rule.rule


def test_login_with_good_password_then_logout(client, admin):
    response = client.post("/login", data={"email": admin.email, "password": "password123"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_login_email_is_case_insensitive(client, admin):
    response = client.post("/login", data={"email": admin.email.upper(), "password": "password123"})
    assert response.status_code == 302


def test_wrong_password_rerenders_with_message(client, admin):
    response = client.post("/login", data={"email": admin.email, "password": "nope"})
    assert response.status_code == 400
    assert b"Wrong email or password." in response.data
    assert client.get("/").status_code == 302


def test_inactive_user_cannot_log_in(client, make_user):
    user = make_user(active=False)
    response = client.post("/login", data={"email": user.email, "password": "password123"})
    assert response.status_code == 400


def test_login_refuses_open_redirect(client, admin):
    response = client.post("/login?next=https://evil.example/", data={"email": admin.email, "password": "password123"})
    assert response.headers["Location"] == "/"


def test_staff_cannot_open_company_settings_or_users(staff_client):
    assert staff_client.get("/settings/").status_code == 403
    assert staff_client.get("/users/").status_code == 403


def test_admin_can_open_company_settings(admin_client):
    assert admin_client.get("/settings/").status_code == 200


def test_passwords_are_hashed(admin):
    assert admin.password_hash != "password123"
    assert admin.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert admin.role == Role.admin
