"""Invoices, credit memos, received payments and bills, with the arithmetic QuickBooks does:
line amounts, totals, balances, and payments applied to invoices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from webapp.quickbooks.desktop import errors
from webapp.quickbooks.desktop.schema import MAX_LENGTH

from .book import Book
from .fields import resolve_refs
from .status import StatusError, not_found, stale_edit_sequence, too_long

CENT = Decimal("0.01")


def money(value: Decimal) -> str:
    return str(value.quantize(CENT))


def _decimal(value: Any, field: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise StatusError(errors.INVALID_VALUE, f'The value "{value}" of "{field}" is not a number.') from None


def _ref_of(book: Book, kind: str, name: str) -> dict[str, str]:
    record = book.by_full_name(kind, name)
    return {"ListID": record["ListID"], "FullName": record["FullName"]} if record else {}


def _check_ref_number(kind: str, fields: dict[str, Any]) -> None:
    ref = fields.get("RefNumber")
    if ref and len(ref) > MAX_LENGTH[(kind, "RefNumber")]:
        raise too_long("RefNumber", ref)


def _header_defaults(book: Book, kind: str, fields: dict[str, Any]) -> None:
    today = book.now.date()
    fields.setdefault("TxnDate", today.isoformat())
    if not fields.get("RefNumber") and kind != "ReceivePayment":
        fields["RefNumber"] = book.next_ref_number(kind)
    terms = fields.get("TermsRef")
    if terms and "DueDate" not in fields:
        days = int(book.records("Terms")[terms["ListID"]].get("StdDueDays", "0"))
        fields["DueDate"] = (dt.date.fromisoformat(fields["TxnDate"]) + dt.timedelta(days=days)).isoformat()


def _sales_line(book: Book, line: dict[str, Any]) -> dict[str, Any]:
    """Amount = Quantity x Rate when not given; Rate defaults to the item's price."""
    item = book.records("Item").get(line.get("ItemRef", {}).get("ListID", "")) if line.get("ItemRef") else None
    if item and "Rate" not in line and "Amount" not in line:
        price = item.get("SalesOrPurchase", {}).get("Price") or item.get("SalesAndPurchase", {}).get("SalesPrice")
        if price:
            line["Rate"] = price
    if "Amount" not in line:
        quantity = _decimal(line.get("Quantity", "1"), "Quantity")
        rate = _decimal(line.get("Rate", "0"), "Rate")
        line["Amount"] = money(quantity * rate)
    else:
        line["Amount"] = money(_decimal(line["Amount"], "Amount"))
    return line


def _lines_total(lines: list[dict[str, Any]]) -> Decimal:
    return sum((Decimal(line["Amount"]) for line in lines), Decimal("0"))


