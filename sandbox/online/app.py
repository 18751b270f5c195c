"""The sandbox application: `create_app(db_path, **options)` and the state it serves."""
from __future__ import annotations

from flask import Flask, jsonify

from .clock import Clock
from .company import Books
from .knobs import Knobs
from .limits import RateLimiter
from .oauth import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Authority
from .requestlog import RequestLog
from .seed import EXTRA_REALM_PREFIX, LARGE_COMPANY_NAME, LARGE_REALM_ID, SMALL_COMPANY_NAME, SMALL_REALM_ID, seed
from .store import Store
from .webhooks import WebhookDispatcher

DEFAULT_COMPANIES = ("small", "large")
_DEFAULT_IDS = {"small": (SMALL_REALM_ID, SMALL_COMPANY_NAME), "large": (LARGE_REALM_ID, LARGE_COMPANY_NAME)}


class Sandbox:
    """Everything one sandbox process holds: store, clock, tokens, knobs, logs, webhook thread."""

    def __init__(self, db_path: str, options: dict) -> None:
        self.options = options
        self.clock = Clock()
        self.store = Store(db_path)
        self.knobs = Knobs(options, seed=options.get("random_seed", 7))
        self.limiter = RateLimiter()
        self.log = RequestLog()
        clients = {options.get("client_id", DEFAULT_CLIENT_ID): {
            "secret": options.get("client_secret", DEFAULT_CLIENT_SECRET),
            "redirect_uris": list(options.get("redirect_uris", []))}}
        clients.update(options.get("clients", {}))
        self.oauth = Authority(self.store, self.clock, clients, options.get("access_token_ttl", 3600))
        self.webhooks = WebhookDispatcher(self.knobs)
        self.companies = tuple(options.get("companies", DEFAULT_COMPANIES))
        if options.get("reset") or not self.store.realms():
            self.reset()

    # -- companies -----------------------------------------------------------------------------------
    def books(self, realm_id: str, hidden: set | None = None) -> Books:
        return Books(self.store, self.clock, realm_id, hidden)

    def add_company(self, template: str = "small", name: str | None = None, realm_id: str | None = None) -> dict:
        with self.store.lock:
            if realm_id is None:
                taken = {r["realm_id"] for r in self.store.realms()}
                n = 1
                while f"{EXTRA_REALM_PREFIX}{n:05d}" in taken:
                    n += 1
                realm_id = f"{EXTRA_REALM_PREFIX}{n:05d}"
            default_name = {"small": SMALL_COMPANY_NAME, "large": LARGE_COMPANY_NAME}.get(template, "Sandbox Company")
            self.store.add_realm(realm_id, name or default_name, template, self.clock.epoch())
            seed(self.store, self.clock, realm_id, template)
            return self.store.realm(realm_id)

    def reset(self, realm_id: str | None = None) -> None:
        """Back to the seeded state: every company (and all tokens), or one company."""
        if realm_id is None:
            with self.store.lock:
                self.store.wipe()
                for template in self.companies:
                    default_id, name = _DEFAULT_IDS.get(template, (None, None))
                    self.add_company(template, name, default_id)
            self.knobs.reset()
            self.limiter.reset()
            self.log.clear()
            self.webhooks.clear()
            return
        realm = self.store.realm(realm_id)
        if realm is None:
            raise KeyError(realm_id)
        with self.store.lock:
            self.store.drop_realm(realm_id)
            self.add_company(realm["template"], realm["name"], realm_id)
        self.knobs.reset(realm_id)
        self.limiter.reset(realm_id)
        self.log.clear(realm_id)
        self.webhooks.clear(realm_id)

    def dev_token(self, realm_id: str) -> str:
        """A long-lived access token for scripts and curl (like Intuit's OAuth playground)."""
        with self.store.lock:
            key = f"dev_token:{realm_id}"
            token = self.store.setting(key)
            if token is None or self.oauth.access(token) is None:
                token = self.oauth.issue_developer_token(realm_id)
                self.store.set_setting(key, token)
            return token

    def publish(self, realm_id: str, changes: list[dict]) -> None:
        if changes:
            self.webhooks.publish(realm_id, changes)

    def close(self) -> None:
        self.webhooks.stop()
        self.store.close()


def create_app(db_path: str, **options) -> Flask:
    """Options (all optional):
    companies=("small", "large")  templates seeded at first start / reset (small, large, empty)
    reset=False                   wipe the file and reseed on start
    client_id / client_secret     the registered OAuth client (cc-sandbox-client / cc-sandbox-secret)
    redirect_uris=[]              extra allowed redirect URIs (localhost ones are always allowed)
    access_token_ttl=3600         seconds
    rate_limits=True              Intuit's throttles on for every company (per-company knob)
    throttle_xml=False            429 bodies as XML
    latency_ms=0                  per-request latency
    webhook_url, webhook_verifier  where every company sends its webhooks by default (None: nowhere)
    webhook_delay, webhook_retry_delays   defaults for every company's webhook settings
    """
    from . import api, control, oauth

    app = Flask("sandbox.online")
    app.config["JSON_SORT_KEYS"] = False
    sandbox = Sandbox(db_path, options)
    app.extensions["qbo_sandbox"] = sandbox
    app.register_blueprint(api.bp)
    app.register_blueprint(oauth.bp)
    app.register_blueprint(control.bp)

    @app.get("/")
    def index():
        return jsonify({"service": "QuickBooks Online sandbox", "api": "/v3/company/{realmId}/",
                        "discovery": "/.well-known/openid_configuration/", "control": "/_sandbox/",
                        "companies": sandbox.store.realms()})

    return app
