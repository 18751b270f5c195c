from __future__ import annotations

from flask import Blueprint

from webapp.forms.credit_memos import CreditMemoForm
from webapp.forms.invoices import SalesLineForm
from webapp.models import CreditMemo, CreditMemoLine
from webapp.views.sales import SalesKind, register

bp = Blueprint("credit_memos", __name__)

register(bp, SalesKind(
    area="credit_memos", model=CreditMemo, line_model=CreditMemoLine, form_class=CreditMemoForm,
    line_form=SalesLineForm,
    id_arg="credit_memo_id", label="Credit memo", date_attr="memo_date",
    # The spec: refunds and overpayments are outside the integration.
    note="Refunds and overpayments are not synced to QuickBooks: enter them manually in QuickBooks.",
))
