"""Projects (the spec's Contract / Job): list, create/edit, and the tabbed detail page."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from webapp import signals
from webapp.extensions import db
from webapp.forms.fields import load_record_choices
from webapp.forms.projects import AssignmentForm, ProjectForm, WorkOrderForm
from webapp.models import (
    Bill, CreditMemo, Customer, Invoice, Payment, Project, ProjectAssignment, WorkOrder, WorkOrderStatus,
)
from webapp.models.base import ZERO, utcnow
from webapp.records import commit_record, delete_record, save_form
from webapp.tenancy import get_optional, get_or_404, scoped
from webapp.views.listing import paginate, render_list, search_filter

bp = Blueprint("projects", __name__)

TABS = (("overview", "Overview"), ("invoices", "Invoices"), ("payments", "Payments"), ("job_costs", "Job costs"))


@bp.route("/")
def index():
    q = request.args.get("q", "")
    stmt = scoped(Project).join(Project.customer).options(selectinload(Project.customer))
    stmt = search_filter(stmt, [Project.number, Project.address, Customer.first_name, Customer.last_name,
                                Customer.company_name], q)
    page = paginate(stmt.order_by(Project.number, Project.id))
    return render_list("projects/index.html", "projects/_table.html", page=page, q=q)


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = ProjectForm()
    if request.method == "GET":
        customer = get_optional(Customer, request.args.get("customer_id", type=int))
        form.customer_id.data = customer.id if customer else None
    return _edit_form(Project(), form)


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
def edit(project_id: int):
    project = get_or_404(Project, project_id)
    return _edit_form(project, ProjectForm(obj=project))


def _edit_form(project: Project, form: ProjectForm):
    form.record_id = project.id
    load_record_choices(form)
    if form.validate_on_submit():
        is_new = project.id is None
        save_form(project, form)
        flash(f"Project {project.number} {'created' if is_new else 'saved'}.", "success")
        return redirect(url_for(".show", project_id=project.id))
    return render_template("projects/form.html", form=form, project=project if project.id else None), \
        400 if form.errors else 200


@bp.route("/<int:project_id>/delete", methods=["POST"])
def delete(project_id: int):
    project = get_or_404(Project, project_id)
    for model, what in ((Invoice, "invoices"), (CreditMemo, "credit memos"), (Payment, "payments"), (Bill, "bills")):
        if db.session.scalar(select(func.count()).select_from(model).where(model.project_id == project.id)):
            flash(f"Project {project.number} has {what}. Delete or move them first.", "error")
            return redirect(url_for(".show", project_id=project.id))
    return delete_record(project, f"Project {project.number}", url_for(".index"))


@bp.route("/<int:project_id>")
def show(project_id: int):
    project = get_or_404(Project, project_id)
    tab = request.args.get("tab", "overview")
    if tab not in dict(TABS):
        tab = "overview"
    return _render_show(project, tab)


def _render_show(project: Project, tab: str, status: int = 200, **forms):
    context = dict(project=project, tab=tab, tabs=TABS, **_tab_context(project, tab, forms))
    # An htmx tab switch swaps only the tab component; a plain request gets the whole page.
    template = "projects/_tabs.html" if request.headers.get("HX-Request") else "projects/show.html"
    return render_template(template, **context), status


def _tab_context(project: Project, tab: str, forms: dict) -> dict:
    if tab == "overview":
        assignment_form = forms.get("assignment_form") or AssignmentForm(prefix="assign", formdata=None)
        load_record_choices(assignment_form)
        return dict(assignment_form=assignment_form,
                    work_order_form=forms.get("work_order_form") or WorkOrderForm(prefix="wo", formdata=None))
    if tab == "invoices":
        invoices = db.session.scalars(scoped(Invoice).where(Invoice.project_id == project.id)
                                      .options(selectinload(Invoice.allocations))
                                      .order_by(Invoice.invoice_date.desc(), Invoice.id.desc())).all()
        credit_memos = db.session.scalars(scoped(CreditMemo).where(CreditMemo.project_id == project.id)
                                          .order_by(CreditMemo.memo_date.desc())).all()
        return dict(invoices=invoices, credit_memos=credit_memos, invoiced=sum((i.total for i in invoices), ZERO),
                    open_balance=sum((i.balance for i in invoices), ZERO))
    if tab == "payments":
        payments = db.session.scalars(scoped(Payment).where(Payment.project_id == project.id)
                                      .order_by(Payment.payment_date.desc(), Payment.id.desc())).all()
        return dict(payments=payments, received=sum((p.amount for p in payments), ZERO))
    bills = db.session.scalars(scoped(Bill).where(Bill.project_id == project.id).options(selectinload(Bill.vendor))
                               .order_by(Bill.bill_date.desc(), Bill.id.desc())).all()
    return dict(bills=bills, costs=sum((b.total for b in bills), ZERO))


@bp.route("/<int:project_id>/assignments", methods=["POST"])
def add_assignment(project_id: int):
    project = get_or_404(Project, project_id)
    form = AssignmentForm(prefix="assign")
    load_record_choices(form)
    if form.validate_on_submit():
        duplicate = any(a.user_id == form.user_id.data and a.role == form.role.data for a in project.assignments)
        if not duplicate:
            assignment = commit_record(ProjectAssignment(project_id=project.id, user_id=form.user_id.data,
                                                         role=form.role.data))
            flash(f"{assignment.user.name} assigned as {assignment.role.label}.", "success")
            return redirect(url_for(".show", project_id=project.id))
        form.user_id.errors.append("This user already has that responsibility on the project.")
    return _render_show(project, "overview", 400, assignment_form=form)


@bp.route("/<int:project_id>/assignments/<int:assignment_id>/delete", methods=["POST"])
def remove_assignment(project_id: int, assignment_id: int):
    project = get_or_404(Project, project_id)
    assignment = _child_or_404(ProjectAssignment, assignment_id, project)
    return delete_record(assignment, f"{assignment.user.name} as {assignment.role.label}",
                         url_for(".show", project_id=project.id))


@bp.route("/<int:project_id>/work-orders", methods=["POST"])
def add_work_order(project_id: int):
    project = get_or_404(Project, project_id)
    form = WorkOrderForm(prefix="wo")
    if form.validate_on_submit():
        commit_record(WorkOrder(project_id=project.id, title=form.title.data.strip()))
        flash("Work order added.", "success")
        return redirect(url_for(".show", project_id=project.id))
    return _render_show(project, "overview", 400, work_order_form=form)


@bp.route("/<int:project_id>/work-orders/<int:wo_id>/complete", methods=["POST"])
def complete_work_order(project_id: int, wo_id: int):
    project = get_or_404(Project, project_id)
    work_order = _child_or_404(WorkOrder, wo_id, project)
    if work_order.status == WorkOrderStatus.completed:
        flash("That work order was already completed.", "info")
        return redirect(url_for(".show", project_id=project.id))
    work_order.status, work_order.completed_at = WorkOrderStatus.completed, utcnow()
    commit_record(work_order)
    # After the commit, so listeners (QuickBooks invoicing on completion) see the completed state.
    signals.work_order_completed.send(Project, company_id=project.company_id, project_id=project.id,
                                      work_order_id=work_order.id, user_id=current_user.id)
    flash(f"Work order “{work_order.title}” completed.", "success")
    return redirect(url_for(".show", project_id=project.id))


def _child_or_404(model, record_id: int, project: Project):
    """A child row of this project (another project's row 404s even within the company)."""
    record = get_or_404(model, record_id)
    if record.project_id != project.id:
        abort(404)
    return record