def add_sales(book: Book, kind: str, fields: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """InvoiceAdd / CreditMemoAdd."""
    _check_ref_number(kind, fields)
    resolve_refs(book, fields, kind)
    fields.setdefault("ARAccountRef", _ref_of(book, "Account", "Accounts Receivable"))
    _header_defaults(book, kind, fields)
    line_key, ret_line = f"{kind}LineAdd", f"{kind}LineRet"
    lines = []
    for line in fields.pop(line_key, []):
        line = _sales_line(book, line)
        lines.append({"TxnLineID": book.next_line_id(), **line})
    total = _lines_total(lines)
    fields.setdefault("IsToBePrinted", "false")
    if kind == "Invoice":
        fields.update({"Subtotal": money(total), "SalesTaxTotal": "0.00", "AppliedAmount": "0.00",
                       "BalanceRemaining": money(total), "IsPaid": "false" if total > 0 else "true"})
    else:
        fields.update({"TotalAmount": money(total), "CreditRemaining": money(total)})
    fields[ret_line] = lines
    record = book.new_txn_record(kind, fields)
    return f"{kind}Ret", record


def _modifiable(book: Book, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The record a Mod names, after the EditSequence check (3120 unknown TxnID, 3200 stale)."""
    txn_id, edit_sequence = fields.pop("TxnID"), fields.pop("EditSequence")
    record = book.records(kind).get(txn_id)
    if record is None:
        raise not_found(txn_id)
    if record["EditSequence"] != edit_sequence:
        raise stale_edit_sequence(edit_sequence)
    _check_ref_number(kind, fields)
    resolve_refs(book, fields, kind)
    return record


def _set_header(record: dict[str, Any], fields: dict[str, Any]) -> None:
    for key, value in fields.items():
        if value == "":
            record.pop(key, None)  # an empty element clears the field
        else:
            record[key] = value


def _mod_lines(book: Book, existing_lines: list[dict[str, Any]], mods: list[dict[str, Any]],
               line: Any) -> list[dict[str, Any]]:
    """Lines after a Mod that lists lines: "-1" adds one, a known TxnLineID changes it, and the lines
    left out are deleted, as in QuickBooks. ``line`` completes each line (amounts, checks)."""
    existing = {item["TxnLineID"]: item for item in existing_lines}
    lines = []
    for change in mods:
        line_id = change.pop("TxnLineID")
        if line_id == "-1":
            base: dict[str, Any] = {"TxnLineID": book.next_line_id()}
        elif line_id in existing:
            base = dict(existing[line_id])
            if "Quantity" in change or "Rate" in change:
                base.pop("Amount", None)
        else:
            raise not_found(line_id)
        base.update(change)
        lines.append(line(book, base))
    return lines


def mod_invoice(book: Book, fields: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    record = _modifiable(book, "Invoice", fields)
    mods = fields.pop("InvoiceLineMod", None)
    _set_header(record, fields)
    if mods is not None:
        record["InvoiceLineRet"] = _mod_lines(book, record.get("InvoiceLineRet", []), mods, _sales_line)
    total = _lines_total(record.get("InvoiceLineRet", []))
    balance = total + Decimal(record.get("AppliedAmount", "0"))
    if balance < 0:
        raise StatusError(errors.INVALID_VALUE, "The invoice total cannot be less than the payments applied to it.")
    record.update({"Subtotal": money(total), "BalanceRemaining": money(balance), "IsPaid": str(balance == 0).lower()})
    book.touch(record)
    return "InvoiceRet", record


def mod_credit_memo(book: Book, fields: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    record = _modifiable(book, "CreditMemo", fields)
    used = Decimal(record.get("TotalAmount", "0")) - Decimal(record.get("CreditRemaining", "0"))
    mods = fields.pop("CreditMemoLineMod", None)
    _set_header(record, fields)
    if mods is not None:
        record["CreditMemoLineRet"] = _mod_lines(book, record.get("CreditMemoLineRet", []), mods, _sales_line)
    total = _lines_total(record.get("CreditMemoLineRet", []))
    if total - used < 0:
        raise StatusError(errors.INVALID_VALUE, "The credit memo total cannot be less than the credit already used.")
    record.update({"TotalAmount": money(total), "CreditRemaining": money(total - used)})
    book.touch(record)
    return "CreditMemoRet", record


def _customer_family(book: Book, customer_id: str) -> set[str]:
    """The customer and all its jobs (payments may apply to a job's invoices)."""
    family = {customer_id}
    frontier = [customer_id]
    while frontier:
        current = frontier.pop()
        for child in book.children("Customer", current):
            family.add(child["ListID"])
            frontier.append(child["ListID"])
    return family


def _requested_applications(invoices: dict, family: set[str], requested: list[dict[str, Any]]) -> list:
    """(invoice, amount) for each AppliedToTxn asked for, with QuickBooks' checks: 3120 for an invoice
    that is not this customer's (or its jobs'), 3210 for more than the invoice's open balance."""
    plan = []
    for applied in requested:
        invoice = invoices.get(applied["TxnID"])
        if invoice is None or invoice["CustomerRef"]["ListID"] not in family:
            raise not_found(applied["TxnID"])
        amount = _decimal(applied.get("PaymentAmount", invoice["BalanceRemaining"]), "PaymentAmount")
        if amount <= 0 or amount > Decimal(invoice["BalanceRemaining"]):
            raise StatusError(errors.INVALID_VALUE,
                              f'The payment amount {money(amount)} exceeds the open balance of transaction '
                              f'"{invoice["TxnID"]}".')
        plan.append((invoice, amount))
    return plan


def _apply(book: Book, plan: list) -> list[dict[str, Any]]:
    """Reduce each invoice's balance by its amount; returns the payment's AppliedToTxnRet records."""
    applied_rets = []
    for invoice, amount in plan:
        balance = Decimal(invoice["BalanceRemaining"]) - amount
        invoice["BalanceRemaining"] = money(balance)
        invoice["AppliedAmount"] = money(Decimal(invoice.get("AppliedAmount", "0")) - amount)
        invoice["IsPaid"] = str(balance == 0).lower()
        book.touch(invoice)
        applied_rets.append({"TxnID": invoice["TxnID"], "TxnType": "Invoice", "TxnDate": invoice["TxnDate"],
                             "RefNumber": invoice.get("RefNumber", ""), "BalanceRemaining": money(balance),
                             "Amount": money(-amount)})
    return applied_rets


def add_payment(book: Book, fields: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    _check_ref_number("ReceivePayment", fields)
    resolve_refs(book, fields, "ReceivePayment")
    fields.setdefault("ARAccountRef", _ref_of(book, "Account", "Accounts Receivable"))
    fields.setdefault("DepositToAccountRef", _ref_of(book, "Account", "Undeposited Funds"))
    _header_defaults(book, "ReceivePayment", fields)
    family = _customer_family(book, fields["CustomerRef"]["ListID"])
    invoices = book.records("Invoice")
    auto_apply = fields.pop("IsAutoApply", "false") == "true"
    requested = fields.pop("AppliedToTxnAdd", [])
    total = _decimal(fields["TotalAmount"], "TotalAmount") if "TotalAmount" in fields else None

    plan: list[tuple[dict[str, Any], Decimal]] = []
    if auto_apply:
        remaining = total if total is not None else Decimal("0")
        open_invoices = sorted((i for i in invoices.values() if i["CustomerRef"]["ListID"] in family
                                and Decimal(i["BalanceRemaining"]) > 0), key=lambda i: (i["TxnDate"], i["TxnNumber"]))
        for invoice in open_invoices:
            if remaining <= 0:
                break
            amount = min(remaining, Decimal(invoice["BalanceRemaining"]))
            plan.append((invoice, amount))
            remaining -= amount
    plan.extend(_requested_applications(invoices, family, requested))
    applied_total = sum((amount for _, amount in plan), Decimal("0"))
    if total is None:
        total = applied_total
    if applied_total > total:
        raise StatusError(errors.INVALID_VALUE, "The amounts applied exceed the payment's total amount.")

    applied_rets = _apply(book, plan)
    fields.update({"TotalAmount": money(total), "UnusedPayment": money(total - applied_total),
                   "UnusedCredits": "0.00", "AppliedToTxnRet": applied_rets})
    record = book.new_txn_record("ReceivePayment", fields)
    return "ReceivePaymentRet", record


def add_bill(book: Book, fields: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    _check_ref_number("Bill", fields)
    resolve_refs(book, fields, "Bill")
    fields.setdefault("APAccountRef", _ref_of(book, "Account", "Accounts Payable"))
    if not fields.get("RefNumber"):
        fields.pop("RefNumber", None)
    fields.setdefault("TxnDate", book.now.date().isoformat())
    fields.setdefault("DueDate", fields["TxnDate"])
    lines = []
    for line in fields.pop("ExpenseLineAdd", []):
        lines.append({"TxnLineID": book.next_line_id(), **_expense_line(book, line)})
    total = _lines_total(lines)
    fields.update({"AmountDue": money(total), "OpenAmount": money(total), "IsPaid": str(total == 0).lower(),
                   "ExpenseLineRet": lines})
    record = book.new_txn_record("Bill", fields)
    return "BillRet", record


def _unapply(book: Book, payment: dict[str, Any]) -> None:
    """Give back to each invoice what ``payment`` paid on it."""
    invoices = book.records("Invoice")
    for applied in payment.get("AppliedToTxnRet", []):
        invoice = invoices.get(applied["TxnID"])
        if invoice is None:
            continue
        amount = -Decimal(applied["Amount"])
        balance = Decimal(invoice["BalanceRemaining"]) + amount
        invoice["BalanceRemaining"] = money(balance)
        invoice["AppliedAmount"] = money(Decimal(invoice.get("AppliedAmount", "0")) + amount)
        invoice["IsPaid"] = str(balance == 0).lower()
        book.touch(invoice)


def mod_payment(book: Book, fields: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """ReceivePaymentMod. ``AppliedToTxnMod`` (when given) replaces the applications: every invoice
    the payment paid gets its amount back, then the listed ones are paid, with the same checks as
    an Add (3120 unknown invoice, 3210 more than its open balance or than the payment's total)."""
    record = _modifiable(book, "ReceivePayment", fields)
    requested = fields.pop("AppliedToTxnMod", None)
    _set_header(record, fields)
    customer_id = record["CustomerRef"]["ListID"]
    if requested is None:
        requested = [{"TxnID": a["TxnID"], "PaymentAmount": money(-Decimal(a["Amount"]))}
                     for a in record.get("AppliedToTxnRet", [])]
    _unapply(book, record)
    family = _customer_family(book, customer_id)
    invoices = book.records("Invoice")
    plan: list[tuple[dict[str, Any], Decimal]] = []
    plan.extend(_requested_applications(invoices, family, requested))
    total = _decimal(record["TotalAmount"], "TotalAmount")
    applied_total = sum((amount for _, amount in plan), Decimal("0"))
    if applied_total > total:
        raise StatusError(errors.INVALID_VALUE, "The amounts applied exceed the payment's total amount.")
    applied_rets = _apply(book, plan)
    record.update({"TotalAmount": money(total), "UnusedPayment": money(total - applied_total),
                   "AppliedToTxnRet": applied_rets})
    book.touch(record)
    return "ReceivePaymentRet", record


def _expense_line(book: Book, line: dict[str, Any]) -> dict[str, Any]:
    line["Amount"] = money(_decimal(line.get("Amount", "0"), "Amount"))
    if line.get("BillableStatus") not in (None, "Billable", "NotBillable", "HasBeenBilled"):
        raise StatusError(errors.INVALID_VALUE, f'"{line["BillableStatus"]}" is not a BillableStatus.')
    return line


def mod_bill(book: Book, fields: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """BillMod: header fields, then ``ClearExpenseLines`` (drop every line) or ``ExpenseLineMod``
    (replace the lines, see _mod_lines). Totals and the open amount follow the lines."""
    record = _modifiable(book, "Bill", fields)
    paid = Decimal(record.get("AmountDue", "0")) - Decimal(record.get("OpenAmount", "0"))
    clear = fields.pop("ClearExpenseLines", "false") == "true"
    mods = fields.pop("ExpenseLineMod", None)
    if clear and mods:
        raise StatusError(errors.INVALID_VALUE, "ClearExpenseLines cannot be combined with ExpenseLineMod.")
    _set_header(record, fields)
    if clear:
        record["ExpenseLineRet"] = []
    elif mods is not None:
        record["ExpenseLineRet"] = _mod_lines(book, record.get("ExpenseLineRet", []), mods, _expense_line)
    total = _lines_total(record.get("ExpenseLineRet", []))
    if total - paid < 0:
        raise StatusError(errors.INVALID_VALUE, "The bill total cannot be less than the payments applied to it.")
    record.update({"AmountDue": money(total), "OpenAmount": money(total - paid),
                   "IsPaid": str(total - paid == 0).lower()})
    book.touch(record)
    return "BillRet", record
