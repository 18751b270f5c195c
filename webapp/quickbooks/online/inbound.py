"""Changes coming from QuickBooks Online, applied to the local records (the spec's inbound rules).

One QuickBooks object at a time (webhooks, CDC, bill import) goes through `Inbound.apply`:
- the object's link decides which local record it is; a name-list object nobody linked yet is added
  only where the spec says the entity flows in (classes, items, terms, vendors, jobs of connected
  customers), after looking for an unlinked local record of the same name so nothing is duplicated;
- accounts and sales tax codes are 1-way imports: QuickBooks always wins; the 2-way entities follow
  "updated last wins" (QuickBooks' LastUpdatedTime against the local updated_at), and the losing side
  is written to the log; customers take only their non-contact fields;
- a record deleted or made inactive in QuickBooks is never deleted here: its link is marked
  "deleted in QuickBooks" and the record's panel offers Re-create / Unlink;
- after a write the link remembers the QuickBooks version and the hash of what the local record now
  maps to, so the next push finds it unchanged and never sends the same values back (no ping-pong).
Writes go straight through the session: the domain signals (Automatic sync) are for edits people make.
"""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import Callable

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import AccountType, ItemType, JobNameFormat, Link, LinkState, Project, QuickBooksSettings, SyncRun
from webapp.models.base import utcnow
from webapp.quickbooks.online import mapping, payments_in
from webapp.quickbooks.online.client import QBOClient
from webapp.quickbooks.online.push import body_hash, parse_time
from webapp.sync import links, rules, runs

log = logging.getLogger(__name__)

# How many individual "skipped" lines one run writes before it only counts them (a large import can
# skip thousands for the same reason; the summary carries the totals by reason).
SKIP_LINES = 25


class InboundClient(QBOClient):
    """The QBO client plus the two answers inbound needs whole: COUNT(*) and CDC with QuickBooks' own
    response time (the high-water mark must be QuickBooks' clock, not ours)."""

    def count(self, entity: str, where: str = "") -> int:
        clause = f" WHERE {where}" if where else ""
        return int(self._call(self.qb.query, f"SELECT COUNT(*) FROM {entity}{clause}")["QueryResponse"]
                   .get("totalCount", 0))

    def query_with_time(self, statement: str) -> tuple[list[dict], datetime | None]:
        result = self._call(self.qb.query, statement)
        entity = statement.split(" FROM ", 1)[1].split()[0]
        return result["QueryResponse"].get(entity, []), parse_time(result.get("time"))

    def changes(self, entities: list[str], since: datetime) -> tuple[dict[str, list[dict]], datetime | None]:
        result = self._call(self.qb.change_data_capture, ",".join(entities), since.isoformat())
        found: dict[str, list[dict]] = {}
        for block in result.get("CDCResponse", []):
            for response in block.get("QueryResponse", []):
                for key, value in response.items():
                    if isinstance(value, list):
                        found.setdefault(key, []).extend(value)
        return found, parse_time(result.get("time"))


class Skip(Exception):
    """This QuickBooks object is not taken; the message is the reason shown in the log."""


class Unlinked(Exception):
    """A reference of the local record has no QuickBooks link (so no push hash can be computed)."""


# ---- QuickBooks object -> local field values -----------------------------------------------------

def _text(value, limit: int) -> str:
    return str(value or "").strip()[:limit]


def _address(obj: dict, key: str) -> dict:
    addr = obj.get(key) or {}
    return {"street": _text(addr.get("Line1"), 200), "city": _text(addr.get("City"), 80),
            "state": _text(addr.get("CountrySubDivisionCode"), 40), "postal_code": _text(addr.get("PostalCode"), 20)}


def account_fields(obj: dict, ctx: "Inbound") -> dict:
    try:
        account_type = AccountType(obj.get("AccountType"))
    except ValueError:
        raise Skip(f"account type “{obj.get('AccountType')}” is not used in Contractors Cloud") from None
    return {"name": _text(obj.get("Name"), 100), "number": _text(obj.get("AcctNum"), 20),
            "account_type": account_type, "subtype": _text(obj.get("AccountSubType"), 60),
            "description": _text(obj.get("Description"), 255)}


ITEM_TYPES = {"Service": ItemType.service, "NonInventory": ItemType.non_inventory}


