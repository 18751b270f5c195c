"""The QuickBooks Online v3 API under /v3/company/{realmId}/.

Every request runs the same pipeline, in Intuit's order: authenticate (401 lowercase fault) ->
authorize the company (403) -> throttle (429/3001) -> latency and injected "before" faults ->
`requestid` replay -> execute -> remember the response for its `requestid` -> webhooks -> injected
"after" faults (the write is already saved) -> request log.
"""
from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from typing import Callable

from flask import Blueprint, Response, current_app, request

from . import faults
from .batch import MAX_BATCH_REQUEST_ID, run_batch
from .cdc import run_cdc
from .clock import envelope_time
from .company import Books
from .entities import BY_PATH
from .query import parse, run

bp = Blueprint("qbo_api", __name__, url_prefix="/v3/company/<realm_id>")

MAX_REQUEST_ID = 50
_REQUEST_ID_LOCKS = [threading.Lock() for _ in range(64)]
JSON_TYPE = "application/json;charset=UTF-8"


def _sandbox():
    return current_app.extensions["qbo_sandbox"]


def _json(status: int, body: dict) -> tuple[int, str, str]:
    return status, JSON_TYPE, json.dumps(body)


def _fault(exc: faults.QBFault, sandbox) -> tuple[int, str, str]:
    return _json(exc.status, exc.body(envelope_time(sandbox.clock.now())))


def _drop_connection() -> bool:
    """Close the client's socket without answering. Works under werkzeug's server (start_sandbox and
    `python -m sandbox online`); the client sees a ConnectionError although the write was saved."""
    sock = request.environ.get("werkzeug.socket")
    if sock is None:
        return False
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    return True


def serve(realm_id: str, execute: Callable[[Books], tuple[int, dict]], is_batch: bool = False,
          update_target: tuple[str, str] | None = None) -> Response:
    sandbox = _sandbox()
    started = time.monotonic()
    entry = {"time": sandbox.clock.stamp(), "method": request.method, "path": request.path,
             "query": request.args.to_dict(flat=True), "body": request.get_data(as_text=True)}
    status, content_type, text = _pipeline(sandbox, realm_id, execute, is_batch, update_target, entry)
    entry.update(status=status, response=text, elapsed_ms=round((time.monotonic() - started) * 1000, 1))
    sandbox.log.add(realm_id, entry)
    response = Response(text, status=status, content_type=content_type)
    response.headers["intuit_tid"] = str(uuid.uuid4())
    return response


def _pipeline(sandbox, realm_id, execute, is_batch, update_target, entry) -> tuple[int, str, str]:
    header = request.headers.get("Authorization", "")
    grant = sandbox.oauth.access(header[7:].strip()) if header.lower().startswith("bearer ") else None
    if grant is None:
        return _json(401, faults.authentication_body())
    if grant["realm_id"] != realm_id or sandbox.store.realm(realm_id) is None:
        return _json(403, faults.authorization_body())
    knobs = sandbox.knobs.of(realm_id)
    method, path = request.method, request.path
    if not sandbox.limiter.admit(realm_id, knobs.rate_limits, is_batch):
        return _throttled(sandbox, knobs)
    try:
        if knobs.latency_ms:
            time.sleep(knobs.latency_ms / 1000)
        injected = sandbox.knobs.take(realm_id, method, path, after_write=False, kinds={"500", "503", "429", "drop"})
        if injected:
            entry["injected"] = injected
            return _injected(sandbox, knobs, injected)
        request_id = request.args.get("requestid")
        if request_id is None:
            return _execute(sandbox, realm_id, execute, update_target, entry, None)
        limit = MAX_BATCH_REQUEST_ID if is_batch else MAX_REQUEST_ID
        if len(request_id) > limit:
            return _fault(faults.invalid(f"requestid is longer than {limit} characters", "requestid"), sandbox)
        # Two concurrent requests with one id must not both execute: look up and execute under a lock.
        with _REQUEST_ID_LOCKS[hash((realm_id, request_id)) % len(_REQUEST_ID_LOCKS)]:
            remembered = sandbox.store.recall_request(realm_id, request_id)
            if remembered:
                entry["replayed"] = True
                return remembered
            return _execute(sandbox, realm_id, execute, update_target, entry, request_id)
    finally:
        sandbox.limiter.release(realm_id)


def _execute(sandbox, realm_id, execute, update_target, entry, request_id) -> tuple[int, str, str]:
    """Run the operation, remember its response for the requestid, notify, then apply any
    "after write" fault."""
    method, path = request.method, request.path
    if update_target and sandbox.knobs.take(realm_id, method, path, after_write=False, kinds={"stale"}):
        entry["injected"] = "stale"
        books = sandbox.books(realm_id)
        try:
            books.touch(*update_target)  # someone else saved it a moment ago
        except faults.QBFault:
            pass
        sandbox.publish(realm_id, books.changes)
    books = sandbox.books(realm_id)
    try:
        status, body = execute(books)
        body["time"] = envelope_time(sandbox.clock.now())
        result = _json(status, body)
    except faults.QBFault as exc:
        result = _fault(exc, sandbox)
    if request_id is not None:
        sandbox.store.remember_request(realm_id, request_id, *result)
    sandbox.publish(realm_id, books.changes)
    injected = sandbox.knobs.take(realm_id, method, path, after_write=True)
    if injected == "drop" and _drop_connection():
        entry["injected"] = "drop"
        return 0, JSON_TYPE, ""
    if injected and injected != "stale":
        entry["injected"] = injected
        return _injected(sandbox, sandbox.knobs.of(realm_id), injected)
    return result


