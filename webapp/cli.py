"""Operator and developer commands: `flask companies ...`, `flask demo seed`."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from webapp.extensions import db
from webapp.quickbooks.desktop import cli as desktop_cli

companies = AppGroup("companies", help="Operator commands for companies.")
demo = AppGroup("demo", help="Demo data.")


def _find_company(ident: str):
    from webapp.models import Company

    stmt = select(Company).where(Company.id == int(ident)) if ident.isdigit() else \
        select(Company).where(Company.name == ident)
    company = db.session.scalar(stmt)
    if company is None:
        raise click.ClickException(f"No company {ident!r}.")
    return company


@companies.command("list")
def list_companies():
    from webapp.models import Company

    for c in db.session.scalars(select(Company).order_by(Company.id)):
        click.echo(f"{c.id}\t{c.name}\tQuickBooks {'allowed' if c.quickbooks_allowed else 'not allowed'}")


@companies.command("allow-quickbooks")
@click.argument("company")
@click.option("--revoke", is_flag=True, help="Withdraw the permission instead.")
def allow_quickbooks(company: str, revoke: bool):
    """Let COMPANY (id or exact name) use the QuickBooks integration (the account manager's switch)."""
    record = _find_company(company)
    record.quickbooks_allowed = not revoke
    db.session.commit()
    click.echo(f"QuickBooks {'not ' if revoke else ''}allowed for {record.name}.")


@demo.command("seed")
@click.option("--size", type=click.Choice(["small", "large"]), default="small")
@click.option("--if-empty", is_flag=True, help="Do nothing when a company already exists (used by make run).")
def seed(size: str, if_empty: bool):
    """Create a realistic demo company and print its admin login."""
    from webapp import demo as demo_data
    from webapp.models import Company

    if if_empty and db.session.scalar(select(Company.id).limit(1)) is not None:
        click.echo("Demo data already present; log in with the credentials printed on the first run "
                   f"({demo_data.ADMIN_EMAIL} / {demo_data.ADMIN_PASSWORD}).")
        return
    result = demo_data.seed(size=size)
    click.echo(f"Seeded {result.company.name}: {result.summary()}")
    click.echo(f"Log in as {demo_data.ADMIN_EMAIL} with password {demo_data.ADMIN_PASSWORD}")


def init_app(app: Flask) -> None:
    app.cli.add_command(companies)
    app.cli.add_command(demo)
    desktop_cli.init_app(app)
