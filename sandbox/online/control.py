"""The sandbox's control surface: a small JSON API under /_sandbox and its Python client.

No authentication: the sandbox is a local development tool and binds to 127.0.0.1 by default.

    GET    /_sandbox/companies                                   list companies
    POST   /_sandbox/companies            {template, name}       add a company (small | large | empty)
    POST   /_sandbox/reset                {realm_id?}            reseed one company, or everything
    GET    /_sandbox/clock                                        current sandbox time
    POST   /_sandbox/clock                {set, freeze} | {advance} | {reset: true}
    POST   /_sandbox/settings             {access_token_ttl}     app-wide settings
    GET|POST /_sandbox/companies/R/settings {rate_limits, latency_ms, webhook}
    POST|DELETE /_sandbox/companies/R/faults {kind, count, rate, after_write, method, path_contains}
    GET|DELETE  /_sandbox/companies/R/requests?since=N            the request log
    GET    /_sandbox/companies/R/dev-token                        long-lived access token
    POST   /_sandbox/companies/R/tokens   {access_ttl, scope, client_id}   a fresh OAuth connection
    GET    /_sandbox/companies/R/entities/E/ID                    raw read (no auth, no log)
    POST   /_sandbox/companies/R/entities/E                       create "in QuickBooks"
    POST   /_sandbox/companies/R/entities/E/ID                    edit "in QuickBooks" (sparse changes)
    POST   /_sandbox/companies/R/entities/E/ID/touch              concurrent edit: bump SyncToken only
    DELETE /_sandbox/companies/R/entities/E/ID                    delete (transactions) / deactivate (lists)
    GET    /_sandbox/companies/R/webhooks?wait=S                  webhook deliveries and attempts

Edits made here behave like a person using QuickBooks: no SyncToken needed, the object's SyncToken
and LastUpdatedTime move, and webhooks fire.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import requests
from flask import Blueprint, current_app, jsonify, request

from . import faults
from .clock import envelope_time, parse_time
from .entities import SPECS
from .knobs import Injection
from .oauth import ACCOUNTING_SCOPE

bp = Blueprint("qbo_control", __name__, url_prefix="/_sandbox")


def _sandbox():
    return current_app.extensions["qbo_sandbox"]


def _realm_or_404(realm_id: str):
    if _sandbox().store.realm(realm_id) is None:
        return jsonify({"error": f"unknown company {realm_id}"}), 404
    return None


@bp.errorhandler(faults.QBFault)
def _qb_fault(exc: faults.QBFault):
    return jsonify(exc.body(envelope_time(_sandbox().clock.now()))), exc.status


@bp.errorhandler(ValueError)
@bp.errorhandler(KeyError)
def _bad_request(exc):
    return jsonify({"error": str(exc)}), 400


@bp.get("/companies")
def companies():
    return jsonify(_sandbox().store.realms())


@bp.post("/companies")
def add_company():
    payload = request.get_json(silent=True) or {}
    return jsonify(_sandbox().add_company(payload.get("template", "small"), payload.get("name"))), 201


@bp.post("/reset")
def reset():
    payload = request.get_json(silent=True) or {}
    _sandbox().reset(payload.get("realm_id"))
    return jsonify({"ok": True})


@bp.route("/clock", methods=["GET", "POST"])
def clock():
    sandbox = _sandbox()
    payload = request.get_json(silent=True) or {}
    if payload.get("reset"):
        sandbox.clock.reset()
    if "set" in payload:
        sandbox.clock.set(parse_time(payload["set"]), freeze=bool(payload.get("freeze")))
    if "advance" in payload:
        sandbox.clock.advance(float(payload["advance"]))
    return jsonify({"now": sandbox.clock.stamp(), "utc": sandbox.clock.now().isoformat()})


@bp.post("/settings")
def app_settings():
    sandbox = _sandbox()
    payload = request.get_json(silent=True) or {}
    if "access_token_ttl" in payload:
        sandbox.oauth.access_ttl = int(payload["access_token_ttl"])
    return jsonify({"access_token_ttl": sandbox.oauth.access_ttl})


@bp.route("/companies/<realm_id>/settings", methods=["GET", "POST"])
def company_settings(realm_id: str):
    if (missing := _realm_or_404(realm_id)):
        return missing
    sandbox = _sandbox()
    if request.method == "POST":
        sandbox.knobs.configure(realm_id, request.get_json(force=True))
    return jsonify(sandbox.knobs.of(realm_id).to_dict())


@bp.route("/companies/<realm_id>/faults", methods=["POST", "DELETE"])
def company_faults(realm_id: str):
    if (missing := _realm_or_404(realm_id)):
        return missing
    sandbox = _sandbox()
    if request.method == "DELETE":
        sandbox.knobs.clear_injections(realm_id)
    else:
        payload = request.get_json(force=True)
        allowed = {"kind", "count", "rate", "after_write", "method", "path_contains"}
        if set(payload) - allowed:
            raise ValueError(f"unknown fault options {sorted(set(payload) - allowed)}")
        payload["kind"] = str(payload.get("kind"))
        sandbox.knobs.inject(realm_id, Injection(**payload))
    return jsonify(sandbox.knobs.of(realm_id).to_dict()["injections"])


@bp.route("/companies/<realm_id>/requests", methods=["GET", "DELETE"])
def company_requests(realm_id: str):
    sandbox = _sandbox()
    if request.method == "DELETE":
        sandbox.log.clear(realm_id)
        return jsonify([])
    return jsonify(sandbox.log.entries(realm_id, int(request.args.get("since", 0))))


@bp.get("/companies/<realm_id>/dev-token")
def dev_token(realm_id: str):
    if (missing := _realm_or_404(realm_id)):
        return missing
    return jsonify({"access_token": _sandbox().dev_token(realm_id), "realm_id": realm_id})


@bp.post("/companies/<realm_id>/tokens")
def tokens(realm_id: str):
    if (missing := _realm_or_404(realm_id)):
        return missing
    sandbox = _sandbox()
    payload = request.get_json(silent=True) or {}
    client_id = payload.get("client_id") or next(iter(sandbox.oauth.clients))
    body = sandbox.oauth.issue_tokens(client_id, realm_id, payload.get("scope", ACCOUNTING_SCOPE),
                                      payload.get("access_ttl"))
    return jsonify(dict(body, realm_id=realm_id))


def _entity(name: str) -> str:
    if name not in SPECS:
        raise ValueError(f"unknown entity {name!r}")
    return name


@bp.get("/companies/<realm_id>/entities/<entity>/<entity_id>")
def read_entity(realm_id: str, entity: str, entity_id: str):
    return jsonify(_sandbox().books(realm_id).read(_entity(entity), entity_id))


@bp.post("/companies/<realm_id>/entities/<entity>")
def create_entity(realm_id: str, entity: str):
    sandbox = _sandbox()
    books = sandbox.books(realm_id)
    doc = books.create(_entity(entity), request.get_json(force=True), allow_duplicate_doc_number=True)
    sandbox.publish(realm_id, books.changes)
    return jsonify(doc), 201


@bp.post("/companies/<realm_id>/entities/<entity>/<entity_id>")
def edit_entity(realm_id: str, entity: str, entity_id: str):
    sandbox = _sandbox()
    books = sandbox.books(realm_id)
    doc = books.edit_as_user(_entity(entity), entity_id, request.get_json(force=True))
    sandbox.publish(realm_id, books.changes)
    return jsonify(doc)


@bp.post("/companies/<realm_id>/entities/<entity>/<entity_id>/touch")
def touch_entity(realm_id: str, entity: str, entity_id: str):
    sandbox = _sandbox()
    books = sandbox.books(realm_id)
    doc = books.touch(_entity(entity), entity_id)
    sandbox.publish(realm_id, books.changes)
    return jsonify(doc)


@bp.delete("/companies/<realm_id>/entities/<entity>/<entity_id>")
def delete_entity(realm_id: str, entity: str, entity_id: str):
    sandbox = _sandbox()
    books = sandbox.books(realm_id)
    entity = _entity(entity)
    if SPECS[entity].name_list:
        doc = books.edit_as_user(entity, entity_id, {"Active": False})
    else:
        current = books.read(entity, entity_id)
        doc = books.delete(entity, {"Id": entity_id, "SyncToken": current["SyncToken"]})
    sandbox.publish(realm_id, books.changes)
    return jsonify(doc)


@bp.get("/companies/<realm_id>/webhooks")
def webhook_deliveries(realm_id: str):
    """`?wait=SECONDS` first waits until no delivery is pending, retrying or in flight."""
    sandbox = _sandbox()
    if "wait" in request.args:
        if not sandbox.webhooks.wait_idle(realm_id, float(request.args["wait"])):
            return jsonify({"error": "webhook deliveries still pending"}), 408
    return jsonify(sandbox.webhooks.deliveries(realm_id))


# -- Python client ---------------------------------------------------------------------------------------
class SandboxError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"sandbox control call failed ({status}): {body}")
        self.status, self.body = status, body


class SandboxControl:
    """Drive a running sandbox (in-process via start_sandbox, or `python -m sandbox online`)."""

    def __init__(self, base_url: str, session: requests.Session | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = session or requests.Session()

    def _call(self, method: str, path: str, payload: Any = None, params: dict | None = None) -> Any:
        response = self.http.request(method, f"{self.base_url}/_sandbox{path}", json=payload, params=params,
                                     timeout=30)
        body = response.json() if response.content else None
        if response.status_code >= 400:
            raise SandboxError(response.status_code, body)
        return body

    # companies
    def companies(self) -> list[dict]:
        return self._call("GET", "/companies")

    def create_company(self, template: str = "small", name: str | None = None) -> str:
        """A fresh seeded company; returns its realm id. Cheap for "small": one per test isolates tests."""
        return self._call("POST", "/companies", {"template": template, "name": name})["realm_id"]

    def reset(self, realm_id: str | None = None) -> None:
        self._call("POST", "/reset", {"realm_id": realm_id} if realm_id else {})

    # clock
    def now(self) -> str:
        return self._call("GET", "/clock")["now"]

    def set_clock(self, when: datetime | str, freeze: bool = False) -> str:
        value = when.isoformat() if isinstance(when, datetime) else when
        return self._call("POST", "/clock", {"set": value, "freeze": freeze})["now"]

    def advance_clock(self, seconds: float) -> str:
        return self._call("POST", "/clock", {"advance": seconds})["now"]

    def reset_clock(self) -> str:
        return self._call("POST", "/clock", {"reset": True})["now"]

    # settings
    def set_access_token_ttl(self, seconds: int) -> None:
        self._call("POST", "/settings", {"access_token_ttl": seconds})

    def settings(self, realm_id: str) -> dict:
        return self._call("GET", f"/companies/{realm_id}/settings")

    def configure(self, realm_id: str, **settings) -> dict:
        """e.g. configure(r, latency_ms=150, rate_limits={"per_minute": 5}, webhook={"url": ...})"""
        return self._call("POST", f"/companies/{realm_id}/settings", settings)

    def set_rate_limits(self, realm_id: str, enabled: bool = True, **limits) -> dict:
        """limits: per_minute, per_second, concurrent, batch_per_minute, xml."""
        return self.configure(realm_id, rate_limits=dict(limits, enabled=enabled))

    def set_latency(self, realm_id: str, ms: int) -> dict:
        return self.configure(realm_id, latency_ms=ms)

    def set_webhook(self, realm_id: str, url: str | None, verifier_token: str = "cc-sandbox-verifier",
                    format: str = "legacy", **options) -> dict:
        """options: delay (s), retry_delays (list of s), duplicate, out_of_order."""
        return self.configure(realm_id, webhook=dict(options, url=url, verifier_token=verifier_token, format=format))

    # faults
    def inject(self, realm_id: str, kind: str, count: int | None = 1, rate: float = 1.0,
               after_write: bool | None = None, method: str | None = None, path_contains: str | None = None) -> list:
        """kind: "500" | "503" | "429" | "drop" | "stale". See knobs.Injection."""
        return self._call("POST", f"/companies/{realm_id}/faults", {
            "kind": str(kind), "count": count, "rate": rate, "after_write": after_write, "method": method,
            "path_contains": path_contains})

    def clear_faults(self, realm_id: str) -> None:
        self._call("DELETE", f"/companies/{realm_id}/faults")

    # request log
    def requests(self, realm_id: str, since: int = 0) -> list[dict]:
        return self._call("GET", f"/companies/{realm_id}/requests", params={"since": since})

    def clear_requests(self, realm_id: str) -> None:
        self._call("DELETE", f"/companies/{realm_id}/requests")

    # tokens
    def dev_token(self, realm_id: str) -> str:
        return self._call("GET", f"/companies/{realm_id}/dev-token")["access_token"]

    def issue_tokens(self, realm_id: str, access_ttl: int | None = None, scope: str = ACCOUNTING_SCOPE,
                     client_id: str | None = None) -> dict:
        return self._call("POST", f"/companies/{realm_id}/tokens",
                          {"access_ttl": access_ttl, "scope": scope, "client_id": client_id})

    # "in QuickBooks" edits
    def read(self, realm_id: str, entity: str, entity_id: str) -> dict:
        return self._call("GET", f"/companies/{realm_id}/entities/{entity}/{entity_id}")

    def create(self, realm_id: str, entity: str, body: dict) -> dict:
        return self._call("POST", f"/companies/{realm_id}/entities/{entity}", body)

    def edit(self, realm_id: str, entity: str, entity_id: str, changes: dict) -> dict:
        return self._call("POST", f"/companies/{realm_id}/entities/{entity}/{entity_id}", changes)

    def touch(self, realm_id: str, entity: str, entity_id: str) -> dict:
        return self._call("POST", f"/companies/{realm_id}/entities/{entity}/{entity_id}/touch")

    def delete(self, realm_id: str, entity: str, entity_id: str) -> dict:
        return self._call("DELETE", f"/companies/{realm_id}/entities/{entity}/{entity_id}")

    def webhook_deliveries(self, realm_id: str, wait: float | None = None) -> list[dict]:
        """Deliveries with their attempts; `wait` seconds: first wait until none is pending."""
        return self._call("GET", f"/companies/{realm_id}/webhooks", params={"wait": wait} if wait else None)
