"""Payments created in QuickBooks Online, imported only when the spec allows it.

The spec: a QuickBooks payment comes in only if it is assigned to a connected customer account AND
applied to invoices that belong to connected projects; anything else is skipped with the reason in
the log. A payment already linked is one of ours (payments are pushed from here) or already imported.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from webapp.extensions import db
from webapp.models import PAYMENT_METHODS, Customer, Invoice, Payment, PaymentAllocation, Project
from webapp.quickbooks.online.push import parse_time
from webapp.sync import links

MONEY = Decimal("0.01")


def apply(ctx, obj: dict) -> str:
    if links.find_remote(ctx.company_id, ctx.realm, "Payment", str(obj["Id"])) is not None:
        ctx.counts["unchanged"] += 1
        return "unchanged"
    amount = Decimal(str(obj.get("TotalAmt") or 0)).quantize(MONEY)
    label = f"Payment of ${amount:,.2f} (QuickBooks Id {obj['Id']})"
    customer_ref = obj.get("CustomerRef") or {}
    customer = _connected_customer(ctx, customer_ref.get("value"))
    if customer is None:
        return ctx.skipped(label, f"its customer “{customer_ref.get('name', customer_ref.get('value'))}” is not a "
                                  f"connected Contractors Cloud customer account", local_type="payment")
    applied: list[tuple[Invoice, Decimal]] = []
    for line in obj.get("Line") or []:
        for txn in line.get("LinkedTxn") or []:
            if txn.get("TxnType") != "Invoice":
                continue
            invoice_link = links.find_remote(ctx.company_id, ctx.realm, "Invoice", str(txn.get("TxnId")))
            invoice = db.session.get(Invoice, invoice_link.local_id) if invoice_link is not None else None
            if invoice is None:
                return ctx.skipped(label, f"it is applied to QuickBooks invoice {txn.get('TxnId')}, which is not a "
                                          f"Contractors Cloud invoice", local_type="payment")
            if invoice.project is None or links.for_record(invoice.project, ctx.realm) is None:
                return ctx.skipped(label, f"invoice {invoice.number} does not belong to a connected Contractors "
                                          f"Cloud project", local_type="payment")
            applied.append((invoice, Decimal(str(line.get("Amount") or 0)).quantize(MONEY)))
    if not applied:
        return ctx.skipped(label, "it is not applied to any invoice", local_type="payment")

    projects = {invoice.project_id for invoice, _ in applied}
    method = (obj.get("PaymentMethodRef") or {}).get("name", "")
    payment = Payment(company_id=ctx.company_id, customer_id=customer.id,
                      project_id=projects.pop() if len(projects) == 1 else None,
                      payment_date=date.fromisoformat(obj["TxnDate"]) if obj.get("TxnDate") else date.today(),
                      amount=amount, method=method if method in PAYMENT_METHODS else "Other",
                      reference=str(obj.get("PaymentRefNum") or "")[:20], memo=str(obj.get("PrivateNote") or "")[:1000])
    for invoice, line_amount in applied:
        payment.allocations.append(PaymentAllocation(company_id=ctx.company_id, invoice_id=invoice.id,
                                                     amount=line_amount))
    db.session.add(payment)
    db.session.flush()
    links.save(ctx.company_id, ctx.realm, "online", "payment", payment.id, "Payment", str(obj["Id"]),
               str(obj.get("SyncToken", "0")), parse_time((obj.get("MetaData") or {}).get("LastUpdatedTime")),
               ctx.push_hash(payment))
    ctx.counts["added"] += 1
    numbers = ", ".join(invoice.number for invoice, _ in applied)
    ctx.note(f"{label}: imported from QuickBooks, applied to invoice {numbers}.", record=payment)
    return "added"


def _connected_customer(ctx, quickbooks_id: str | None) -> Customer | None:
    """The payment's customer: a connected customer account, or a connected job of one."""
    if not quickbooks_id:
        return None
    link = links.find_remote(ctx.company_id, ctx.realm, "Customer", str(quickbooks_id))
    if link is None:
        return None
    if link.local_type == "project":
        project = db.session.get(Project, link.local_id)
        customer = project.customer if project is not None else None
        return customer if customer is not None and links.for_record(customer, ctx.realm) is not None else None
    return db.session.get(Customer, link.local_id)
