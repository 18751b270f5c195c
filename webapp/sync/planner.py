"""Dependency order: what must be in QuickBooks before a record can be, and in which order.

customer → job → employees / sales reps / vendors → classes, terms, items → invoices, credit memos
→ payments → bills (the rules' waves). Records already linked and unchanged are still planned; the
backend skips them cheaply by their pushed hash.
"""
from __future__ import annotations

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import (
    Bill, CreditMemo, Customer, EmploymentType, Invoice, Payment, Project, QuickBooksSettings, User,
)
from webapp.sync import rules


class Plan:
    """An ordered, de-duplicated list of records; `targets` are the ones the user asked for."""

    def __init__(self):
        self._seen: set[tuple[str, int]] = set()
        self.records: list = []

    def add(self, record) -> None:
        if record is None:
            return
        key = (rules.local_type_of(record), record.id)
        if key not in self._seen:
            self._seen.add(key)
            self.records.append(record)

    def ordered(self) -> list:
        # A stable sort by wave keeps the order of discovery inside a wave.
        return sorted(self.records, key=lambda r: rules.RULES[rules.local_type_of(r)].wave)


def _job_and_customer(plan: Plan, record, settings: QuickBooksSettings) -> None:
    customer = record if isinstance(record, Customer) else record.customer
    plan.add(customer)
    project = rules.project_of(record)
    if project is not None and settings.export_customer_jobs:
        plan.add(project)
        if settings.export_employees:
            for a in project.assignments:
                if a.user.employment_type != EmploymentType.none:
                    plan.add(a.user)


def _sales_lines(plan: Plan, doc) -> None:
    if doc.tracking_class is not None:
        plan.add(doc.tracking_class)
    for line in doc.lines:
        if line.item is not None:
            plan.add(line.item)


def add_with_dependencies(plan: Plan, record, settings: QuickBooksSettings) -> None:
    if isinstance(record, (Invoice, CreditMemo)):
        _job_and_customer(plan, record, settings)
        _sales_lines(plan, record)
        if isinstance(record, Invoice) and record.term is not None:
            plan.add(record.term)
    elif isinstance(record, Payment):
        _job_and_customer(plan, record, settings)
        for allocation in record.allocations:
            add_with_dependencies(plan, allocation.invoice, settings)
    elif isinstance(record, Bill):
        plan.add(record.vendor)
        if record.project is not None:
            _job_and_customer(plan, record.project, settings)
        for line in record.lines:
            if line.tracking_class is not None:
                plan.add(line.tracking_class)
    elif isinstance(record, Project):
        _job_and_customer(plan, record, settings)
    plan.add(record)


def for_record(record, settings: QuickBooksSettings) -> list:
    plan = Plan()
    add_with_dependencies(plan, record, settings)
    return plan.ordered()


def for_job(project: Project, settings: QuickBooksSettings) -> list:
    """Sync Job: the customer account, the job, and all applicable invoices, payments and bills."""
    plan = Plan()
    _job_and_customer(plan, project, settings)
    company = project.company_id
    for model in (Invoice, CreditMemo, Payment, Bill):
        for record in db.session.scalars(select(model).where(model.company_id == company,
                                                             model.project_id == project.id).order_by(model.id)):
            if rules.refusal(settings, record) is None:
                add_with_dependencies(plan, record, settings)
    return plan.ordered()


def assigned_users(project: Project) -> list[User]:
    return [a.user for a in project.assignments]
