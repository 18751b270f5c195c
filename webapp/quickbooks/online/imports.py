"""Bulk imports of the QuickBooks name lists (accounts, invoice items, classes, terms, sales tax codes).

The spec: update the records already linked or matched by name, add the new ones, never duplicate,
and finish with a summary. Built for 10,000-row lists: the total comes from COUNT(*) first (the
progress bar), QuickBooks is read 1000 rows a page, the links and names of the whole list are loaded
once, unchanged rows (same SyncToken as the link and nothing edited here since) cost no database work
at all, and additions are written in one INSERT per page. So importing again when nothing changed
costs only the reading.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select, update

from webapp.extensions import db
from webapp.models import FinancialAccount, Link, LinkState
from webapp.models.base import utcnow
from webapp.quickbooks.online.inbound import KINDS, Inbound, Kind, Skip, differences
from webapp.quickbooks.online.push import parse_time

# Name lists answer active records only unless asked; inactive ones matter (their links get marked).
EVERY_RECORD = "Active IN (true, false)"
PAGE_SIZE = 1000
UPDATE_LINES = 25
PENDING = -1  # a name being added by this very import


@dataclass(frozen=True)
class ListImport:
    key: str      # the lists page key (webapp.views.lists NAME_LISTS) and the run's target
    qtype: str
    title: str

    @property
    def target_type(self) -> str:
        return f"import:{self.key}"

    @property
    def kind(self) -> Kind:
        return KINDS[self.qtype]


LISTS = {spec.key: spec for spec in [
    ListImport("accounts", "Account", "financial accounts"),
    ListImport("items", "Item", "invoice items"),
    ListImport("classes", "Class", "classes"),
    ListImport("terms", "Term", "terms"),
    ListImport("tax_codes", "TaxCode", "sales tax codes"),
]}


@dataclass
class LinkRow:
    id: int | None
    local_id: int
    version: str
    state: LinkState
    last_synced_at: object


class LocalList:
    """The whole local list and its links, loaded once per import."""

    def __init__(self, ctx: Inbound, kind: Kind):
        model = kind.model
        self.links = {qid: LinkRow(lid, local_id, version, state, synced) for lid, local_id, qid, version, state, synced in
                      db.session.execute(select(Link.id, Link.local_id, Link.quickbooks_id, Link.version, Link.state,
                                                Link.last_synced_at).where(
                          Link.company_id == ctx.company_id, Link.realm == ctx.realm, Link.quickbooks_type == kind.qtype,
                          Link.local_type == kind.local_type))}
        self.updated_at = {}
        self.by_name = {}
        for local_id, name, updated_at in db.session.execute(
                select(model.id, model.name, model.updated_at).where(model.company_id == ctx.company_id)):
            self.updated_at[local_id] = updated_at
            self.by_name[name.lower()] = local_id
        self.linked_ids = {row.local_id for row in self.links.values()}
        self._accounts: dict[int, FinancialAccount] | None = None

    def accounts(self, ctx: Inbound) -> dict[int, FinancialAccount]:
        """The company's accounts by id (items point at their income account), loaded once."""
        if self._accounts is None:
            self._accounts = {a.id: a for a in db.session.scalars(select(FinancialAccount).where(
                FinancialAccount.company_id == ctx.company_id))}
        return self._accounts

    def in_step(self, link: LinkRow, obj: dict) -> bool:
        """Nothing changed on either side since the last sync: no work at all."""
        updated_at = self.updated_at.get(link.local_id)
        return (link.state == LinkState.linked and link.version == str(obj.get("SyncToken"))
                and updated_at is not None and link.last_synced_at is not None and updated_at <= link.last_synced_at)


def import_list(ctx: Inbound, key: str, *, progress: bool = True) -> None:
    spec = LISTS[key]
    run = ctx.run
    if progress:
        run.progress_total, run.progress_done = ctx.client.count(spec.qtype, EVERY_RECORD), 0
        db.session.commit()
    if spec.qtype == "Item":
        ctx.preload("Account", "financial_account")  # income accounts of every item, without a query each
    local = LocalList(ctx, spec.kind)
    for page in ctx.client.query_all(spec.qtype, f"{EVERY_RECORD} ORDERBY Id", page_size=PAGE_SIZE):
        _import_page(ctx, spec.kind, local, page)
        if progress:
            run.progress_done = min(run.progress_done + len(page), max(run.progress_total, len(page)))
        run.counts = ctx.summary()
        db.session.commit()


def _import_page(ctx: Inbound, kind: Kind, local: LocalList, page: list[dict]) -> None:
    compare: list[tuple[dict, dict, int, LinkRow | None]] = []
    adds: list[tuple[dict, dict]] = []
    marks: list[dict] = []
    for obj in page:
        qid = str(obj["Id"])
        link = local.links.get(qid)
        label = f"{kind.label} “{obj.get('Name') or obj.get('DisplayName')}”"
        if link is not None and link.local_id not in local.updated_at:
            ctx.skipped(label, "its Contractors Cloud record was deleted", local_type=kind.local_type)
            continue
        if not obj.get("Active", True):
            if link is not None and link.state == LinkState.linked:
                marks.append({"id": link.id, "state": LinkState.deleted_in_quickbooks})
                link.state = LinkState.deleted_in_quickbooks
                ctx.counts["deleted_in_quickbooks"] += 1
                ctx.note(f"{label} was made inactive in QuickBooks; its link is marked deleted in QuickBooks "
                         f"(nothing deleted here).", level="warning", local_type=kind.local_type)
            else:
                ctx.skipped(label, "inactive in QuickBooks", local_type=kind.local_type)
            continue
        if link is not None and local.in_step(link, obj):
            ctx.counts["unchanged"] += 1
            continue
        try:
            values = kind.fields(obj, ctx)
        except Skip as exc:
            ctx.skipped(label, str(exc), local_type=kind.local_type)
            continue
        if link is not None:
            compare.append((obj, values, link.local_id, link))
            continue
        local_id = local.by_name.get(values["name"].lower())
        if local_id == PENDING:
            ctx.skipped(label, f"another QuickBooks {kind.label.lower()} in this import has the same name",
                        local_type=kind.local_type)
        elif local_id is not None and local_id in local.linked_ids:
            ctx.skipped(label, f"the name is already used by a Contractors Cloud {kind.label.lower()} linked to "
                               f"another QuickBooks record", local_type=kind.local_type)
        elif local_id is not None:
            local.linked_ids.add(local_id)
            compare.append((obj, values, local_id, None))  # matched by name: linked from now on
        else:
            local.by_name[values["name"].lower()] = PENDING
            adds.append((obj, values))
    if marks:
        db.session.execute(update(Link), marks)
    if compare:
        _update_existing(ctx, kind, local, compare)
    if adds:
        _add_new(ctx, kind, local, adds)


