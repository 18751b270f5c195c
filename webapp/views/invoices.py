from __future__ import annotations

from flask import Blueprint

from webapp.forms.invoices import InvoiceForm, SalesLineForm
from webapp.models import Invoice, InvoiceLine
from webapp.views.sales import SalesKind, register

bp = Blueprint("invoices", __name__)

register(bp, SalesKind(
    area="invoices", model=Invoice, line_model=InvoiceLine, form_class=InvoiceForm, line_form=SalesLineForm,
    id_arg="invoice_id", label="Invoice", date_attr="invoice_date",
))
