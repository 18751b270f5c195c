"""The per-record QuickBooks section (status, QuickBooks id, last sync, Sync, View log), rendered into
the record pages through the template slots of webapp.templating."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, render_template
from flask_login import current_user
from markupsafe import Markup

from webapp.models import LinkState, RunStatus
from webapp.quickbooks import settings as qb_settings
from webapp.sync import links, rules, runs


@dataclass
class PanelState:
    status: str      # not_synced | queued | running | paused | synced | failed | changed | deleted_in_quickbooks
    label: str
    badge: str


STATES = {
    "not_synced": ("Not synced", "badge-idle"), "queued": ("Queued", "badge-info"),
    "running": ("Syncing…", "badge-info"), "paused": ("Paused", "badge-warn"), "synced": ("Synced", "badge-ok"),
    "failed": ("Failed", "badge-bad"), "changed": ("Changed since last sync", "badge-warn"),
    "deleted_in_quickbooks": ("Deleted in QuickBooks", "badge-bad"),
}


def state_of(record, link, run) -> PanelState:
    if run is not None and not run.status.finished:
        key = run.status.value
    elif run is not None and run.status in (RunStatus.failed, RunStatus.partial) and \
            (link is None or (link.last_synced_at or run.created_at) <= run.created_at):
        key = "failed"
    elif link is None:
        key = "not_synced"
    elif link.state == LinkState.deleted_in_quickbooks:
        key = "deleted_in_quickbooks"
    elif link.last_synced_at and record.updated_at > link.last_synced_at:
        key = "changed"
    else:
        key = "synced"
    label, badge = STATES[key]
    return PanelState(key, label, badge)


def panel_context(record, target_type: str | None = None) -> dict | None:
    if not current_user.is_authenticated or not current_user.company.quickbooks_allowed:
        return None
    local_type = rules.MODEL_TYPES.get(type(record))
    if local_type is None:
        return None
    settings = qb_settings.for_company(record.company_id, create=False)
    _backend, realm = qb_settings.backend_and_realm(settings) if settings else ("online", "")
    link = links.find(record.company_id, realm, local_type, record.id) if realm else None
    target_type = target_type or local_type
    run = runs.latest_for(record.company_id, target_type, record.id)
    return {"record": record, "local_type": local_type, "target_type": target_type, "link": link, "run": run,
            "state": state_of(record, link, run), "settings": settings,
            "refusal": rules.refusal(settings, record) if settings and target_type != "job" else None,
            "rule": rules.RULES[local_type]}


def quickbooks_panel(record) -> Markup:
    context = panel_context(record)
    if context is None:
        return Markup("")
    return Markup(render_template("quickbooks/_panel.html", **context))


def quickbooks_project_actions(project) -> Markup:
    context = panel_context(project, target_type="job")
    if context is None:
        return Markup("")
    return Markup(render_template("quickbooks/_sync_job.html", **context))


def company_alerts() -> list[dict]:
    """Connection health for the company admins: a lost QuickBooks connection shows on every page."""
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.models import ConnectionStatus, QuickBooksConnection

    if not current_user.is_authenticated or not current_user.can_manage_settings:
        return []
    settings = qb_settings.for_company(current_user.company_id, create=False)
    if settings is None or settings.connection_id is None:
        return []
    connection = db.session.scalar(select(QuickBooksConnection).where(QuickBooksConnection.id == settings.connection_id))
    if connection is not None and connection.status == ConnectionStatus.needs_reconnect:
        return [{"message": f"QuickBooks company {connection.label} needs to be reconnected: "
                            f"{connection.status_detail} Syncs wait until then.", "reconnect": True}]
    return []


def quickbooks_connections():
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.models import ConnectionStatus, QuickBooksConnection

    return db.session.scalars(select(QuickBooksConnection).where(
        QuickBooksConnection.user_id == current_user.id,
        QuickBooksConnection.status != ConnectionStatus.disconnected).order_by(QuickBooksConnection.id)).all()


def init_app(app: Flask) -> None:
    app.jinja_env.globals["quickbooks_alerts"] = company_alerts
    app.jinja_env.globals["quickbooks_connections"] = quickbooks_connections
    app.jinja_env.globals["quickbooks_panel"] = quickbooks_panel
    app.jinja_env.globals["quickbooks_project_actions"] = quickbooks_project_actions
