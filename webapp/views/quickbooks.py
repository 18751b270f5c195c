"""QuickBooks screens: Company Settings → QuickBooks, user connections, Sync buttons, logs."""
from __future__ import annotations

from datetime import datetime, time, timezone

from authlib.integrations.base_client.errors import OAuthError
from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from webapp import crypto
from webapp.auth import settings_permission_required
from webapp.extensions import db
from webapp.forms.fields import load_record_choices
from webapp.models import (
    ConnectionStatus, DeletionReminder, FinancialAccount, AccountType, InvoiceItem, Link, LinkState, Project,
    QuickBooksConnection, RunStatus, SyncRun,
)
from webapp.models.base import utcnow
from webapp.quickbooks import panels
from webapp.quickbooks import settings as qb_settings
from webapp.quickbooks.online import oauth, tokens
from webapp.sync import rules, runs
from webapp.tenancy import company_id, get_or_404, scoped
from webapp.views.listing import paginate

bp = Blueprint("quickbooks", __name__)

STOP_POLLING = 286  # htmx stops an `every 1s` poll when it gets this status


def _allowed_or_403():
    if not current_user.company.quickbooks_allowed:
        abort(403)


# ---- Company Settings → QuickBooks ------------------------------------------------------------------

def _settings_page(**forms):
    settings = qb_settings.for_company(company_id())
    # formdata=None: a form not being submitted shows what is saved, never the fields of another
    # section's POST (choosing a realm used to redraw "Enable QuickBooks" as OFF).
    connection_form = forms.get("connection_form") or qb_settings.ConnectionForm(obj=settings, prefix="c",
                                                                                 formdata=None)
    sync_form = forms.get("sync_form") or qb_settings.SyncSettingsForm(obj=settings, prefix="s", formdata=None)
    load_record_choices(sync_form)
    return {"settings": settings, "connection_form": connection_form, "sync_form": sync_form,
            "connections": qb_settings.available_connections(company_id()), "help": qb_settings.HELP,
            "export_fields": qb_settings.EXPORT_FIELDS, "not_synced": rules.NOT_SYNCED}


@bp.route("/settings")
@settings_permission_required
def settings():
    if not current_user.company.quickbooks_allowed:
        return render_template("quickbooks/not_allowed.html"), 403
    return render_template("quickbooks/settings.html", **_settings_page())


@bp.route("/settings/connection", methods=["POST"])
@settings_permission_required
def save_connection():
    _allowed_or_403()
    settings = qb_settings.for_company(company_id())
    form = qb_settings.ConnectionForm(prefix="c")
    status = 400
    if form.validate_on_submit():
        was_enabled = settings.enabled
        settings.quickbooks_type, settings.enabled = form.quickbooks_type.data, form.enabled.data
        db.session.commit()
        status = 200
        if settings.enabled and not was_enabled:
            resumed = runs.resume_paused(settings.company_id)
            flash(f"QuickBooks is enabled. {resumed} waiting sync(s) resumed." if resumed else "QuickBooks is enabled.",
                  "success")
        elif not settings.enabled and was_enabled:
            runs.pause_company(settings.company_id, "Enable QuickBooks was turned OFF: the sync waits.")
            flash("QuickBooks is paused for this company: new syncs wait until it is enabled again.", "warning")
        else:
            flash("Saved.", "success")
    return _section("quickbooks/_connection_section.html", status, connection_form=form)


@bp.route("/settings/realm", methods=["POST"])
@settings_permission_required
def choose_realm():
    _allowed_or_403()
    settings = qb_settings.for_company(company_id())
    choice = request.form.get("connection_id", type=int)
    connection = next((c for c in qb_settings.available_connections(company_id()) if c.id == choice), None)
    if connection is None:
        flash("Choose one of the connected QuickBooks companies.", "error")
        return _section("quickbooks/_connection_section.html", 400)
    settings.realm_id, settings.connection_id = connection.realm_id, connection.id
    db.session.commit()
    flash(f"Contractors Cloud is connected to QuickBooks company {connection.label}.", "success")
    return _section("quickbooks/_connection_section.html", 200)


@bp.route("/settings/sync", methods=["POST"])
@settings_permission_required
def save_sync_settings():
    _allowed_or_403()
    settings = qb_settings.for_company(company_id())
    form = qb_settings.SyncSettingsForm(prefix="s")
    load_record_choices(form)
    if not form.validate_on_submit():
        return _section("quickbooks/_sync_settings.html", 400, sync_form=form)
    for name in qb_settings.EXPORT_FIELDS + qb_settings.SETTING_FIELDS:
        setattr(settings, name, getattr(form, name).data)
    db.session.commit()
    flash("Synchronization settings saved.", "success")
    return _section("quickbooks/_sync_settings.html", 200, sync_form=qb_settings.SyncSettingsForm(obj=settings, prefix="s"))


