"""Per-company realism settings: rate limits, latency, injected faults, webhook target.

Held in memory (a restart returns to the defaults given to `create_app`); the company data itself is
in SQLite. Tests set them through `SandboxControl` or the `/_sandbox` endpoints.
"""
from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass, field

FAULT_KINDS = {"500", "503", "429", "drop", "stale"}


@dataclass
class RateLimits:
    enabled: bool = True
    per_minute: int = 500
    per_second: int = 10
    concurrent: int = 10
    batch_per_minute: int = 40
    xml: bool = False  # answer 429 with Intuit's XML body even when JSON was asked for


@dataclass
class Injection:
    """`kind` answers a matching request: 500/503/429 status, "drop" closes the socket without a
    response, "stale" bumps the SyncToken of the object an update targets just before it runs.
    `after_write` (default for 500/503/drop) applies the write first: the client sees a failure
    although QuickBooks saved it, the case that makes naive retries create duplicates."""
    kind: str
    count: int | None = 1        # how many matching requests to hit; None = unlimited
    rate: float = 1.0            # fraction of matching requests hit
    after_write: bool | None = None
    method: str | None = None    # e.g. "POST"; None = any
    path_contains: str | None = None
    hits: int = 0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; use one of {sorted(FAULT_KINDS)}")
        if self.after_write is None:
            self.after_write = self.kind in ("500", "503", "drop")

    def applies(self, method: str, path: str) -> bool:
        if self.count is not None and self.hits >= self.count:
            return False
        if self.method and self.method.upper() != method:
            return False
        if self.path_contains and self.path_contains not in path:
            return False
        return True


@dataclass
class WebhookSettings:
    url: str | None = None
    verifier_token: str = "cc-sandbox-verifier"
    format: str = "legacy"          # "legacy" or "cloudevents"
    delay: float = 1.0              # aggregation window, seconds
    retry_delays: list = field(default_factory=lambda: [10, 20, 30, 300, 1800, 3600, 21600])
    duplicate: bool = False         # deliver every notification twice
    out_of_order: bool = False      # list the aggregated changes newest first


@dataclass
class RealmKnobs:
    rate_limits: RateLimits = field(default_factory=RateLimits)
    latency_ms: int = 0
    injections: list[Injection] = field(default_factory=list)
    webhook: WebhookSettings = field(default_factory=WebhookSettings)

    def to_dict(self) -> dict:
        return asdict(self)


class Knobs:
    def __init__(self, defaults: dict, seed: int = 7) -> None:
        self._defaults = defaults
        self._realms: dict[str, RealmKnobs] = {}
        self._lock = threading.Lock()
        self.random = random.Random(seed)

    def _fresh(self) -> RealmKnobs:
        knobs = RealmKnobs()
        knobs.rate_limits.enabled = self._defaults.get("rate_limits", True)
        knobs.rate_limits.xml = self._defaults.get("throttle_xml", False)
        knobs.latency_ms = self._defaults.get("latency_ms", 0)
        if self._defaults.get("webhook_url"):
            knobs.webhook.url = self._defaults["webhook_url"]
        if self._defaults.get("webhook_verifier"):
            knobs.webhook.verifier_token = self._defaults["webhook_verifier"]
        if "webhook_delay" in self._defaults:
            knobs.webhook.delay = self._defaults["webhook_delay"]
        if "webhook_retry_delays" in self._defaults:
            knobs.webhook.retry_delays = list(self._defaults["webhook_retry_delays"])
        return knobs

    def of(self, realm_id: str) -> RealmKnobs:
        with self._lock:
            if realm_id not in self._realms:
                self._realms[realm_id] = self._fresh()
            return self._realms[realm_id]

    def reset(self, realm_id: str | None = None) -> None:
        with self._lock:
            if realm_id is None:
                self._realms.clear()
            else:
                self._realms.pop(realm_id, None)

    def configure(self, realm_id: str, changes: dict) -> RealmKnobs:
        knobs = self.of(realm_id)
        with self._lock:
            for key, value in changes.items():
                if key == "rate_limits":
                    if isinstance(value, bool):
                        knobs.rate_limits.enabled = value
                    else:
                        for k, v in value.items():
                            if not hasattr(knobs.rate_limits, k):
                                raise ValueError(f"unknown rate limit setting {k!r}")
                            setattr(knobs.rate_limits, k, v)
                elif key == "latency_ms":
                    knobs.latency_ms = int(value)
                elif key == "webhook":
                    for k, v in value.items():
                        if not hasattr(knobs.webhook, k):
                            raise ValueError(f"unknown webhook setting {k!r}")
                        if k == "format" and v not in ("legacy", "cloudevents"):
                            raise ValueError("webhook format must be 'legacy' or 'cloudevents'")
                        setattr(knobs.webhook, k, v)
                else:
                    raise ValueError(f"unknown setting {key!r}")
        return knobs

    def inject(self, realm_id: str, injection: Injection) -> None:
        knobs = self.of(realm_id)
        with self._lock:
            knobs.injections.append(injection)

    def clear_injections(self, realm_id: str) -> None:
        knobs = self.of(realm_id)
        with self._lock:
            knobs.injections.clear()

    def take(self, realm_id: str, method: str, path: str, after_write: bool, kinds: set[str] | None = None) -> str | None:
        """Consume the first injection that hits this request at this stage; returns its kind."""
        knobs = self.of(realm_id)
        with self._lock:
            for injection in knobs.injections:
                if injection.after_write != after_write or (kinds and injection.kind not in kinds):
                    continue
                if not injection.applies(method, path):
                    continue
                if injection.rate < 1.0 and self.random.random() >= injection.rate:
                    continue
                injection.hits += 1
                return injection.kind
        return None
