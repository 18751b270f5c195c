"""Intuit's OAuth 2.0 + OpenID Connect flows, served from the sandbox's own URLs.

Paths mirror Intuit's so a configured base URL is the only difference:
    /.well-known/openid_configuration/      discovery document
    /connect/oauth2                         authorize (consent page: pick a company, press Connect)
    /oauth2/v1/tokens/bearer                token (authorization_code, refresh_token)
    /oauth2/v1/tokens/revoke                revoke
    /v1/openid_connect/userinfo             userinfo
    /oauth2/v1/keys                         JWKS for id_token signatures

Clients authenticate with HTTP Basic (client_secret_basic, as Intuit's) or form fields. Any
http(s) redirect URI on localhost / 127.0.0.1 / [::1] is accepted for a known client, plus any URI
registered with `redirect_uris`: local development should not need registration.

Token rules (Intuit's): access tokens live 3600 s (configurable), refresh tokens 100 days rolling
with a 5-year cap from the original consent; every refresh returns a new refresh token and the old
one goes stale; a stale, reused, revoked or unknown refresh token -> 400 {"error": "invalid_grant"}.
Revoking either token of a connection revokes the whole connection. Expiry uses the sandbox clock.
"""
from __future__ import annotations

import base64
import hashlib
import secrets
import uuid
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, current_app, jsonify, redirect, render_template_string, request

DEFAULT_CLIENT_ID = "cc-sandbox-client"
DEFAULT_CLIENT_SECRET = "cc-sandbox-secret"
ACCOUNTING_SCOPE = "com.intuit.quickbooks.accounting"
ACCESS_TTL = 3600
REFRESH_TTL = 100 * 86400
REFRESH_HARD_CAP = 5 * 365 * 86400
CODE_TTL = 600
DEV_TOKEN_TTL = 10 * 365 * 86400
DEV_CLIENT_ID = "developer-playground"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


class OAuthError(Exception):
    def __init__(self, error: str, status: int = 400, description: str = "") -> None:
        super().__init__(error)
        self.error, self.status, self.description = error, status, description