def item_fields(obj: dict, ctx: "Inbound") -> dict:
    item_type = ITEM_TYPES.get(obj.get("Type"))
    if item_type is None:
        raise Skip(f"{obj.get('Type')} items are not used on Contractors Cloud invoices "
                   f"(only Service and Non-inventory items)")
    values = {"name": _text(obj.get("Name"), 100), "description": _text(obj.get("Description"), 4000),
              "rate": Decimal(str(obj.get("UnitPrice") or 0)).quantize(Decimal("0.01")), "item_type": item_type}
    income = (obj.get("IncomeAccountRef") or {}).get("value")
    account_id = ctx.local_id("Account", income) if income else None
    if account_id is not None or not income:
        # An income account not imported yet leaves the local choice alone rather than clearing it.
        values["income_account_id"] = account_id
    return values


def class_fields(obj: dict, ctx: "Inbound") -> dict:
    return {"name": _text(obj.get("Name"), 100)}


def term_fields(obj: dict, ctx: "Inbound") -> dict:
    return {"name": _text(obj.get("Name"), 31), "due_days": int(obj.get("DueDays") or 0)}


def tax_code_fields(obj: dict, ctx: "Inbound") -> dict:
    return {"name": _text(obj.get("Name"), 40), "description": _text(obj.get("Description"), 255),
            "taxable": bool(obj.get("Taxable", True))}


def vendor_fields(obj: dict, ctx: "Inbound") -> dict:
    contact = " ".join(p for p in (_text(obj.get("GivenName"), 60), _text(obj.get("FamilyName"), 60)) if p)
    return {"name": _text(obj.get("DisplayName"), 100), "contact_name": contact[:120],
            "email": _text((obj.get("PrimaryEmailAddr") or {}).get("Address"), 255),
            "phone": _text((obj.get("PrimaryPhone") or {}).get("FreeFormNumber"), 40),
            "is_1099": bool(obj.get("Vendor1099", False)), **_address(obj, "BillAddr")}


def customer_fields(obj: dict, ctx: "Inbound") -> dict:
    """The spec: contact data (first, last, email, phone) is a 1-way push, so QuickBooks never sets it."""
    return {"company_name": _text(obj.get("CompanyName"), 120), **_address(obj, "BillAddr")}


def job_fields(obj: dict, ctx: "Inbound") -> dict:
    """The job's QuickBooks name read back through the company's Customer Job Format."""
    name = _text(obj.get("DisplayName"), 300)
    fmt = ctx.settings.job_name_format
    if fmt == JobNameFormat.number:
        return {"number": name[:30]}
    if fmt == JobNameFormat.address:
        return {"address": name[:200]}
    if fmt == JobNameFormat.address_number:
        address, _, number = name.rpartition(" - ")
    else:
        number, _, address = name.partition(" - ")
    return {"number": number.strip()[:30], "address": address.strip()[:200]}


@dataclass(frozen=True)
class Kind:
    qtype: str
    local_type: str
    fields: Callable[[dict, "Inbound"], dict]
    # A QuickBooks object nobody linked yet is added here (after a match by name).
    adds: bool

    @property
    def model(self) -> type:
        return rules.RULES[self.local_type].model

    @property
    def label(self) -> str:
        return rules.RULES[self.local_type].label


KINDS = {k.qtype: k for k in [
    Kind("Account", "financial_account", account_fields, adds=False),  # new ones come with an import
    Kind("Item", "invoice_item", item_fields, adds=True),
    Kind("Class", "tracking_class", class_fields, adds=True),
    Kind("Term", "term", term_fields, adds=True),
    Kind("TaxCode", "sales_tax_code", tax_code_fields, adds=False),   # new ones come with an import
    Kind("Vendor", "vendor", vendor_fields, adds=True),
]}
JOB = Kind("Customer", "project", job_fields, adds=True)           # only under a connected customer
CUSTOMER = Kind("Customer", "customer", customer_fields, adds=False)  # spec: QBO-created are not imported


def kind_for(qtype: str, obj: dict) -> Kind | None:
    if qtype == "Customer":
        return JOB if obj.get("Job") else CUSTOMER
    return KINDS.get(qtype)


# ---- applying ----------------------------------------------------------------------------------