def _update_existing(ctx: Inbound, kind: Kind, local: LocalList, compare: list) -> None:
    model = kind.model
    records = {r.id: r for r in db.session.scalars(select(model).where(model.id.in_([c[2] for c in compare])))}
    now = utcnow()
    new_links, link_updates, updated_ids = [], [], []
    for obj, values, local_id, link in compare:
        record = records[local_id]
        changes = differences(record, values, ctx.settings)
        if changes:
            # An import is the admin asking for QuickBooks' version: it wins over local edits.
            for name, (_old, new) in changes.items():
                setattr(record, name, new)
            record.updated_at = now
            ctx.counts["updated"] += 1
            if ctx.counts["updated"] <= UPDATE_LINES:
                ctx.note(f"{kind.label} “{record.name}”: updated from QuickBooks "
                         f"({', '.join(f'{k}: “{o}” → “{n}”' for k, (o, n) in changes.items())}).", record=record)
        else:
            ctx.counts["unchanged"] += 1
        local.updated_at[local_id] = now
        row = _link_values(ctx, kind, obj, local_id, now)
        if link is None:
            new_links.append(row)
        else:
            link_updates.append({"id": link.id, **{k: row[k] for k in ("version", "quickbooks_updated_at",
                                                                       "last_synced_at", "state")}})
            updated_ids.append(local_id)
            link.version, link.state, link.last_synced_at = row["version"], LinkState.linked, now
    db.session.flush()
    # Hashes after the flush: what each record maps to now, so the next push sends nothing.
    for row in new_links:
        row["pushed_hash"] = ctx.push_hash(records[row["local_id"]])
    for row, local_id in zip(link_updates, updated_ids):
        row["pushed_hash"] = ctx.push_hash(records[local_id])
    if link_updates:
        db.session.execute(update(Link), link_updates)
    _insert_links(local, new_links)


def _add_new(ctx: Inbound, kind: Kind, local: LocalList, adds: list) -> None:
    model = kind.model
    now = utcnow()
    rows = [dict(values, company_id=ctx.company_id, active=True, created_at=now, updated_at=now)
            for _obj, values in adds]
    if kind.qtype == "Item":
        for row in rows:
            row.setdefault("income_account_id", None)
    # A plain executemany (batched on every backend; RETURNING in parameter order is not, on SQLite),
    # then the new ids by name: names are unique per company.
    db.session.execute(insert(model), rows)
    names = [row["name"] for row in rows]
    id_by_name = dict(db.session.execute(select(model.name, model.id).where(
        model.company_id == ctx.company_id, model.name.in_(names))).all())
    accounts = local.accounts(ctx) if kind.qtype == "Item" else {}
    new_links = []
    ids = [id_by_name[name] for name in names]
    for (obj, values), row, local_id in zip(adds, rows, ids):
        transient = model(**{k: v for k, v in row.items() if k not in ("created_at", "updated_at")})
        transient.id = local_id
        if kind.qtype == "Item":
            transient.income_account = accounts.get(row["income_account_id"])
        link_row = _link_values(ctx, kind, obj, local_id, now)
        link_row["pushed_hash"] = ctx.push_hash(transient)
        new_links.append(link_row)
        local.by_name[values["name"].lower()] = local_id
        local.updated_at[local_id] = now
        local.linked_ids.add(local_id)
    ctx.counts["added"] += len(ids)
    _insert_links(local, new_links)


def _link_values(ctx: Inbound, kind: Kind, obj: dict, local_id: int, now) -> dict:
    return {"company_id": ctx.company_id, "realm": ctx.realm, "backend": "online", "local_type": kind.local_type,
            "local_id": local_id, "quickbooks_type": kind.qtype, "quickbooks_id": str(obj["Id"]),
            "version": str(obj.get("SyncToken", "0")),
            "quickbooks_updated_at": parse_time((obj.get("MetaData") or {}).get("LastUpdatedTime")),
            "pushed_hash": "", "last_synced_at": now, "state": LinkState.linked, "created_at": now, "updated_at": now}


def _insert_links(local: LocalList, rows: list[dict]) -> None:
    if not rows:
        return
    db.session.execute(insert(Link), rows)
    for row in rows:
        # A QuickBooks object comes once per import: its new link's own id is never needed again here.
        local.links[row["quickbooks_id"]] = LinkRow(None, row["local_id"], row["version"], LinkState.linked,
                                                    row["last_synced_at"])


__all__ = ["LISTS", "ListImport", "import_list"]