class Authority:
    """Issues, checks, rotates and revokes tokens; state in the sandbox's SQLite file."""

    def __init__(self, store, clock, clients: dict[str, dict], access_ttl: int = ACCESS_TTL) -> None:
        self.store = store
        self.clock = clock
        self.clients = clients  # client_id -> {"secret": ..., "redirect_uris": [...]}
        self.access_ttl = access_ttl
        self._signing_key = None

    # -- clients -------------------------------------------------------------------------------------
    def redirect_allowed(self, client_id: str, uri: str) -> bool:
        client = self.clients.get(client_id)
        if client is None or not uri:
            return False
        if uri in client.get("redirect_uris", []):
            return True
        parts = urlsplit(uri)
        return parts.scheme in ("http", "https") and (parts.hostname or "") in LOCAL_HOSTS

    def authenticate_client(self, authorization: str | None, form) -> str:
        client_id = secret = None
        if authorization and authorization.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(authorization[6:]).decode()
                client_id, _, secret = decoded.partition(":")
            except (ValueError, UnicodeDecodeError):
                raise OAuthError("invalid_client", 401)
        else:
            client_id, secret = form.get("client_id"), form.get("client_secret")
        client = self.clients.get(client_id or "")
        if client is None or not secrets.compare_digest(client["secret"], secret or ""):
            raise OAuthError("invalid_client", 401)
        return client_id

    # -- grants and tokens ---------------------------------------------------------------------------
    def _new_grant(self, client_id: str, realm_id: str, scope: str) -> str:
        grant_id = uuid.uuid4().hex
        self.store.execute("INSERT INTO grants VALUES (?,?,?,?,?,0)",
                           (grant_id, client_id, realm_id, scope, self.clock.epoch()))
        return grant_id

    def _token(self, kind: str, grant_id: str, ttl: float, redirect_uri: str | None = None) -> str:
        prefix = {"refresh": "AB11", "code": "AB11", "access": "eyJ"}[kind]
        token = prefix + secrets.token_urlsafe(36)
        now = self.clock.epoch()
        self.store.execute("INSERT INTO tokens VALUES (?,?,?,?,?,?,?)",
                           (token, kind, grant_id, now + ttl, "active", redirect_uri, now))
        return token

    def _lookup(self, token: str, kind: str):
        rows = self.store.execute(
            "SELECT t.grant_id, t.expires, t.state, t.redirect_uri, g.client_id, g.realm_id, g.scope, g.created, g.revoked "
            "FROM tokens t JOIN grants g ON g.grant_id = t.grant_id WHERE t.token=? AND t.kind=?", (token or "", kind))
        return rows[0] if rows else None

    def issue_code(self, client_id: str, realm_id: str, scope: str, redirect_uri: str) -> str:
        with self.store.lock:
            grant_id = self._new_grant(client_id, realm_id, scope)
            return self._token("code", grant_id, CODE_TTL, redirect_uri)

    def issue_developer_token(self, realm_id: str, ttl: float = DEV_TOKEN_TTL) -> str:
        with self.store.lock:
            grant_id = self._new_grant(DEV_CLIENT_ID, realm_id, ACCOUNTING_SCOPE)
            return self._token("access", grant_id, ttl)

    def issue_tokens(self, client_id: str, realm_id: str, scope: str = ACCOUNTING_SCOPE,
                     access_ttl: float | None = None) -> dict:
        """A connection without the browser dance (tests, scripts)."""
        with self.store.lock:
            grant_id = self._new_grant(client_id, realm_id, scope)
            return self._bearer(grant_id, scope, realm_id, self.clock.epoch(), access_ttl)

    def _bearer(self, grant_id: str, scope: str, realm_id: str, grant_created: float,
                access_ttl: float | None = None) -> dict:
        access_ttl = access_ttl or self.access_ttl
        now = self.clock.epoch()
        refresh_ttl = max(1, min(REFRESH_TTL, grant_created + REFRESH_HARD_CAP - now))
        body = {
            "token_type": "bearer",
            "access_token": self._token("access", grant_id, access_ttl),
            "expires_in": int(access_ttl),
            "refresh_token": self._token("refresh", grant_id, refresh_ttl),
            "x_refresh_token_expires_in": int(refresh_ttl),
        }
        if "openid" in scope.split():
            body["id_token"] = self._id_token(grant_id, realm_id)
        return body

    def exchange_code(self, client_id: str, code: str, redirect_uri: str) -> dict:
        with self.store.lock:
            row = self._lookup(code, "code")
            if row is None:
                raise OAuthError("invalid_grant")
            grant_id, expires, state, bound_uri, owner, realm_id, scope, created, revoked = row
            if owner != client_id or state != "active" or revoked or expires <= self.clock.epoch():
                raise OAuthError("invalid_grant")
            if bound_uri != redirect_uri:
                raise OAuthError("invalid_grant", description="redirect_uri does not match the authorization request")
            self.store.execute("UPDATE tokens SET state='used' WHERE token=?", (code,))
            return self._bearer(grant_id, scope, realm_id, created)

    def refresh(self, client_id: str, refresh_token: str) -> dict:
        # Under the store lock: two concurrent refreshes of one token -> exactly one succeeds.
        with self.store.lock:
            row = self._lookup(refresh_token, "refresh")
            if row is None:
                raise OAuthError("invalid_grant")
            grant_id, expires, state, _, owner, realm_id, scope, created, revoked = row
            if owner != client_id or state != "active" or revoked or expires <= self.clock.epoch():
                raise OAuthError("invalid_grant")
            self.store.execute("UPDATE tokens SET state='stale' WHERE token=?", (refresh_token,))
            return self._bearer(grant_id, scope, realm_id, created)

    def revoke(self, client_id: str, token: str) -> None:
        with self.store.lock:
            row = self._lookup(token, "refresh") or self._lookup(token, "access")
            if row is None:
                return  # RFC 7009: unknown tokens are not an error
            if row[4] != client_id:
                raise OAuthError("invalid_client", 401)
            self.store.execute("UPDATE grants SET revoked=1 WHERE grant_id=?", (row[0],))

    def access(self, token: str) -> dict | None:
        """The connection an access token stands for, or None if unknown, expired or revoked."""
        row = self._lookup(token, "access")
        if row is None:
            return None
        grant_id, expires, state, _, client_id, realm_id, scope, created, revoked = row
        if revoked or state != "active" or expires <= self.clock.epoch():
            return None
        return {"grant_id": grant_id, "client_id": client_id, "realm_id": realm_id, "scope": scope}

    # -- OpenID --------------------------------------------------------------------------------------
    def signing_key(self):
        from joserfc.jwk import RSAKey  # authlib's own JOSE dependency

        if self._signing_key is None:
            with self.store.lock:
                stored = self.store.setting("jwk")
                if stored is None:
                    stored = RSAKey.generate_key(2048, parameters={"kid": "sandbox-1"}).as_dict(private=True)
                    self.store.set_setting("jwk", stored)
                self._signing_key = RSAKey.import_key(stored)
        return self._signing_key

    def subject(self, realm_id: str) -> str:
        return str(uuid.UUID(hashlib.md5(f"sandbox-user:{realm_id}".encode()).hexdigest()))

    def _id_token(self, grant_id: str, realm_id: str) -> str:
        from joserfc import jwt

        now = int(self.clock.epoch())
        rows = self.store.execute("SELECT client_id FROM grants WHERE grant_id=?", (grant_id,))
        claims = {"iss": request.host_url.rstrip("/"), "sub": self.subject(realm_id), "aud": [rows[0][0]],
                  "realmid": realm_id, "auth_time": now, "iat": now, "exp": now + 3600}
        return jwt.encode({"alg": "RS256", "kid": "sandbox-1"}, claims, self.signing_key())