class Inbound:
    """The inbound side of one run: settings, client, counts, and caches of links."""

    def __init__(self, run: SyncRun, settings: QuickBooksSettings, client: QBOClient):
        self.run, self.settings, self.client = run, settings, client
        self.company_id, self.realm = settings.company_id, settings.realm_id
        self.counts: Counter = Counter()
        self.skip_reasons: Counter = Counter()
        self._local_ids: dict[tuple[str, str], int | None] = {}
        self._remote_ids: dict[tuple[str, int], str | None] = {}
        self._skip_lines = 0

    # -- links, cached for bulk work ----------------------------------------------------------------
    def preload(self, qtype: str, local_type: str) -> None:
        rows = db.session.execute(select(Link.quickbooks_id, Link.local_id).where(
            Link.company_id == self.company_id, Link.realm == self.realm, Link.quickbooks_type == qtype,
            Link.local_type == local_type, Link.state == LinkState.linked)).all()
        for quickbooks_id, local_id in rows:
            self._local_ids[(qtype, quickbooks_id)] = local_id
            self._remote_ids[(local_type, local_id)] = quickbooks_id

    def local_id(self, qtype: str, quickbooks_id: str) -> int | None:
        key = (qtype, str(quickbooks_id))
        if key not in self._local_ids:
            link = links.find_remote(self.company_id, self.realm, qtype, str(quickbooks_id))
            self._local_ids[key] = link.local_id if link is not None and link.state == LinkState.linked else None
        return self._local_ids[key]

    def ref(self, record) -> dict:
        """refs() for mapping.body_for from links only (no QuickBooks call): the push hash."""
        if record is None:
            raise Unlinked()
        local_type = rules.local_type_of(record)
        key = (local_type, record.id)
        if key not in self._remote_ids:
            link = links.find(self.company_id, self.realm, local_type, record.id)
            self._remote_ids[key] = link.quickbooks_id if link is not None and link.state == LinkState.linked \
                else None
        if self._remote_ids[key] is None:
            raise Unlinked()
        return {"value": self._remote_ids[key]}

    def push_hash(self, record) -> str:
        """The hash the push engine will compute for this record: equal means "unchanged, not sent"."""
        local_type = rules.local_type_of(record)
        if not rules.pushable(local_type):
            return ""
        try:
            return body_hash(mapping.BUILDERS[local_type](record, self.settings, self.ref))
        except Unlinked:
            return ""

    # -- log -----------------------------------------------------------------------------------------
    def note(self, message: str, *, level: str = "info", record=None, local_type: str = "",
             detail: dict | None = None) -> None:
        runs.event(self.run, message, level=level, entity_type=local_type or (
            rules.local_type_of(record) if record is not None else ""),
                   entity_id=record.id if record is not None else None, detail=detail, commit=False)

    def skipped(self, label: str, reason: str, *, local_type: str = "") -> str:
        self.counts["skipped"] += 1
        self.skip_reasons[reason] += 1
        self._skip_lines += 1
        if self._skip_lines <= SKIP_LINES:
            self.note(f"{label}: skipped, {reason}.", level="warning", local_type=local_type)
        return "skipped"

    def summary(self) -> dict:
        counts = {k: self.counts.get(k, 0) for k in ("added", "updated", "unchanged", "skipped")}
        counts.update({k: v for k, v in self.counts.items() if k not in counts})
        if self.skip_reasons:
            counts["skipped_reasons"] = dict(self.skip_reasons.most_common())
        return counts

    # -- one object ----------------------------------------------------------------------------------
    def apply(self, qtype: str, obj: dict, *, add: bool | None = None) -> str:
        """`add`: force (True) or forbid (False) adding an object nobody linked; None: the spec's rule."""
        if obj.get("status") == "Deleted":
            return self.deleted(qtype, str(obj["Id"]))
        if qtype == "Payment":
            return payments_in.apply(self, obj)
        kind = kind_for(qtype, obj)
        if kind is None:
            return "ignored"
        link = links.find_remote(self.company_id, self.realm, qtype, str(obj["Id"]))
        if link is not None and link.local_type != kind.local_type:
            return "ignored"  # e.g. a 1099 user pushed as a QuickBooks Vendor: users are pushed only
        record = db.session.get(kind.model, link.local_id) if link is not None else None
        if link is not None and record is None:
            return "ignored"  # deleted here; the deletion reminder tells the admin
        if not obj.get("Active", True):
            return self._inactive(kind, link, record, obj)
        if link is not None and link.state == LinkState.deleted_in_quickbooks:
            link.state = LinkState.linked
            self.note(f"{kind.label} {_quoted(record)}: active again in QuickBooks; linked again.", record=record)
        elif link is not None and link.version == str(obj.get("SyncToken")):
            self.counts["unchanged"] += 1
            return "unchanged"
        try:
            values = kind.fields(obj, self)
            if record is None:
                if not (add if add is not None else self._may_add(kind, obj)):
                    return "ignored"
                record = self._match(kind, obj, values)
                if record is None:
                    return self._add(kind, obj, values)
        except Skip as exc:
            return self.skipped(f"{kind.label} “{_name_of(obj)}” (QuickBooks Id {obj['Id']})", str(exc),
                                local_type=kind.local_type)
        return self._update(kind, record, link, obj, values)

    def _may_add(self, kind: Kind, obj: dict) -> bool:
        if kind is JOB:  # the spec: jobs sync both ways once their customer is connected
            parent = (obj.get("ParentRef") or {}).get("value")
            link = links.find_remote(self.company_id, self.realm, "Customer", str(parent)) if parent else None
            return link is not None and link.local_type == "customer" and link.state == LinkState.linked
        return kind.adds

    def _match(self, kind: Kind, obj: dict, values: dict):
        """An unlinked local record that is the same thing (so the import never duplicates it)."""
        model = kind.model
        if kind is JOB:
            customer_id = self.local_id("Customer", obj["ParentRef"]["value"])
            wanted = _text(obj.get("DisplayName"), 300).casefold()
            candidates = db.session.scalars(select(Project).where(Project.company_id == self.company_id,
                                                                  Project.customer_id == customer_id)).all()
            found = next((p for p in candidates if rules.job_name(p, self.settings).casefold() == wanted), None)
            if found is None and values.get("number"):
                found = db.session.scalar(select(Project).where(
                    Project.company_id == self.company_id, func.lower(Project.number) == values["number"].lower()))
                if found is not None and found.customer_id != customer_id:
                    raise Skip(f"project number {found.number} is used by another customer's project")
        else:
            found = db.session.scalar(select(model).where(model.company_id == self.company_id,
                                                          func.lower(model.name) == values["name"].lower()))
        if found is not None:
            other = links.find(self.company_id, self.realm, kind.local_type, found.id)
            if other is not None:
                raise Skip(f"the name is already used by a Contractors Cloud {kind.label.lower()} linked to "
                           f"QuickBooks Id {other.quickbooks_id}")
        return found

    def _add(self, kind: Kind, obj: dict, values: dict) -> str:
        values = dict(values)
        if kind is JOB:
            values["customer_id"] = self.local_id("Customer", obj["ParentRef"]["value"])
            values["number"] = values.get("number") or f"QB-{obj['Id']}"
        record = kind.model(company_id=self.company_id, **values)
        db.session.add(record)
        db.session.flush()
        self._link(kind, record, obj)
        self.counts["added"] += 1
        self.note(f"{kind.label} {_quoted(record)}: added from QuickBooks (QuickBooks Id {obj['Id']}).",
                  record=record)
        return "added"

    def _update(self, kind: Kind, record, link: Link | None, obj: dict, values: dict) -> str:
        changes = differences(record, values, self.settings)
        # Local edits not sent yet (some may be fields QuickBooks never sets, like customer contact data):
        # then the push hash must stay as it was, or the next push would think them already sent.
        in_step = link is None or (link.last_synced_at is not None and record.updated_at <= link.last_synced_at)
        if not changes:
            self._link(kind, record, obj, in_step)
            self.counts["unchanged"] += 1
            return "unchanged"
        qbo_time = parse_time((obj.get("MetaData") or {}).get("LastUpdatedTime"))
        if not in_step and not self._quickbooks_wins(kind, record, qbo_time):
            return self._local_wins(kind, record, changes, qbo_time)
        for name, (_old, new) in changes.items():
            setattr(record, name, new)
        record.updated_at = utcnow()
        db.session.flush()
        self._link(kind, record, obj, in_step)
        self.counts["updated"] += 1
        if in_step:
            self.note(f"{kind.label} {_quoted(record)}: updated from QuickBooks ({_describe(changes)}).",
                      record=record, detail={"changes": _jsonable(changes)})
        else:
            lost = ", ".join(f"{name} “{old}”" for name, (old, _new) in changes.items())
            self.note(f"{kind.label} {_quoted(record)}: changed in both places; QuickBooks' version (updated "
                      f"{_utc(qbo_time)}) is newer than the Contractors Cloud one and is taken "
                      f"({_describe(changes)}). Contractors Cloud values lost: {lost}.", level="warning",
                      record=record, detail={"changes": _jsonable(changes), "lost": "contractors_cloud"})
        return "updated"

    def _quickbooks_wins(self, kind: Kind, record, qbo_time: datetime | None) -> bool:
        """Both sides changed since the last sync: "updated last wins" (1-way imports: QuickBooks)."""
        if rules.RULES[kind.local_type].direction == rules.IMPORT:
            return True
        return qbo_time is not None and qbo_time > record.updated_at

    def _local_wins(self, kind: Kind, record, changes: dict, qbo_time: datetime | None) -> str:
        """Ours is newer: keep it, log what QuickBooks had, and send ours so both sides agree again."""
        self.counts["kept_local"] += 1
        lost = ", ".join(f"{name} “{new}”" for name, (_old, new) in changes.items())
        self.note(f"{kind.label} {_quoted(record)}: changed in both places; the Contractors Cloud version "
                  f"(updated {_utc(record.updated_at)}) is newer than QuickBooks' ({_utc(qbo_time)}) and is kept. "
                  f"QuickBooks' values lost: {lost}.", level="warning", record=record,
                  detail={"lost": _jsonable(changes), "hint": "The Contractors Cloud version is sent to QuickBooks."})
        if rules.pushable(kind.local_type) and rules.refusal(self.settings, record) is None:
            runs.start(self.company_id, "push", kind.local_type, record.id, f"{kind.label} {_plain(record)}",
                       options={"trigger": "conflict"})
        return "kept_local"

    def _link(self, kind: Kind, record, obj: dict, in_step: bool = True) -> Link:
        existing = links.find(self.company_id, self.realm, kind.local_type, record.id)
        synced_at = existing.last_synced_at if existing is not None else None
        link = links.save(self.company_id, self.realm, "online", kind.local_type, record.id, kind.qtype,
                          str(obj["Id"]), str(obj.get("SyncToken", "0")),
                          parse_time((obj.get("MetaData") or {}).get("LastUpdatedTime")),
                          self.push_hash(record) if in_step else "")
        # Written from QuickBooks and nothing else pending: in step, not "changed since the last sync".
        link.last_synced_at = max(utcnow(), record.updated_at) if in_step else synced_at
        self._local_ids[(kind.qtype, str(obj["Id"]))] = record.id
        self._remote_ids[(kind.local_type, record.id)] = str(obj["Id"])
        return link

    # -- deleted / inactive -------------------------------------------------------------------------
    def _inactive(self, kind: Kind, link: Link | None, record, obj: dict) -> str:
        if link is None or link.state == LinkState.deleted_in_quickbooks:
            self.counts["unchanged"] += 1
            return "unchanged"
        return self._mark_deleted(link, record, "made inactive")

    def deleted(self, qtype: str, quickbooks_id: str) -> str:
        link = links.find_remote(self.company_id, self.realm, qtype, quickbooks_id)
        if link is None or link.state == LinkState.deleted_in_quickbooks:
            return "ignored"
        record = db.session.get(rules.RULES[link.local_type].model, link.local_id)
        return self._mark_deleted(link, record, "deleted")

    def _mark_deleted(self, link: Link, record, what: str) -> str:
        link.state = LinkState.deleted_in_quickbooks
        self.counts["deleted_in_quickbooks"] += 1
        label = rules.RULES[link.local_type].label
        self.note(f"{label} {_quoted(record)} was {what} in QuickBooks (Id {link.quickbooks_id}). Nothing was "
                  f"deleted here.", level="warning", record=record, local_type=link.local_type,
                  detail={"hint": "Open it and choose Re-create in QuickBooks or Unlink."})
        return "deleted_in_quickbooks"


