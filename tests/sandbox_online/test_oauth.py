"""OAuth 2.0 + OpenID on the sandbox's URLs: discovery, consent, code exchange, refresh rotation,
revoke, userinfo, and the 401 an expired or revoked token gets."""
from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from quickbooks.exceptions import AuthorizationException
from quickbooks.objects import Customer

from sandbox.online.oauth import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from sandbox.online.seed import SMALL_COMPANY_NAME, SMALL_REALM_ID

REDIRECT = "http://localhost:8765/quickbooks/callback"
SCOPE = "com.intuit.quickbooks.accounting openid profile email"
BASIC = (DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.action, self.fields, self.radios, self.labels, self.buttons = None, {}, [], {}, []
        self._label_for = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.action = a.get("action")
        elif tag == "input" and a.get("type") == "hidden":
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "input" and a.get("type") == "radio":
            self.radios.append(a)
        elif tag == "label":
            self._label_for = a.get("for")
        elif tag == "button":
            self.buttons.append(a)

    def handle_data(self, data):
        if self._label_for:
            self.labels[self._label_for] = self.labels.get(self._label_for, "") + data

    def handle_endtag(self, tag):
        if tag == "label":
            self._label_for = None


def discovery(sandbox) -> dict:
    return requests.get(sandbox.discovery_url, timeout=10).json()


def consent(sandbox, realm_id: str, decision: str = "allow", state: str = "st-123", redirect_uri: str = REDIRECT):
    """Open the consent page, pick the company by its label, press Connect; return the redirect."""
    endpoints = discovery(sandbox)
    page = requests.get(endpoints["authorization_endpoint"], params={
        "client_id": DEFAULT_CLIENT_ID, "redirect_uri": redirect_uri, "response_type": "code",
        "scope": SCOPE, "state": state}, timeout=10)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    form = FormParser()
    form.feed(page.text)
    choice = next(r for r in form.radios if r["value"] == realm_id)
    assert realm_id in form.labels[choice["id"]]
    data = dict(form.fields, realm_id=realm_id, decision=decision)
    action = requests.compat.urljoin(page.url, form.action)
    response = requests.post(action, data=data, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(redirect_uri)
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def token_request(sandbox, auth=BASIC, **form):
    return requests.post(discovery(sandbox)["token_endpoint"], data=form, auth=auth,
                         headers={"Accept": "application/json"}, timeout=10)


def test_discovery_document_shape(sandbox):
    doc = discovery(sandbox)
    for key in ("issuer", "authorization_endpoint", "token_endpoint", "revocation_endpoint", "userinfo_endpoint", "jwks_uri"):
        assert doc[key].startswith(sandbox.base_url), key
    assert "com.intuit.quickbooks.accounting" in doc["scopes_supported"]
    assert "client_secret_basic" in doc["token_endpoint_auth_methods_supported"]


def test_consent_page_is_a_real_form(sandbox):
    page = requests.get(f"{sandbox.base_url}/connect/oauth2", params={
        "client_id": DEFAULT_CLIENT_ID, "redirect_uri": REDIRECT, "response_type": "code", "scope": SCOPE, "state": "s"})
    form = FormParser()
    form.feed(page.text)
    assert {b.get("value") for b in form.buttons} == {"allow", "deny"}
    assert ">Connect</button>" in page.text
    labels = " ".join(form.labels.values())
    assert SMALL_COMPANY_NAME in labels and SMALL_REALM_ID in labels
    assert all(r["id"] in form.labels for r in form.radios)  # every choice has an accessible label


def test_consent_page_escapes_what_it_echoes(sandbox):
    page = requests.get(f"{sandbox.base_url}/connect/oauth2", params={
        "client_id": DEFAULT_CLIENT_ID, "redirect_uri": REDIRECT, "response_type": "code", "scope": SCOPE,
        "state": '"><script>alert(1)</script>'})
    assert "<script>" not in page.text and "&lt;script&gt;" in page.text


def test_authorization_code_flow_end_to_end(sandbox, realm):
    redirect = consent(sandbox, realm)
    assert redirect["state"] == "st-123" and redirect["realmId"] == realm
    response = token_request(sandbox, grant_type="authorization_code", code=redirect["code"], redirect_uri=REDIRECT)
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 3600
    assert tokens["x_refresh_token_expires_in"] == 100 * 86400 and tokens["id_token"]
    qb = sandbox.quickbooks(realm, access_token=tokens["access_token"])
    assert len(Customer.all(qb=qb)) == 5
    # the code is single-use
    again = token_request(sandbox, grant_type="authorization_code", code=redirect["code"], redirect_uri=REDIRECT)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    # a token works only for the company it was issued for
    other = requests.get(f"{sandbox.api_url}/company/{SMALL_REALM_ID}/customer/1",
                         headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert other.status_code == 403 and other.json()["fault"]["error"][0]["code"] == "3100"


def test_code_exchange_with_authlib_client(sandbox, realm):
    redirect_uri = "http://127.0.0.1:5000/qbo/callback"
    redirect = consent(sandbox, realm, state="authlib-state", redirect_uri=redirect_uri)
    class QuickBooksSession(OAuth2Session):
        @property
        def access_token(self):  # what python-quickbooks reads; authlib re-adds the header after refreshing
            return self.token["access_token"]

    session = QuickBooksSession(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, scope=SCOPE, redirect_uri=redirect_uri,
                            token_endpoint_auth_method="client_secret_basic")
    token = session.fetch_token(discovery(sandbox)["token_endpoint"], code=redirect["code"])
    assert token["access_token"] and token["refresh_token"]
    response = session.get(f"{sandbox.api_url}/company/{realm}/companyinfo/{realm}")
    assert response.status_code == 200 and response.json()["CompanyInfo"]["CompanyName"] == SMALL_COMPANY_NAME


def test_consent_denied_and_bad_redirects(sandbox, realm):
    denied = consent(sandbox, realm, decision="deny")
    assert denied == {"error": "access_denied", "state": "st-123"}
    bad = requests.get(f"{sandbox.base_url}/connect/oauth2", params={
        "client_id": DEFAULT_CLIENT_ID, "redirect_uri": "https://evil.example.com/cb", "response_type": "code",
        "scope": SCOPE}, allow_redirects=False)
    assert bad.status_code == 400 and "Location" not in bad.headers
    unknown = requests.get(f"{sandbox.base_url}/connect/oauth2", params={
        "client_id": "nobody", "redirect_uri": REDIRECT, "response_type": "code", "scope": SCOPE}, allow_redirects=False)
    assert unknown.status_code == 400


def test_code_bound_to_redirect_uri_and_client_secret_checked(sandbox, realm):
    redirect = consent(sandbox, realm)
    wrong_secret = token_request(sandbox, auth=(DEFAULT_CLIENT_ID, "nope"), grant_type="authorization_code",
                                 code=redirect["code"], redirect_uri=REDIRECT)
    assert wrong_secret.status_code == 401 and wrong_secret.json()["error"] == "invalid_client"
    mismatch = token_request(sandbox, grant_type="authorization_code", code=redirect["code"],
                             redirect_uri="http://localhost:8765/other")
    assert mismatch.status_code == 400 and mismatch.json()["error"] == "invalid_grant"
    assert token_request(sandbox, grant_type="password").json()["error"] == "unsupported_grant_type"


def test_refresh_rotates_and_reuse_is_invalid_grant(sandbox, realm):
    redirect = consent(sandbox, realm)
    first = token_request(sandbox, grant_type="authorization_code", code=redirect["code"], redirect_uri=REDIRECT).json()
    second = token_request(sandbox, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert second.status_code == 200
    second = second.json()
    assert second["refresh_token"] != first["refresh_token"] and second["access_token"] != first["access_token"]
    reused = token_request(sandbox, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert reused.status_code == 400 and reused.json() == {"error": "invalid_grant"}
    third = token_request(sandbox, grant_type="refresh_token", refresh_token=second["refresh_token"])
    assert third.status_code == 200
    qb = sandbox.quickbooks(realm, access_token=third.json()["access_token"])
    assert Customer.count(qb=qb) == 5


def test_revoke_invalidates_the_connection(sandbox, realm, make_api):
    tokens = sandbox.control.issue_tokens(realm)
    api = make_api(realm, tokens["access_token"])
    assert api.get("customer/1").status_code == 200
    revoked = requests.post(discovery(sandbox)["revocation_endpoint"], json={"token": tokens["refresh_token"]},
                            auth=BASIC, headers={"Accept": "application/json"})
    assert revoked.status_code == 200
    assert api.get("customer/1").status_code == 401
    again = token_request(sandbox, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert again.json() == {"error": "invalid_grant"}


def test_expired_token_gets_the_lowercase_401_fault(sandbox, realm, make_api, clock):
    tokens = sandbox.control.issue_tokens(realm, access_ttl=60)
    assert tokens["expires_in"] == 60
    api = make_api(realm, tokens["access_token"])
    assert api.get("customer/1").status_code == 200
    clock.advance_clock(61)
    response = api.get("customer/1")
    assert response.status_code == 401
    assert response.json() == {"fault": {"error": [{
        "message": "message=AuthenticationFailed; errorCode=003200; statusCode=401",
        "detail": "Token expired or invalid", "code": "3200"}], "type": "AUTHENTICATION"}}
    qb = sandbox.quickbooks(realm, access_token=tokens["access_token"])
    with pytest.raises(AuthorizationException) as info:
        Customer.all(qb=qb)
    assert info.value.error_code == 401 and "003200" in info.value.detail
    # the refresh token still works and gives a fresh access token
    fresh = token_request(sandbox, grant_type="refresh_token", refresh_token=tokens["refresh_token"]).json()
    assert make_api(realm, fresh["access_token"]).get("customer/1").status_code == 200


def test_access_token_lifetime_is_configurable(sandbox, realm):
    sandbox.control.set_access_token_ttl(5)
    try:
        redirect = consent(sandbox, realm)
        tokens = token_request(sandbox, grant_type="authorization_code", code=redirect["code"], redirect_uri=REDIRECT).json()
        assert tokens["expires_in"] == 5
    finally:
        sandbox.control.set_access_token_ttl(3600)


def test_missing_or_garbage_token_is_401(sandbox, realm):
    url = f"{sandbox.api_url}/company/{realm}/customer/1"
    assert requests.get(url).status_code == 401
    assert requests.get(url, headers={"Authorization": "Bearer garbage"}).json()["fault"]["type"] == "AUTHENTICATION"


def test_userinfo_and_id_token_signature(sandbox, realm):
    from joserfc import jwt
    from joserfc.jwk import KeySet

    redirect = consent(sandbox, realm)
    tokens = token_request(sandbox, grant_type="authorization_code", code=redirect["code"], redirect_uri=REDIRECT).json()
    endpoints = discovery(sandbox)
    info = requests.get(endpoints["userinfo_endpoint"], headers={"Authorization": f"Bearer {tokens['access_token']}"}).json()
    assert info["email"].endswith(".example.com") and info["sub"]
    keys = KeySet.import_key_set(requests.get(endpoints["jwks_uri"]).json())
    claims = jwt.decode(tokens["id_token"], keys).claims
    assert claims["sub"] == info["sub"] and claims["realmid"] == realm and claims["aud"] == [DEFAULT_CLIENT_ID]
    no_openid = sandbox.control.issue_tokens(realm)
    denied = requests.get(endpoints["userinfo_endpoint"], headers={"Authorization": f"Bearer {no_openid['access_token']}"})
    assert denied.status_code == 401


def test_authlib_session_refreshes_itself_and_persists_the_rotated_token(sandbox, realm):
    """The pattern the product uses: an authlib OAuth2Session as python-quickbooks' session, with an
    update_token hook storing the new refresh token."""
    import time

    issued = sandbox.control.issue_tokens(realm)
    stored = []
    class QuickBooksSession(OAuth2Session):
        @property
        def access_token(self):  # what python-quickbooks reads; authlib re-adds the header after refreshing
            return self.token["access_token"]

    session = QuickBooksSession(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET,
                            token=dict(issued, expires_at=int(time.time()) - 1),  # already expired locally
                            token_endpoint=discovery(sandbox)["token_endpoint"],
                            token_endpoint_auth_method="client_secret_basic",
                            update_token=lambda token, refresh_token=None, access_token=None: stored.append((token, refresh_token)))
    qb = sandbox.quickbooks(realm)
    qb.session = session
    assert Customer.count(qb=qb) == 5
    assert len(stored) == 1
    new_token, old_refresh = stored[0]
    assert old_refresh == issued["refresh_token"] and new_token["refresh_token"] != issued["refresh_token"]
    reused = token_request(sandbox, grant_type="refresh_token", refresh_token=issued["refresh_token"])
    assert reused.json() == {"error": "invalid_grant"}