# -- HTTP ----------------------------------------------------------------------------------------------
bp = Blueprint("qbo_oauth", __name__)


def _authority() -> Authority:
    return current_app.extensions["qbo_sandbox"].oauth


def _error(exc: OAuthError):
    body = {"error": exc.error}
    if exc.description:
        body["error_description"] = exc.description
    return jsonify(body), exc.status


@bp.get("/.well-known/openid_configuration")
@bp.get("/.well-known/openid_configuration/")
@bp.get("/.well-known/openid-configuration")
def discovery():
    base = request.host_url.rstrip("/")
    return jsonify({
        "issuer": base,
        "authorization_endpoint": f"{base}/connect/oauth2",
        "token_endpoint": f"{base}/oauth2/v1/tokens/bearer",
        "userinfo_endpoint": f"{base}/v1/openid_connect/userinfo",
        "revocation_endpoint": f"{base}/oauth2/v1/tokens/revoke",
        "jwks_uri": f"{base}/oauth2/v1/keys",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile", "address", "phone", ACCOUNTING_SCOPE,
                             "com.intuit.quickbooks.payment"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "claims_supported": ["aud", "exp", "iat", "iss", "realmid", "sub"],
    })


@bp.get("/oauth2/v1/keys")
def jwks():
    return jsonify({"keys": [dict(_authority().signing_key().as_dict(private=False), use="sig", alg="RS256")]})


CONSENT_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Connect to QuickBooks (sandbox)</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto}fieldset{margin:1rem 0}
.realm{margin:.4rem 0}</style></head>
<body><main>
<h1>Connect to QuickBooks</h1>
<p><strong>{{ client_id }}</strong> wants to connect to one of your QuickBooks companies
(local sandbox) with access to: {{ scope }}.</p>
<form method="post" action="{{ action }}">
  <input type="hidden" name="client_id" value="{{ client_id }}">
  <input type="hidden" name="redirect_uri" value="{{ redirect_uri }}">
  <input type="hidden" name="response_type" value="code">
  <input type="hidden" name="scope" value="{{ scope }}">
  <input type="hidden" name="state" value="{{ state }}">
  <fieldset>
    <legend>Choose a company</legend>
    {% for realm in realms %}
    <div class="realm">
      <input type="radio" name="realm_id" id="realm-{{ realm.realm_id }}" value="{{ realm.realm_id }}"{% if loop.first %} checked{% endif %}>
      <label for="realm-{{ realm.realm_id }}">{{ realm.name }} (company ID {{ realm.realm_id }})</label>
    </div>
    {% endfor %}
  </fieldset>
  <button type="submit" name="decision" value="allow">Connect</button>
  <button type="submit" name="decision" value="deny">Cancel</button>
