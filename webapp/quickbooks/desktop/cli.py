"""`flask sandbox webconnector run`: one simulated Web Connector session against this app."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from webapp.extensions import db

webconnector = AppGroup("webconnector", help="The simulated QuickBooks Web Connector.")


@webconnector.command("run")
@click.option("--company", "company_ident", help="Company id or exact name (default: the only Desktop company).")
@click.option("--password", envvar="QBWC_PASSWORD", help="The Web Connector password (default: the remembered one).")
@click.option("--noop-wait", type=float, default=1.0, show_default=True,
              help="Seconds to wait when the service says NoOp (QBWC waits 5).")
def run_command(company_ident: str | None, password: str | None, noop_wait: float):
    """Run the company's .qwc against its simulated company file (instance/qbd/company-<id>.sqlite)."""
    from webapp.models import Company, QuickBooksSettings, QuickBooksType
    from webapp.quickbooks.desktop import simulator

    if company_ident:
        stmt = select(Company).where(Company.id == int(company_ident)) if company_ident.isdigit() else \
            select(Company).where(Company.name == company_ident)
        company = db.session.scalar(stmt)
    else:
        ids = db.session.scalars(select(QuickBooksSettings.company_id).where(
            QuickBooksSettings.quickbooks_type == QuickBooksType.desktop)).all()
        if len(ids) != 1:
            raise click.ClickException("Say which company with --company (id or name).")
        company = db.session.get(Company, ids[0])
    if company is None:
        raise click.ClickException(f"No company {company_ident!r}.")
    if password:
        simulator.remember_password(company.id, password)
    try:
        report = simulator.run(company.id, password, noop_wait=noop_wait)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(report.summary())
    click.echo(f"Simulated company file: {simulator.company_file(company.id)}")
    if not report.ok:
        raise SystemExit(1)


def init_app(app: Flask) -> None:
    # Another part of the app may own `flask sandbox` already: join it rather than replace it.
    group = app.cli.commands.get("sandbox")
    if group is None:
        group = AppGroup("sandbox", help="Simulated QuickBooks for development and demos.")
        app.cli.add_command(group)
    group.add_command(webconnector)
