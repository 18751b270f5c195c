"""The inbound template slots: "Import from QuickBooks" on the list pages and "Import bills from
QuickBooks" on a project's Job Costs tab (see webapp.templating.QUICKBOOKS_SLOTS)."""
from __future__ import annotations

from flask import Flask, render_template
from flask_login import current_user
from markupsafe import Markup

from webapp.models import QuickBooksType, SyncRun
from webapp.quickbooks import settings as qb_settings
from webapp.quickbooks.online import bill_import, imports
from webapp.sync import runs


def online_settings():
    """The company's settings when it is connected to a QuickBooks Online company, else None."""
    if not current_user.is_authenticated or not current_user.company.quickbooks_allowed:
        return None
    settings = qb_settings.for_company(current_user.company_id, create=False)
    if settings is None or settings.quickbooks_type != QuickBooksType.online or not settings.realm_id:
        return None
    return settings


def list_import_context(key: str) -> dict | None:
    if key not in imports.LISTS or not current_user.is_authenticated or not current_user.can_manage_settings:
        return None
    if online_settings() is None:
        return None
    spec = imports.LISTS[key]
    return {"spec": spec, "run": runs.latest_for(current_user.company_id, spec.target_type, None)}


def quickbooks_list_actions(key: str, refresh: bool = False) -> Markup:
    context = list_import_context(key)
    if context is None:
        return Markup("")
    return Markup(render_template("quickbooks/inbound/_list_import.html", refresh=refresh, **context))


def bill_import_context(project) -> dict | None:
    settings = online_settings()
    if settings is None:
        return None
    fetch_run = runs.latest_for(project.company_id, bill_import.FETCH, project.id)
    import_run = runs.latest_for(project.company_id, bill_import.IMPORT, project.id)
    candidates = (fetch_run.options.get("candidates", []) if fetch_run is not None
                  and fetch_run.status.finished else [])
    imported = bill_import.imported_ids(project.company_id, settings.realm_id, [c["id"] for c in candidates])
    return {"project": project, "fetch_run": fetch_run, "import_run": import_run, "candidates": candidates,
            "imported": imported, "active": _active(fetch_run) or _active(import_run)}


def _active(run: SyncRun | None) -> bool:
    return run is not None and not run.status.finished


def quickbooks_bill_import(project, refresh: bool = False) -> Markup:
    context = bill_import_context(project)
    if context is None:
        # A QuickBooks Desktop company gets the Web Connector's version of the same flow (or nothing).
        from webapp.views.desktop import bill_import_panel

        return bill_import_panel(project)
    return Markup(render_template("quickbooks/inbound/_bill_import.html", refresh=refresh, **context))


def init_app(app: Flask) -> None:
    app.jinja_env.globals["quickbooks_list_actions"] = quickbooks_list_actions
    app.jinja_env.globals["quickbooks_bill_import"] = quickbooks_bill_import
