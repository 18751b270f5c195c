"""QuickBooks Online inbound screens: list imports, bill import into a contract, and the webhook."""
from __future__ import annotations

import json
import logging

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from webapp.auth import public, settings_permission_required
from webapp.extensions import csrf
from webapp.models import Project
from webapp.quickbooks.online import bill_import, imports, inbound_panels, webhooks
from webapp.sync import runs
from webapp.tenancy import company_id, get_or_404

bp = Blueprint("quickbooks_inbound", __name__)
log = logging.getLogger(__name__)

STOP_POLLING = 286  # htmx stops an `every 1s` poll on this status
FINISHED_EVENT = "quickbooks-import-finished"


# ---- bulk imports of the lists ------------------------------------------------------------------

@settings_permission_required
def start_list_import(key: str):
    if inbound_panels.list_import_context(key) is None:
        abort(404)
    spec = imports.LISTS[key]
    started = runs.start(company_id(), "import", spec.target_type, None, f"Import {spec.title} from QuickBooks",
                         user_id=current_user.id)
    if not started.created:
        flash(f"An import of {spec.title} is already under way; showing it.", "info")
    if request.headers.get("HX-Request"):
        return inbound_panels.quickbooks_list_actions(key)
    return redirect(url_for(f"lists.{key}"))


@settings_permission_required
def list_import_status(key: str):
    """The import component; when the run is over: 286 (stop polling), the summary, and the list
    refreshed (the component asks the list page for its table once)."""
    context = inbound_panels.list_import_context(key)
    if context is None:
        abort(404)
    finished = context["run"] is None or context["run"].status.finished
    html = inbound_panels.quickbooks_list_actions(key, refresh=finished)
    if not request.headers.get("HX-Request"):
        return redirect(url_for(f"lists.{key}"))
    return html, STOP_POLLING if finished else 200, {"HX-Trigger-After-Settle": FINISHED_EVENT} if finished else {}


def _register(spec: imports.ListImport) -> None:
    """One URL pair per list, like the lists pages (the key names a list, not a record)."""
    url = f"/import/{spec.key.replace('_', '-')}"
    bp.add_url_rule(url, f"import_{spec.key}", lambda: start_list_import(spec.key), methods=["POST"])
    bp.add_url_rule(url, f"import_{spec.key}_status", lambda: list_import_status(spec.key))


for _spec in imports.LISTS.values():
    _register(_spec)


# ---- bills into a contract ----------------------------------------------------------------------

def _bill_component(project: Project, status: int = 200, refresh: bool = False):
    if request.headers.get("HX-Request"):
        return inbound_panels.quickbooks_bill_import(project, refresh=refresh), status
    return redirect(url_for("projects.show", project_id=project.id, tab="job_costs"))


def _project_or_404(project_id: int) -> Project:
    project = get_or_404(Project, project_id)
    if inbound_panels.online_settings() is None:
        abort(404)
    return project


@bp.route("/projects/<int:project_id>/bills/fetch", methods=["POST"])
def fetch_bills(project_id: int):
    project = _project_or_404(project_id)
    runs.start(company_id(), "import", bill_import.FETCH, project.id, f"Find QuickBooks bills for {project.title}",
               user_id=current_user.id)
    return _bill_component(project)


@bp.route("/projects/<int:project_id>/bills/import", methods=["POST"])
def import_bills(project_id: int):
    project = _project_or_404(project_id)
    fetched = bill_import.latest_fetch(project.company_id, project.id)
    offered = {c["id"] for c in (fetched.options.get("candidates", []) if fetched else [])}
    chosen = [i for i in request.form.getlist("bill_id") if i in offered]
    if not chosen:
        flash("Check the bills to import first.", "error")
        return _bill_component(project, 400)
    runs.start(company_id(), "import", bill_import.IMPORT, project.id, f"Import QuickBooks bills into {project.title}",
               user_id=current_user.id, options={"bill_ids": chosen})
    return _bill_component(project)


@bp.route("/projects/<int:project_id>/bills")
def bill_import_status(project_id: int):
    project = _project_or_404(project_id)
    context = inbound_panels.bill_import_context(project)
    finished = not context["active"]
    response = _bill_component(project, refresh=finished)
    if not request.headers.get("HX-Request"):
        return response
    return response[0], STOP_POLLING if finished else 200


# ---- webhooks -----------------------------------------------------------------------------------

@bp.route("/webhooks", methods=["POST"])
@public
@csrf.exempt
def receive_webhook():
    """QuickBooks' notifications: verified over the raw body, recorded, answered at once."""
    body = request.get_data(cache=False)
    if not webhooks.signature_ok(body, request.headers.get("intuit-signature", "")):
        log.warning("QuickBooks webhook with a bad or missing intuit-signature refused")
        return "", 401
    try:
        changes = webhooks.parse(body)
    except (ValueError, AttributeError, json.JSONDecodeError):
        return "", 400
    webhooks.accept(changes)
    return "", 200