</form>
</main></body></html>
"""

ERROR_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Authorization error</title></head>
<body><main><h1>Authorization error</h1><p>{{ message }}</p></main></body></html>"""


def _redirect_with(uri: str, params: dict):
    separator = "&" if urlsplit(uri).query else "?"
    return redirect(uri + separator + urlencode({k: v for k, v in params.items() if v is not None}))


@bp.route("/connect/oauth2", methods=["GET", "POST"])
def authorize():
    authority = _authority()
    args = request.form if request.method == "POST" else request.args
    client_id, redirect_uri = args.get("client_id", ""), args.get("redirect_uri", "")
    state, scope = args.get("state"), args.get("scope", "")
    if client_id not in authority.clients:
        return render_template_string(ERROR_PAGE, message=f"Unknown client_id {client_id!r}."), 400
    if not authority.redirect_allowed(client_id, redirect_uri):
        return render_template_string(
            ERROR_PAGE, message=f"redirect_uri {redirect_uri!r} is not allowed: use http://localhost or "
                                f"http://127.0.0.1, or register it."), 400
    if args.get("response_type") != "code":
        return _redirect_with(redirect_uri, {"error": "unsupported_response_type", "state": state})
    if not scope.split():
        return _redirect_with(redirect_uri, {"error": "invalid_scope", "state": state})
    sandbox = current_app.extensions["qbo_sandbox"]
    if request.method == "GET":
        return render_template_string(CONSENT_PAGE, client_id=client_id, redirect_uri=redirect_uri, scope=scope,
                                      state=state or "", realms=sandbox.store.realms(), action=request.path)
    if request.form.get("decision") != "allow":
        return _redirect_with(redirect_uri, {"error": "access_denied", "state": state})
    realm_id = request.form.get("realm_id", "")
    if sandbox.store.realm(realm_id) is None:
        return render_template_string(ERROR_PAGE, message="Choose one of the listed companies."), 400
    code = authority.issue_code(client_id, realm_id, scope, redirect_uri)
    return _redirect_with(redirect_uri, {"code": code, "state": state or None, "realmId": realm_id})


@bp.post("/oauth2/v1/tokens/bearer")
def token():
    authority = _authority()
    try:
        client_id = authority.authenticate_client(request.headers.get("Authorization"), request.form)
        grant_type = request.form.get("grant_type")
        if grant_type == "authorization_code":
            body = authority.exchange_code(client_id, request.form.get("code", ""), request.form.get("redirect_uri", ""))
        elif grant_type == "refresh_token":
            body = authority.refresh(client_id, request.form.get("refresh_token", ""))
        else:
            raise OAuthError("unsupported_grant_type")
    except OAuthError as exc:
        return _error(exc)
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/oauth2/v1/tokens/revoke")
def revoke():
    authority = _authority()
    try:
        client_id = authority.authenticate_client(request.headers.get("Authorization"), request.form)
        payload = request.get_json(silent=True) or request.form  # Intuit's clients send JSON
        token_value = payload.get("token") if payload else None
        if not token_value:
            raise OAuthError("invalid_request")
        authority.revoke(client_id, token_value)
    except OAuthError as exc:
        return _error(exc)
    return "", 200


@bp.get("/v1/openid_connect/userinfo")
def userinfo():
    authority = _authority()
    header = request.headers.get("Authorization", "")
    grant = authority.access(header[7:]) if header.lower().startswith("bearer ") else None
    if grant is None or "openid" not in grant["scope"].split():
        return jsonify({"error": "invalid_token"}), 401
    realm = current_app.extensions["qbo_sandbox"].store.realm(grant["realm_id"]) or {}
    slug = "".join(ch for ch in realm.get("name", "company").lower() if ch.isalnum())[:24] or "company"
    return jsonify({
        "sub": authority.subject(grant["realm_id"]),
        "givenName": "Sandy",
        "familyName": "Boxer",
        "email": f"owner@{slug}.example.com",
        "emailVerified": True,
        "phoneNumber": "+1 (555) 010-0100",
        "phoneNumberVerified": False,
    })
