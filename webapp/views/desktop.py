"""QuickBooks Desktop: the Web Connector's SOAP endpoint (/qbwc, public) and the admin side:
Company Settings (Desktop) — .qwc download, Web Connector password, schedule, sessions — the
Desktop imports, and the bill import of a job."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import IntegerField, PasswordField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange

from webapp.auth import public, settings_permission_required
from webapp.extensions import csrf, db
from webapp.models import EntryStatus, Project, QueueEntry, QuickBooksType, WebConnectorSession
from webapp.quickbooks import settings as qb_settings
from webapp.quickbooks.desktop import accounts, bills, simulator, soap
from webapp.quickbooks.desktop.queue import IMPORT_KIND
from webapp.quickbooks.desktop.service import DesktopService
from webapp.quickbooks.desktop.wsdl import wsdl
from webapp.sync import runs
from webapp.tenancy import company_id, get_or_404

bp = Blueprint("desktop", __name__)


@bp.record_once
def _settings(state) -> None:
    import os

    from webapp.quickbooks.desktop.settings import from_environment

    for key, value in from_environment(os.environ).items():
        state.app.config.setdefault(key, value)

SESSIONS_SHOWN = 15


# ---- the Web Connector's endpoint ---------------------------------------------------------------

@bp.route("/qbwc", methods=["GET", "POST"])
@csrf.exempt  # QBWC authenticates with its user name and password inside the SOAP body
@public
def qbwc():
    if request.method == "GET":
        if "wsdl" not in {k.lower() for k in request.args}:
            return Response("QuickBooks Web Connector endpoint of Contractors Cloud. Add ?wsdl for its description.",
                            content_type="text/plain; charset=utf-8")
        # soap:address is the URL the caller just used: the one it can reach.
        return Response(wsdl(request.base_url), content_type="text/xml; charset=utf-8")
    reply = soap.handle(request.get_data(cache=False), request.headers.get("SOAPAction"), DesktopService())
    return Response(reply.body, status=reply.status, content_type=reply.content_type)


@bp.route("/qbwc/support")
@public
def support():
    """AppSupport of the .qwc (QBWC requires it on the AppURL's host)."""
    return render_template("quickbooks/desktop_support.html")


# ---- Company Settings (Desktop) -----------------------------------------------------------------

class PasswordForm(FlaskForm):
    password = PasswordField("New Web Connector password", validators=[
        DataRequired(), Length(min=accounts.MIN_PASSWORD_LENGTH, max=200,
                               message=f"Use at least {accounts.MIN_PASSWORD_LENGTH} characters.")])
    confirm = PasswordField("Repeat the password", validators=[
        DataRequired(), EqualTo("password", message="The two passwords differ.")])


class ScheduleForm(FlaskForm):
    run_every_minutes = IntegerField("Run every (minutes)", validators=[
        InputRequired(message="Enter a number of minutes."),
        NumberRange(*accounts.RUN_EVERY_RANGE, message="Between 1 and 1440 minutes.")])


def desktop_context() -> dict:
    """What the Desktop part of Company Settings → QuickBooks shows (a template global, so the
    connection section needs no change to show it)."""
    account = accounts.ensure(company_id())
    sessions = db.session.scalars(select(WebConnectorSession).where(WebConnectorSession.company_id == company_id())
                                  .order_by(WebConnectorSession.id.desc()).limit(SESSIONS_SHOWN)).all()
    queued = db.session.scalar(select(func.count(QueueEntry.id)).where(
        QueueEntry.company_id == company_id(), QueueEntry.status.in_((EntryStatus.queued, EntryStatus.retry_later,
                                                                      EntryStatus.sent))))
    return {"account": account, "sessions": sessions, "queued": queued,
            "last_check_in": sessions[0].created_at if sessions else None,
            "password_form": g.get("qbwc_password_form") or PasswordForm(prefix="qbwc"),
            "schedule_form": g.get("qbwc_schedule_form") or ScheduleForm(prefix="qbwc", obj=account),
            "simulator": simulator.enabled()}


@bp.app_template_global("quickbooks_desktop")
def _desktop_global():
    return desktop_context()


def _desktop_admin():
    if not current_user.company.quickbooks_allowed:
        abort(403)
    settings = qb_settings.for_company(company_id())
    if settings.quickbooks_type != QuickBooksType.desktop:
        abort(404)
    return settings


def _answer(status: int):
    settings = qb_settings.for_company(company_id())
    if request.headers.get("HX-Request"):
        return render_template("quickbooks/_desktop_section.html", settings=settings), status
    if status == 200:
        return redirect(url_for("quickbooks.settings"))
    from webapp.views.quickbooks import _settings_page  # the full page around the section, with its errors

    return render_template("quickbooks/settings.html", **_settings_page()), status


@bp.route("/quickbooks/desktop/qwc")
@settings_permission_required
def download_qwc():
    _desktop_admin()
    account = accounts.ensure(company_id())
    text = accounts.qwc_file(account, url_for(".qbwc", _external=True), url_for(".support", _external=True))
    return Response(text, content_type="application/xml; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{accounts.qwc_filename(account)}"'})


@bp.route("/quickbooks/desktop/password", methods=["POST"])
@settings_permission_required
def set_password():
    _desktop_admin()
    form = PasswordForm(prefix="qbwc")
    if not form.validate_on_submit():
        g.qbwc_password_form = form
        return _answer(400)
    account = accounts.ensure(company_id())
    rotated = bool(account.password_hash)
    accounts.set_password(account, form.password.data)
    if simulator.enabled():
        simulator.remember_password(company_id(), form.password.data)
    flash("Web Connector password changed: enter the new one in the Web Connector." if rotated else
          "Web Connector password set: enter it in the Web Connector after adding the .qwc file.", "success")
    return _answer(200)


@bp.route("/quickbooks/desktop/schedule", methods=["POST"])
@settings_permission_required
def set_schedule():
    _desktop_admin()
    form = ScheduleForm(prefix="qbwc")
    if not form.validate_on_submit():
        g.qbwc_schedule_form = form
        return _answer(400)
    accounts.set_run_every(accounts.ensure(company_id()), form.run_every_minutes.data)
    flash("Saved. Download the .qwc again and re-add it in the Web Connector: it reads the schedule from the file.",
          "success")
    return _answer(200)


IMPORTS = {"accounts": ("financial_account", "Import Accounts from QuickBooks Desktop"),
           "items": ("invoice_item", "Import Items from QuickBooks Desktop")}


@bp.route("/quickbooks/desktop/import", methods=["POST"])
@settings_permission_required
def start_import():
    """Import Accounts / Import Invoice Items: queued now, done when the Web Connector runs."""
    what = request.form.get("what", "")
    if what not in IMPORTS:
        abort(400)
    _desktop_admin()
    target, label = IMPORTS[what]
    started = runs.start(company_id(), IMPORT_KIND, target, None, label, user_id=current_user.id, backend="desktop")
    flash(f"{label}: queued. Now run the Web Connector; this log shows the result when it has run."
          if started.created else "That import is already waiting for the Web Connector.", "info")
    return redirect(url_for("quickbooks.run_log", run_id=started.run.id))


# ---- bill import into a job (the Job Costs tab) ---------------------------------------------------

def bill_import_context(project: Project) -> dict:
    return {"project": project, "request_run": bills.latest_request(project), "candidates": bills.candidates(project)}


def bill_import_panel(project: Project):
    """The Desktop bill import block for a job's Job Costs tab (empty unless the type is Desktop)."""
    from markupsafe import Markup

    settings = qb_settings.for_company(project.company_id, create=False)
    if not current_user.company.quickbooks_allowed or settings is None or \
            settings.quickbooks_type != QuickBooksType.desktop:
        return Markup("")
    return Markup(render_template("quickbooks/_desktop_bill_import.html", **bill_import_context(project)))


@bp.route("/quickbooks/desktop/jobs/<int:project_id>/bills", methods=["GET"])
def job_bills(project_id: int):
    project = get_or_404(Project, project_id)
    _desktop_admin_or_staff()
    html = bill_import_panel(project)
    run = bills.latest_request(project)
    finished = run is None or run.status.finished
    return html, 286 if finished and request.headers.get("HX-Request") else 200


@bp.route("/quickbooks/desktop/jobs/<int:project_id>/bill-import", methods=["POST"])
def request_bill_import(project_id: int):
    project = get_or_404(Project, project_id)
    _desktop_admin_or_staff()
    started = bills.request_import(project, current_user.id)
    if not started.created:
        flash("A bill import request is already waiting for the Web Connector.", "info")
    else:
        flash("Bill import request queued: run the Web Connector, then check the bills to import.", "info")
    if request.headers.get("HX-Request"):
        return bill_import_panel(project)
    return redirect(request.referrer or url_for("projects.show", project_id=project.id))


@bp.route("/quickbooks/desktop/jobs/<int:project_id>/bills", methods=["POST"])
def import_job_bills(project_id: int):
    project = get_or_404(Project, project_id)
    _desktop_admin_or_staff()
    chosen = request.form.getlist("txn_id")
    if not chosen:
        flash("Check the bills to import first.", "error")
        status = 400
    else:
        result = bills.import_selected(project, chosen, current_user.id)
        for line in result.skipped:
            flash(line, "warning")
        flash(f"{len(result.imported)} bill(s) imported into this job.", "success" if result.imported else "info")
        status = 200
    if request.headers.get("HX-Request"):
        return bill_import_panel(project), status
    return redirect(request.referrer or url_for("projects.show", project_id=project.id))


def _desktop_admin_or_staff():
    if not current_user.company.quickbooks_allowed:
        abort(403)
    settings = qb_settings.for_company(company_id(), create=False)
    if settings is None or settings.quickbooks_type != QuickBooksType.desktop:
        abort(404)