def _section(template: str, status: int, **forms):
    context = _settings_page(**forms)
    if request.headers.get("HX-Request"):
        return render_template(template, **context), status
    if status == 200:
        return redirect(url_for(".settings"))
    return render_template("quickbooks/settings.html", **context), status


@bp.route("/settings/invoice-items", methods=["GET", "POST"])
@settings_permission_required
def invoice_customization():
    """The spec's Invoice Customization: a QuickBooks income account for each invoice item."""
    _allowed_or_403()
    income = db.session.scalars(scoped(FinancialAccount).where(
        FinancialAccount.account_type.in_([AccountType.income, AccountType.other_income]),
        FinancialAccount.active.is_(True)).order_by(FinancialAccount.name)).all()
    items = db.session.scalars(scoped(InvoiceItem).order_by(InvoiceItem.name)).all()
    status = 200
    if request.method == "POST":
        item = get_or_404(InvoiceItem, request.form.get("item_id", type=int) or 0)
        account_id = request.form.get("income_account_id", type=int)
        if account_id and account_id not in {a.id for a in income}:
            flash(f"Choose an income account for {item.name}.", "error")
            status = 400
        else:
            item.income_account_id = account_id or None
            db.session.commit()
            flash(f"{item.name}: income account saved.", "success")
        if request.headers.get("HX-Request"):
            return render_template("quickbooks/_item_account_row.html", item=item, income=income), status
    return render_template("quickbooks/invoice_customization.html", items=items, income=income), status


# ---- User profile → Integrations ----------------------------------------------------------------

@bp.route("/connect")
def connect():
    _allowed_or_403()
    redirect_uri = url_for(".callback", _external=True)
    return oauth.intuit().authorize_redirect(redirect_uri)


@bp.route("/callback")
def callback():
    _allowed_or_403()
    if request.args.get("error"):
        flash(f"QuickBooks did not connect: {request.args['error']}.", "error")
        return redirect(url_for("profile.index"))
    try:
        token = oauth.intuit().authorize_access_token()
    except OAuthError as exc:  # includes a state mismatch (a forged or replayed callback)
        flash(f"QuickBooks did not connect: {exc.description or exc.error}.", "error")
        return redirect(url_for("profile.index"))
    realm_id = request.args.get("realmId", "").strip()
    if not realm_id:
        flash("QuickBooks did not say which company was chosen. Try again.", "error")
        return redirect(url_for("profile.index"))
    connection = db.session.scalar(select(QuickBooksConnection).where(
        QuickBooksConnection.user_id == current_user.id, QuickBooksConnection.realm_id == realm_id))
    if connection is None:
        connection = QuickBooksConnection(user_id=current_user.id, company_id=current_user.company_id,
                                          realm_id=realm_id)
        db.session.add(connection)
    tokens.store_new_token(connection, dict(token))
    db.session.commit()
    if _is_company_connection(connection):  # a reconnect: the runs that waited for it go on
        runs.resume_paused(current_user.company_id)
    flash(f"Your QuickBooks account is connected (Realm ID {realm_id}).", "success")
    return redirect(url_for("profile.index"))


def _is_company_connection(connection) -> bool:
    settings = qb_settings.for_company(connection.company_id, create=False)
    return bool(settings and settings.enabled and settings.connection_id == connection.id)


@bp.route("/connections/<int:connection_id>/disconnect", methods=["POST"])
def disconnect(connection_id: int):
    connection = db.session.scalar(select(QuickBooksConnection).where(
        QuickBooksConnection.id == connection_id, QuickBooksConnection.user_id == current_user.id))
    if connection is None:
        abort(404)
    try:
        oauth.revoke(crypto.decrypt(connection.refresh_token_encrypted))
    except Exception:  # noqa: BLE001 - revoking is best effort; the tokens are deleted here regardless
        flash("QuickBooks could not be told about the disconnection; the saved authorization was deleted anyway.",
              "warning")
    connection.status = ConnectionStatus.disconnected
    connection.access_token_encrypted = connection.refresh_token_encrypted = ""
    db.session.commit()
    flash(f"Disconnected QuickBooks company {connection.label}.", "success")
    return redirect(url_for("profile.index"))


# ---- Sync buttons and logs ----------------------------------------------------------------------

def _start(target_type: str, record, local_type: str):
    _allowed_or_403()
    settings = qb_settings.for_company(company_id())
    backend, _realm = qb_settings.backend_and_realm(settings)
    label = f"{rules.RULES[local_type].label} {rules.name_of(record)}" if target_type != "job" else \
        f"Sync Job {record.title}"
    started = runs.start(company_id(), "sync_job" if target_type == "job" else "push", target_type, record.id, label,
                         user_id=current_user.id, backend=backend)
    if not started.created:
        flash("A sync of this record is already under way; showing it.", "info")
    return started.run


@bp.route("/sync/<local_type>/<int:record_id>", methods=["POST"])
def sync_record(local_type: str, record_id: int):
    if local_type not in rules.RULES or not rules.pushable(local_type):
        abort(404)
    record = get_or_404(rules.RULES[local_type].model, record_id)
    _start(local_type, record, local_type)
    if request.headers.get("HX-Request"):
        return panels.quickbooks_panel(record)
    return redirect(request.referrer or url_for("dashboard.index"))