def differences(record, values: dict, settings: QuickBooksSettings) -> dict[str, tuple]:
    """{field: (local, QuickBooks)} for the fields QuickBooks would change."""
    changes = {}
    for name, new in values.items():
        old = getattr(record, name)
        if isinstance(old, str) and isinstance(new, str):
            same = old.strip() == new.strip() or (settings.capitalize and old.strip().upper() == new.strip())
        elif isinstance(old, Decimal) or isinstance(new, Decimal):
            same = Decimal(old or 0) == Decimal(new or 0)
        else:
            same = old == new
        if not same:
            changes[name] = (old, new)
    return changes


def _name_of(obj: dict) -> str:
    return obj.get("DisplayName") or obj.get("Name") or obj.get("DocNumber") or f"#{obj.get('Id')}"


def _plain(record) -> str:
    for attr in ("display_name", "title", "name", "number", "reference"):
        value = getattr(record, attr, None)
        if value:
            return str(value)
    return f"#{record.id}" if record is not None else ""


def _quoted(record) -> str:
    return f"“{_plain(record)}”" if record is not None else ""


def _utc(when: datetime | None) -> str:
    return f"{when.astimezone(timezone.utc):%Y-%m-%d %H:%M:%S} UTC" if when else "unknown time"


def _describe(changes: dict) -> str:
    return ", ".join(f"{name}: “{old}” → “{new}”" for name, (old, new) in changes.items())


def _jsonable(changes: dict) -> dict:
    def plain(value):
        if isinstance(value, (str, int, float, bool)) or value is None:
            return value
        return getattr(value, "value", None) or str(value)
    return {name: [plain(old), plain(new)] for name, (old, new) in changes.items()}


__all__ = ["Inbound", "InboundClient", "KINDS", "Skip", "kind_for", "differences"]
