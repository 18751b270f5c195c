"""Webhook notifications, delivered from a background thread of the sandbox process.

Changes are collected per company for an aggregation window (`delay`), then sent as one signed POST
in the legacy or the CloudEvents format. `intuit-signature` = base64(HMAC-SHA256(verifier token, raw
body)). A delivery that fails (connection error, timeout of 3 s, non-2xx) is retried after each of
`retry_delays` seconds in turn (Intuit: 10 s, 20 s, 30 s, 5 min ... 6 h; tests set fractions of a
second). `duplicate` sends every notification twice; `out_of_order` lists the changes newest first.
TaxCode and TaxRate changes are not notified (as on Intuit).
"""
from __future__ import annotations

import base64
import hashlib
import heapq
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field

from .entities import SPECS

DELIVERY_TIMEOUT = 3.0
MAX_LOG = 500
CLOUDEVENT_VERBS = {"Create": "created", "Update": "updated", "Delete": "deleted", "Void": "voided",
                    "Merge": "merged"}


def sign(verifier_token: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(verifier_token.encode(), body, hashlib.sha256).digest()).decode()


def legacy_body(realm_id: str, events: list[dict]) -> dict:
    return {"eventNotifications": [{"realmId": realm_id, "dataChangeEvent": {"entities": [
        {"name": e["entity"], "id": e["id"], "operation": e["operation"], "lastUpdated": e["lastUpdated"]}
        for e in events]}}]}


def cloudevents_body(realm_id: str, events: list[dict]) -> list[dict]:
    return [{
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "intuit.qbo.sandbox",
        "type": f"qbo.{e['entity'].lower()}.{CLOUDEVENT_VERBS.get(e['operation'], 'updated')}.v1",
        "datacontenttype": "application/json",
        "time": e["lastUpdated"],
        "intuitentityid": e["id"],
        "intuitaccountid": realm_id,
        "data": {},
    } for e in events]


@dataclass
class Delivery:
    realm_id: str
    url: str
    body: bytes
    signature: str
    retry_delays: list
    copies: int = 1
    attempts: list = field(default_factory=list)
    delivered: bool = False
    given_up: bool = False

    def record(self) -> dict:
        return {"realm_id": self.realm_id, "url": self.url, "body": self.body.decode(),
                "signature": self.signature, "attempts": list(self.attempts),
                "delivered": self.delivered, "given_up": self.given_up}


