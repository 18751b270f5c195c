"""The QuickBooks Online API client used by workers.

python-quickbooks' `QuickBooks` object does the URL building and JSON handling; it accepts any
session object with `.access_token` and `.request(...)`, so `TokenSession` below supplies fresh
tokens (refresh under lock), the timeouts, and the classification of throttling, outages and
dropped connections, which python-quickbooks does not handle. Faults are classified in errors.py.
"""
from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

import requests
from flask import current_app
from quickbooks import QuickBooks
from quickbooks import exceptions as qb_exceptions

from webapp.quickbooks.online import ratelimit, tokens
from webapp.quickbooks.online.errors import QBOError, Retryable, Throttled, Unauthorized, from_fault

TRANSIENT_STATUS = {500, 502, 503, 504}


class TokenSession:
    """The session python-quickbooks calls: bearer token from the connection, one refresh after a 401."""

    def __init__(self, connection_id: int, realm_id: str, timeout: float = 60):
        self.connection_id = connection_id
        self.realm_id = realm_id
        self.timeout = timeout
        self.http = requests.Session()

    @property
    def access_token(self) -> str:
        return tokens.access_token(self.connection_id)

    def request(self, method, url, headers=None, params=None, data=None, **_kw):
        headers = dict(headers or {})
        response = self._send(method, url, headers, params, data)
        if response.status_code == 401:
            stale = headers.get("Authorization", "").removeprefix("Bearer ")
            headers["Authorization"] = "Bearer " + tokens.refresh(self.connection_id, stale_token=stale)
            response = self._send(method, url, headers, params, data)
            if response.status_code == 401:
                raise Unauthorized("QuickBooks refused the access token after a refresh.", "3200", response.text, 401)
        if response.status_code == 429:
            raise Throttled("QuickBooks is throttling requests (429).", "3001", response.text[:500], 429,
                            delay=current_app.config.get("QBO_THROTTLE_DELAY", 60))
        if response.status_code in TRANSIENT_STATUS:
            raise Retryable(f"QuickBooks is unavailable ({response.status_code}).", str(response.status_code),
                            response.text[:500], response.status_code)
        return response

    def _send(self, method, url, headers, params, data):
        ratelimit.take(self.realm_id)
        try:
            return self.http.request(method, url, headers=headers, params=params, data=data, timeout=self.timeout)
        except (requests.ConnectionError, requests.Timeout) as exc:
            # The write may or may not have happened: the retry re-sends the same requestid.
            raise Retryable(f"No answer from QuickBooks ({type(exc).__name__}).", "connection", str(exc)[:300]) from exc


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)  # JSON numbers; amounts are already rounded to cents
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(type(value))


class QBOClient:
    def __init__(self, connection_id: int, realm_id: str):
        self.realm_id = realm_id
        qb = QuickBooks(company_id=realm_id, minorversion=current_app.config["QBO_MINOR_VERSION"], use_decimal=True)
        qb.api_url_v3 = current_app.config["QBO_API_BASE"].rstrip("/") + "/v3"
        qb.sandbox = False
        qb.session = TokenSession(connection_id, realm_id)
        self.qb = qb

    # python-quickbooks raises its own exceptions for faults; turn them into ours.
    def _call(self, fn, *args, **kwargs) -> dict:
        try:
            return fn(*args, **kwargs)
        except qb_exceptions.AuthorizationException as exc:
            raise Unauthorized(exc.message, str(exc.error_code), str(exc.detail), 401) from exc
        except qb_exceptions.QuickbooksException as exc:
            code = str(exc.error_code)
            if code == "10000" and "429" in str(exc.message):
                raise Throttled(exc.message, "3001", str(exc.detail), 429,
                                delay=current_app.config.get("QBO_THROTTLE_DELAY", 60)) from exc
            err = from_fault({"Error": [{"Message": exc.message, "code": code, "Detail": exc.detail}]})
            raise err from exc

    def create(self, entity: str, body: dict, request_id: str) -> dict:
        result = self._call(self.qb.create_object, entity, json.dumps(body, default=_json_default),
                            request_id=request_id)
        return result[entity]

    def update(self, entity: str, body: dict, request_id: str) -> dict:
        result = self._call(self.qb.update_object, entity, json.dumps(body, default=_json_default),
                            request_id=request_id)
        return result[entity]

    def read(self, entity: str, entity_id: str) -> dict:
        return self._call(self.qb.get_single_object, entity, entity_id)[entity]

    def query(self, statement: str) -> list[dict]:
        response = self._call(self.qb.query, statement)["QueryResponse"]
        entity = statement.split(" FROM ", 1)[1].split()[0] if " FROM " in statement else ""
        return response.get(entity, [])

    def query_all(self, entity: str, where: str = "", page_size: int = 1000):
        """Every row, paging with STARTPOSITION (1-based) until a short page."""
        start = 1
        while True:
            clause = f" WHERE {where}" if where else ""
            rows = self.query(f"SELECT * FROM {entity}{clause} STARTPOSITION {start} MAXRESULTS {page_size}")
            yield rows
            if len(rows) < page_size:
                return
            start += page_size

    def batch(self, items: list[dict], request_id: str) -> dict[str, dict]:
        """Run up to 30 operations; returns {bId: item response}. The whole batch carries one requestid."""
        url = f"{self.qb.api_url}/company/{self.realm_id}/batch"
        result = self._call(self.qb.make_request, "POST", url, json.dumps({"BatchItemRequest": items},
                                                                              default=_json_default),
                            request_id=request_id)
        return {item["bId"]: item for item in result.get("BatchItemResponse", [])}

    def cdc(self, entities: list[str], changed_since: datetime) -> dict[str, list[dict]]:
        result = self._call(self.qb.change_data_capture, ",".join(entities), changed_since.isoformat())
        found: dict[str, list[dict]] = {}
        for block in result.get("CDCResponse", []):
            for response in block.get("QueryResponse", []):
                for key, value in response.items():
                    if isinstance(value, list):
                        found.setdefault(key, []).extend(value)
        return found


def quote(value: str) -> str:
    """A string literal for the query language: backslash and quote escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


__all__ = ["QBOClient", "QBOError", "quote"]