def _throttled(sandbox, knobs) -> tuple[int, str, str]:
    stamp = envelope_time(sandbox.clock.now())
    if knobs.rate_limits.xml:
        return 429, "application/xml", faults.throttle_xml(stamp)
    return _json(429, faults.throttled().body(stamp))


def _injected(sandbox, knobs, kind: str) -> tuple[int, str, str]:
    if kind == "429":
        return _throttled(sandbox, knobs)
    if kind == "drop":
        _drop_connection()
        return 0, JSON_TYPE, ""
    return _fault(faults.system_failure(int(kind)), sandbox)


def _body() -> dict:
    try:
        body = json.loads(request.get_data(as_text=True) or "{}")
    except ValueError as exc:
        raise faults.QBFault("2010", "Request has invalid or unsupported property",
                             f"Unable to parse the request body as JSON: {exc}")
    if not isinstance(body, dict):
        raise faults.QBFault("2010", "Request has invalid or unsupported property", "Expected a JSON object")
    return body


def _entity(path_name: str) -> str:
    entity = BY_PATH.get(path_name.lower())
    if entity is None:
        raise faults.unsupported(f"Unsupported entity or operation: {path_name}")
    return entity


@bp.post("/<path_name>")
def write(realm_id: str, path_name: str):
    def execute(books: Books) -> tuple[int, dict]:
        entity = _entity(path_name)
        body = _body()
        operation = request.args.get("operation", "").lower()
        include = {p.strip().lower() for p in request.args.get("include", "").split(",") if p.strip()}
        allow_dup = "allowduplicatedocnum" in include
        if operation == "delete":
            return 200, {entity: books.delete(entity, body)}
        if operation == "void" or (operation == "update" and "void" in include):
            return 200, {entity: books.void(entity, body)}
        if operation not in ("", "update", "create"):
            raise faults.unsupported(f"Unsupported operation {operation}")
        if _update_id(body):
            return 200, {entity: books.update(entity, body, allow_dup)}
        return 200, {entity: books.create(entity, body, allow_dup)}

    return serve(realm_id, execute, update_target=_update_target(path_name))


def _update_id(body: dict) -> str:
    """python-quickbooks decides create vs update by Id > 0; so do we."""
    id_ = str(body.get("Id") or "").strip()
    return "" if id_ in ("", "0") else id_


def _update_target(path_name: str) -> tuple[str, str] | None:
    """The object an update will touch, for the "stale" fault (a concurrent edit just before it)."""
    entity = BY_PATH.get(path_name.lower())
    if entity is None or request.args.get("operation", "update").lower() != "update":
        return None
    try:
        body = json.loads(request.get_data(as_text=True) or "{}")
    except ValueError:
        return None
    id_ = _update_id(body) if isinstance(body, dict) else ""
    return (entity, id_) if id_ else None


@bp.get("/<path_name>/<entity_id>")
def read(realm_id: str, path_name: str, entity_id: str):
    def execute(books: Books) -> tuple[int, dict]:
        entity = _entity(path_name)
        return 200, {entity: books.read(entity, entity_id)}

    return serve(realm_id, execute)


@bp.get("/preferences")
def preferences(realm_id: str):
    def execute(books: Books) -> tuple[int, dict]:
        docs = books.store.scan(books.realm, "Preferences")
        if not docs:
            raise faults.not_found()
        return 200, {"Preferences": docs[0]}

    return serve(realm_id, execute)


@bp.route("/query", methods=["GET", "POST"])
def query(realm_id: str):
    def execute(books: Books) -> tuple[int, dict]:
        text = request.args.get("query") if request.method == "GET" else request.get_data(as_text=True)
        return 200, {"QueryResponse": run_query(books, text or "")}

    return serve(realm_id, execute)


def run_query(books: Books, text: str) -> dict:
    parsed = parse(text)
    docs = books.store.scan(books.realm, parsed.entity)
    if books.hidden:
        docs = [d for d in docs if (parsed.entity, d["Id"]) not in books.hidden]
    return run(parsed, docs)


@bp.post("/batch")
def batch(realm_id: str):
    def execute(books: Books) -> tuple[int, dict]:
        return 200, run_batch(books, _body(), run_query)

    return serve(realm_id, execute, is_batch=True)


@bp.get("/cdc")
def cdc(realm_id: str):
    def execute(books: Books) -> tuple[int, dict]:
        return 200, run_cdc(books, request.args.get("entities", ""), request.args.get("changedSince", ""))

    return serve(realm_id, execute)