class WebhookDispatcher:
    def __init__(self, knobs) -> None:
        self.knobs = knobs
        self._cond = threading.Condition()
        self._pending: dict[str, list[dict]] = {}
        self._flush_at: dict[str, float] = {}
        self._queue: list = []
        self._seq = itertools.count()
        self._log: list[Delivery] = []
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._busy: dict[str, int] = {}  # deliveries being attempted right now, per company

    # -- producer side -------------------------------------------------------------------------------
    def publish(self, realm_id: str, changes: list[dict]) -> None:
        changes = [c for c in changes if SPECS[c["entity"]].cdc]
        settings = self.knobs.of(realm_id).webhook
        if not changes or not settings.url:
            return
        with self._cond:
            self._pending.setdefault(realm_id, []).extend(changes)
            self._flush_at.setdefault(realm_id, time.monotonic() + settings.delay)
            self._ensure_thread()
            self._cond.notify_all()

    def deliveries(self, realm_id: str | None = None) -> list[dict]:
        with self._cond:
            return [d.record() for d in self._log if realm_id is None or d.realm_id == realm_id]

    def wait_idle(self, realm_id: str, timeout: float) -> bool:
        """Block until nothing is pending, queued for retry or in flight for the company, so a test
        can read the final delivery log without sleeping. False on timeout."""
        def idle() -> bool:
            return (realm_id not in self._flush_at and not self._busy.get(realm_id)
                    and not any(q[2].realm_id == realm_id for q in self._queue))
        with self._cond:
            return self._cond.wait_for(idle, timeout)

    def clear(self, realm_id: str | None = None) -> None:
        with self._cond:
            for target in (self._pending, self._flush_at):
                for key in [k for k in target if realm_id is None or k == realm_id]:
                    del target[key]
            self._queue = [q for q in self._queue if realm_id is not None and q[2].realm_id != realm_id]
            heapq.heapify(self._queue)
            self._log = [d for d in self._log if realm_id is not None and d.realm_id != realm_id]

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread:
            self._thread.join(timeout=5)

    # -- worker side ---------------------------------------------------------------------------------
    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._stopping = False
            self._thread = threading.Thread(target=self._run, name="qbo-sandbox-webhooks", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                while True:
                    if self._stopping:
                        return
                    now = time.monotonic()
                    due_realms = [r for r, at in self._flush_at.items() if at <= now]
                    due_delivery = self._queue[0][2] if self._queue and self._queue[0][0] <= now else None
                    if due_realms or due_delivery:
                        break
                    waits = list(self._flush_at.values()) + ([self._queue[0][0]] if self._queue else [])
                    self._cond.wait(timeout=(min(waits) - now) if waits else None)
                work = []
                for realm_id in due_realms:
                    del self._flush_at[realm_id]
                    delivery = self._build(realm_id, self._pending.pop(realm_id, []))
                    if delivery:
                        self._log.append(delivery)
                        del self._log[:-MAX_LOG]
                        work.append(delivery)
                if due_delivery:
                    heapq.heappop(self._queue)
                    work.append(due_delivery)
                for delivery in work:
                    self._busy[delivery.realm_id] = self._busy.get(delivery.realm_id, 0) + 1
            for delivery in work:
                try:
                    self._attempt(delivery)
                finally:
                    with self._cond:
                        self._busy[delivery.realm_id] -= 1
                        self._cond.notify_all()

    def _build(self, realm_id: str, events: list[dict]) -> Delivery | None:
        settings = self.knobs.of(realm_id).webhook
        if not events or not settings.url:
            return None
        unique: dict[tuple, dict] = {}
        for event in events:  # one entry per object and operation, the latest time wins
            unique[(event["entity"], event["id"], event["operation"])] = event
        events = list(unique.values())
        if settings.out_of_order:
            events.reverse()
        payload = cloudevents_body(realm_id, events) if settings.format == "cloudevents" else legacy_body(realm_id, events)
        body = json.dumps(payload).encode()
        return Delivery(realm_id, settings.url, body, sign(settings.verifier_token, body),
                        list(settings.retry_delays), copies=2 if settings.duplicate else 1)

    def _attempt(self, delivery: Delivery) -> None:
        ok = True
        for _ in range(delivery.copies if not delivery.attempts else 1):
            status, error = self._post(delivery)
            delivery.attempts.append({"status": status, "error": error, "at": time.time()})
            ok = status is not None and 200 <= status < 300
            if not ok:
                break
        with self._cond:
            if ok:
                delivery.delivered = True
                return
            failures = sum(1 for a in delivery.attempts if not (a["status"] and 200 <= a["status"] < 300))
            if failures > len(delivery.retry_delays):
                delivery.given_up = True
                return
            due = time.monotonic() + float(delivery.retry_delays[failures - 1])
            heapq.heappush(self._queue, (due, next(self._seq), delivery))
            self._cond.notify_all()

    def _post(self, delivery: Delivery) -> tuple[int | None, str | None]:
        request = urllib.request.Request(delivery.url, data=delivery.body, method="POST", headers={
            "Content-Type": "application/json", "intuit-signature": delivery.signature,
            "User-Agent": "Intuit-Webhooks-Sandbox/1.0"})
        try:
            with urllib.request.urlopen(request, timeout=DELIVERY_TIMEOUT) as response:
                return response.status, None
        except urllib.error.HTTPError as exc:
            return exc.code, str(exc)
        except OSError as exc:
            return None, str(exc)
