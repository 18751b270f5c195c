"""Request elements to record fields, and references resolved against the company's lists."""

from __future__ import annotations

from typing import Any

from lxml import etree

from webapp.quickbooks.desktop import safexml
from webapp.quickbooks.desktop.schema import REPEATABLE

from .book import Book
from .status import invalid_reference

# Which list each reference points into. ParentRef depends on the object (see resolve_refs).
REF_TARGETS: dict[str, tuple[str, ...]] = {
    "CustomerRef": ("Customer",), "ClassRef": ("Class",), "TermsRef": ("Terms",), "SalesRepRef": ("SalesRep",),
    "SalesTaxCodeRef": ("SalesTaxCode",), "CustomerSalesTaxCodeRef": ("SalesTaxCode",),
    "PurchaseTaxCodeRef": ("SalesTaxCode",), "VendorRef": ("Vendor",), "PrefVendorRef": ("Vendor",),
    "AccountRef": ("Account",), "ARAccountRef": ("Account",), "APAccountRef": ("Account",),
    "DepositToAccountRef": ("Account",), "IncomeAccountRef": ("Account",), "ExpenseAccountRef": ("Account",),
    "OverrideItemAccountRef": ("Account",), "DiscountAccountRef": ("Account",), "ItemRef": ("Item",),
    "PaymentMethodRef": ("PaymentMethod",), "SalesRepEntityRef": ("Employee", "Vendor", "OtherName"),
}

_LIST_LABEL = {"Customer": "Customer:Job", "Item": "Item", "Account": "Account", "SalesRep": "Sales Rep",
               "Terms": "Terms", "Class": "Class", "Vendor": "Vendor", "SalesTaxCode": "Sales Tax Code",
               "PaymentMethod": "Payment Method", "Employee": "Entity"}


_ALWAYS_LISTS = frozenset({"InvoiceLineAdd", "InvoiceLineMod", "CreditMemoLineAdd", "CreditMemoLineMod",
                           "AppliedToTxnAdd", "AppliedToTxnMod", "ExpenseLineAdd", "ExpenseLineMod",
                           "IncludeRetElement", "OwnerID"})


def element_fields(element: etree._Element, aggregate: str | None = None) -> dict[str, Any]:
    """Children as a dict: text for leaves, dicts for aggregates, lists for repeatable elements.

    ListID/FullName/TxnID/RefNumber repeat only in queries and their filters; elsewhere (a Mod's
    ListID, a reference's FullName) they are single values.
    """
    aggregate = aggregate or safexml.local_name(element)
    identity_lists = aggregate.endswith(("Query", "Filter"))
    result: dict[str, Any] = {}
    for child in element:
        name = safexml.local_name(child)
        if not name:
            continue
        value: Any = element_fields(child, name) if len(child) else (child.text or "").strip()
        if name in _ALWAYS_LISTS or (identity_lists and name in REPEATABLE):
            result.setdefault(name, []).append(value)
        else:
            result[name] = value
    return result


def resolve_ref(book: Book, ref_name: str, value: dict[str, Any], kinds: tuple[str, ...],
                in_object: str) -> dict[str, str]:
    for kind in kinds:
        record = None
        if value.get("ListID"):
            record = book.records(kind).get(value["ListID"])
        elif value.get("FullName"):
            record = book.by_full_name(kind, value["FullName"])
        if record is not None:
            full_name = record["Initial"] if kind == "SalesRep" else record.get("FullName", record.get("Name"))
            return {"ListID": record["ListID"], "FullName": full_name}
    shown = value.get("ListID") or value.get("FullName") or ""
    raise invalid_reference(_LIST_LABEL.get(kinds[0], kinds[0]), shown, in_object)


def resolve_refs(book: Book, fields: dict[str, Any], in_object: str, parent_kind: str | None = None) -> None:
    """Replace every reference in ``fields`` (recursively) by {ListID, FullName}, or raise 3140."""
    for key, value in list(fields.items()):
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    resolve_refs(book, item, in_object, parent_kind)
        elif isinstance(value, dict):
            if key == "ParentRef" and parent_kind:
                fields[key] = resolve_ref(book, key, value, (parent_kind,), in_object)
            elif key in REF_TARGETS:
                fields[key] = resolve_ref(book, key, value, REF_TARGETS[key], in_object)
            else:
                resolve_refs(book, value, in_object, parent_kind)