@bp.route("/sync-job/<int:project_id>", methods=["POST"])
def sync_job(project_id: int):
    project = get_or_404(Project, project_id)
    _start("job", project, "project")
    if request.headers.get("HX-Request"):
        return panels.quickbooks_project_actions(project)
    return redirect(url_for("projects.show", project_id=project.id))


@bp.route("/panel/<local_type>/<int:record_id>")
def panel(local_type: str, record_id: int):
    if local_type not in rules.RULES:
        abort(404)
    record = get_or_404(rules.RULES[local_type].model, record_id)
    html = panels.quickbooks_panel(record)
    context = panels.panel_context(record)
    finished = context is None or context["run"] is None or context["run"].status.finished
    return html, STOP_POLLING if finished and request.headers.get("HX-Request") else 200


@bp.route("/job-panel/<int:project_id>")
def job_panel(project_id: int):
    project = get_or_404(Project, project_id)
    context = panels.panel_context(project, target_type="job")
    finished = context is None or context["run"] is None or context["run"].status.finished
    return panels.quickbooks_project_actions(project), STOP_POLLING if finished and request.headers.get("HX-Request") else 200


@bp.route("/runs/<int:run_id>")
def run_log(run_id: int):
    run = get_or_404(SyncRun, run_id)
    if request.headers.get("HX-Request"):
        response = make_response(render_template("quickbooks/_run_log.html", run=run))
        response.status_code = STOP_POLLING if run.status.finished else 200
        return response
    return render_template("quickbooks/run.html", run=run)


@bp.route("/runs/<int:run_id>/retry", methods=["POST"])
def retry_run(run_id: int):
    run = get_or_404(SyncRun, run_id)
    if not run.status.finished or run.target_id is None:
        return redirect(url_for(".run_log", run_id=run.id))
    started = runs.start(run.company_id, run.kind, run.target_type, run.target_id, run.target_label,
                         user_id=current_user.id, backend=run.backend, options={"retry_of": run.id})
    return redirect(url_for(".run_log", run_id=started.run.id))


@bp.route("/log")
def sync_log():
    """The company-wide Sync log, filterable by status, record type and date."""
    stmt = scoped(SyncRun)
    status = request.args.get("status", "")
    target = request.args.get("type", "")
    since = request.args.get("since", "")
    if status in RunStatus.__members__:
        stmt = stmt.where(SyncRun.status == RunStatus(status))
    if target:
        stmt = stmt.where(SyncRun.target_type == target)
    if since:
        try:
            day = datetime.combine(datetime.strptime(since, "%Y-%m-%d").date(), time.min, tzinfo=timezone.utc)
            stmt = stmt.where(SyncRun.created_at >= day)
        except ValueError:
            flash("Use a date like 2026-11-26.", "error")
    page = paginate(stmt.order_by(SyncRun.id.desc()))
    context = {"page": page, "status": status, "type": target, "since": since, "statuses": list(RunStatus),
               "types": sorted({*rules.RULES, "job"})}
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "sync-log-table":
        return render_template("quickbooks/_log_table.html", **context)
    return render_template("quickbooks/log.html", **context)


# ---- Links: deleted in QuickBooks, reminders of deletes here ---------------------------------------

@bp.route("/links/<int:link_id>/unlink", methods=["POST"])
def unlink(link_id: int):
    link = get_or_404(Link, link_id)
    db.session.delete(link)
    db.session.commit()
    flash("Unlinked from QuickBooks. The next sync creates or matches it again.", "success")
    return redirect(request.referrer or url_for(".sync_log"))


@bp.route("/links/<int:link_id>/recreate", methods=["POST"])
def recreate(link_id: int):
    link = get_or_404(Link, link_id)
    local_type, local_id = link.local_type, link.local_id
    db.session.delete(link)
    db.session.commit()
    record = get_or_404(rules.RULES[local_type].model, local_id)
    run = _start(local_type, record, local_type)
    return redirect(url_for(".run_log", run_id=run.id))


@bp.route("/reminders")
@settings_permission_required
def reminders():
    items = db.session.scalars(scoped(DeletionReminder).where(DeletionReminder.resolved_at.is_(None))
                               .order_by(DeletionReminder.id.desc())).all()
    deleted_links = db.session.scalars(scoped(Link).where(Link.state == LinkState.deleted_in_quickbooks)).all()
    return render_template("quickbooks/reminders.html", items=items, deleted_links=deleted_links)


@bp.route("/reminders/<int:reminder_id>/done", methods=["POST"])
@settings_permission_required
def reminder_done(reminder_id: int):
    reminder = get_or_404(DeletionReminder, reminder_id)
    reminder.resolved_at = utcnow()
    db.session.commit()
    flash("Marked as done.", "success")
    return redirect(url_for(".reminders"))

