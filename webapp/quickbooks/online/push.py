"""Pushing one local record to QuickBooks Online, exactly once.

For every record: build the body; skip it when it is linked and unchanged (same hash as last pushed);
update it when linked (sparse, with its SyncToken; a stale token is re-read once); otherwise look for
an existing QuickBooks record to link (DocNumber for invoices on the initial sync, the name for name
lists) and only then create, with a requestid that stays the same across retries of this operation,
so a create whose answer was lost is replayed by QuickBooks instead of executed twice.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from webapp.extensions import db
from webapp.models import FinancialAccount, LinkState, QuickBooksSettings, SyncRun
from webapp.quickbooks.online import mapping
from webapp.quickbooks.online.client import QBOClient, quote
from webapp.quickbooks.online.errors import DuplicateDocNumber, DuplicateName, NotFound, QBOError, StaleObject
from webapp.sync import links, rules

NAME_FIELD = {"Customer": "DisplayName", "Vendor": "DisplayName", "Employee": "DisplayName", "Item": "Name",
              "Class": "Name", "Term": "Name", "Account": "Name", "Invoice": "DocNumber", "CreditMemo": "DocNumber"}
# DisplayName is unique across these three (QuickBooks fault 6240).
NAME_SHARERS = ("Customer", "Vendor", "Employee")


class PushProblem(Exception):
    """A record that cannot be sent as it is: the message says why, the hint what to do."""

    def __init__(self, message: str, hint: str = "", code: str = ""):
        super().__init__(message)
        self.message, self.hint, self.code = message, hint, code


@dataclass
class Outcome:
    action: str  # created | updated | linked | unchanged
    quickbooks_id: str
    sent: dict | None = None


def body_hash(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class OnlinePusher:
    def __init__(self, run: SyncRun, settings: QuickBooksSettings, client: QBOClient):
        self.run, self.settings, self.client = run, settings, client
        self.company_id, self.realm = settings.company_id, settings.realm_id

    # ---- references ---------------------------------------------------------------------------
    def ref(self, record) -> dict:
        if record is None:
            raise PushProblem("A required reference is empty.")
        if isinstance(record, FinancialAccount):
            return self._account_ref(record)
        link = links.for_record(record, self.realm)
        if link is None:
            raise PushProblem(f"{rules.describe(record)} is not in QuickBooks yet.",
                              "Sync it first (the sync sends dependencies automatically unless its export is off).")
        if link.state != LinkState.linked:
            raise PushProblem(f"{rules.describe(record)} was deleted or made inactive in QuickBooks.",
                              "Open it and choose Re-create in QuickBooks or Unlink.", "610")
        return {"value": link.quickbooks_id}

    def _account_ref(self, account: FinancialAccount) -> dict:
        """Accounts are imported from QuickBooks, never created: link by name on first use."""
        link = links.for_record(account, self.realm)
        if link is not None and link.state == LinkState.linked:
            return {"value": link.quickbooks_id}
        found = self.client.query(f"SELECT * FROM Account WHERE Name = {quote(account.name)}")
        if not found:
            raise PushProblem(f"The account “{account.name}” does not exist in QuickBooks.",
                              "Import accounts from QuickBooks (Lists → Financial accounts), or assign an "
                              "account that exists there in Invoice Customization.")
        obj = found[0]
        links.save(self.company_id, self.realm, "online", "financial_account", account.id, "Account", obj["Id"],
                   obj.get("SyncToken", "0"), parse_time(obj.get("MetaData", {}).get("LastUpdatedTime")))
        return {"value": obj["Id"]}

    # ---- push ---------------------------------------------------------------------------------
    def push(self, record) -> Outcome:
        local_type = rules.local_type_of(record)
        qtype = mapping.online_type(record)
        body = mapping.body_for(record, self.settings, self.ref)
        digest = body_hash(body)
        link = links.for_record(record, self.realm)
        if link is not None and link.state != LinkState.linked:
            raise PushProblem("This record was deleted or made inactive in QuickBooks.",
                              "Choose Re-create in QuickBooks or Unlink on its QuickBooks panel.", "610")
        if link is not None and link.pushed_hash == digest:
            return Outcome("unchanged", link.quickbooks_id)
        if link is None:
            match = self._find_match(qtype, body, local_type)
            if match is not None:
                link = self._link(record, local_type, qtype, match, "")
                if self._same(qtype, match, body):
                    link.pushed_hash = digest
                    return Outcome("linked", link.quickbooks_id, body)
                obj = self._update(record, qtype, body, link)
                self._link(record, local_type, qtype, obj, digest)
                return Outcome("linked", obj["Id"], body)
            obj = self._create(record, local_type, qtype, body)
            self._link(record, local_type, qtype, obj, digest)
            return Outcome("created", obj["Id"], body)
        obj = self._update(record, qtype, body, link)
        self._link(record, local_type, qtype, obj, digest)
        return Outcome("updated", obj["Id"], body)

    def _request_id(self, record, op: str) -> str:
        # ≤ 50 characters; the same for every retry of this run's operation on this record. The run's
        # random salt keeps ids unique even if run ids repeat (a restored or reset database).
        salt = self.run.options.get("salt", "")
        rid = f"cc{self.run.id}{salt}-{rules.local_type_of(record)}-{record.id}-{op}"
        return rid if len(rid) <= 50 else hashlib.sha256(rid.encode()).hexdigest()[:50]

    def _create(self, record, local_type: str, qtype: str, body: dict) -> dict:
        try:
            return self.client.create(qtype, body, self._request_id(record, "c"))
        except DuplicateName as exc:
            return self._adopt_duplicate_name(record, local_type, qtype, body, exc)
        except DuplicateDocNumber:
            match = self._find_match(qtype, body, local_type)
            if match is None:
                raise
            link = self._link(record, local_type, qtype, match, "")
            return self._update(record, qtype, body, link) if not self._same(qtype, match, body) else match

    def _update(self, record, qtype: str, body: dict, link) -> dict:
        sent = dict(body, Id=link.quickbooks_id, SyncToken=link.version, sparse=True)
        try:
            return self.client.update(qtype, sent, self._request_id(record, f"u{link.version}"))
        except StaleObject:
            # Someone edited it in QuickBooks meanwhile: take the current SyncToken and apply ours once more.
            current = self.client.read(qtype, link.quickbooks_id)
            sent["SyncToken"] = current["SyncToken"]
            return self.client.update(qtype, sent, self._request_id(record, f"u{current['SyncToken']}"))
        except NotFound:
            link.state = LinkState.deleted_in_quickbooks
            db.session.commit()
            raise PushProblem("This record was deleted or made inactive in QuickBooks.",
                              "Choose Re-create in QuickBooks or Unlink on its QuickBooks panel.", "610")

    def _find_match(self, qtype: str, body: dict, local_type: str) -> dict | None:
        field = NAME_FIELD.get(qtype)
        if field is None or not body.get(field):
            return None
        if qtype in ("Invoice", "CreditMemo") and not body.get("DocNumber"):
            return None
        rows = self.client.query(f"SELECT * FROM {qtype} WHERE {field} = {quote(body[field])}")
        if qtype == "Customer" and local_type == "project":
            parent = body["ParentRef"]["value"]
            rows = [r for r in rows if (r.get("ParentRef") or {}).get("value") == parent]
        elif qtype == "Customer":
            rows = [r for r in rows if not r.get("Job")]
        for row in rows:
            other = links.find_remote(self.company_id, self.realm, qtype, row["Id"])
            if other is None:
                return row
            raise PushProblem(
                f"QuickBooks already has {qtype} “{body[field]}”, linked to another Contractors Cloud "
                f"{rules.RULES[other.local_type].label.lower()} (#{other.local_id}).",
                "Rename one of them (or change the name format in Company Settings → QuickBooks) so they differ.",
                "6240")
        return None

    def _adopt_duplicate_name(self, record, local_type, qtype, body, exc: DuplicateName) -> dict:
        name = body.get("DisplayName", "")
        for other_type in NAME_SHARERS:
            rows = self.client.query(
                f"SELECT * FROM {other_type} WHERE DisplayName = {quote(name)} AND Active IN (true, false)")
            if not rows:
                continue
            row = rows[0]
            if other_type == qtype and links.find_remote(self.company_id, self.realm, qtype, row["Id"]) is None \
                    and row.get("Active", True):
                link = self._link(record, local_type, qtype, row, "")
                return self._update(record, qtype, body, link)
            kind = "inactive " + other_type.lower() if not row.get("Active", True) else other_type.lower()
            raise PushProblem(f"The name “{name}” is already used by a QuickBooks {kind} (Id {row['Id']}).",
                              exc.hint, "6240")
        raise exc

    @staticmethod
    def _same(qtype: str, obj: dict, body: dict) -> bool:
        return all(obj.get(k) == v for k, v in body.items() if not isinstance(v, (dict, list)))

    def _link(self, record, local_type, qtype, obj: dict, digest: str):
        return links.save(self.company_id, self.realm, "online", local_type, record.id, qtype, obj["Id"],
                          obj.get("SyncToken", "0"), parse_time(obj.get("MetaData", {}).get("LastUpdatedTime")),
                          digest)


__all__ = ["OnlinePusher", "PushProblem", "Outcome", "QBOError"]
