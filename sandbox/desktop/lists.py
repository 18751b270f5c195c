"""Adds and mods of list objects: customers and jobs, vendors, employees, sales reps, service items,
classes and standard terms, with QuickBooks' rules for names, hierarchy and EditSequence."""

from __future__ import annotations

from typing import Any

from webapp.quickbooks.desktop import errors
from webapp.quickbooks.desktop.schema import MAX_LENGTH

from .book import NAME_KINDS, Book
from .fields import resolve_refs
from .status import StatusError, name_in_use, not_found, stale_edit_sequence, too_long

# request object -> (list kind in the book, Ret element, label used in error messages)
LIST_OBJECTS = {
    "Customer": ("Customer", "CustomerRet", "Customer"),
    "Vendor": ("Vendor", "VendorRet", "Vendor"),
    "Employee": ("Employee", "EmployeeRet", "Employee"),
    "SalesRep": ("SalesRep", "SalesRepRet", "SalesRep"),
    "ItemService": ("Item", "ItemServiceRet", "ItemService"),
    "Class": ("Class", "ClassRet", "Class"),
    "StandardTerms": ("Terms", "StandardTermsRet", "StandardTerms"),
}

# Lists whose names nest with ParentRef ("Parent:Child").
_HIERARCHICAL = {"Customer", "Item", "Class"}


def _unique_within(kind: str) -> tuple[str, ...]:
    return NAME_KINDS if kind in NAME_KINDS else (kind,)


def _check_lengths(obj: str, kind: str, fields: dict[str, Any]) -> None:
    limit_kind = {"ItemService": "Item", "StandardTerms": "Terms"}.get(obj, obj)
    for key, value in fields.items():
        if isinstance(value, str):
            limit = MAX_LENGTH.get((limit_kind, key)) or MAX_LENGTH.get(("*", key))
            if limit and len(value) > limit:
                raise too_long(key, value)


def _employee_name(fields: dict[str, Any]) -> str:
    return " ".join(p for p in (fields.get("FirstName"), fields.get("MiddleName"), fields.get("LastName")) if p)


def _place(book: Book, kind: str, record: dict[str, Any]) -> None:
    """Set FullName/Sublevel from Name and ParentRef, refusing names already in use (3100)."""
    if kind == "Employee":
        record["Name"] = _employee_name(record) or record.get("Name", "")
        if not record["Name"]:
            raise StatusError(errors.INVALID_VALUE, "An employee needs a first or last name.")
    if kind == "SalesRep":
        owner = next((r for r in book.records("SalesRep").values()
                      if r["Initial"].lower() == record["Initial"].lower() and r.get("ListID") != record.get("ListID")),
                     None)
        if owner is not None:
            raise name_in_use(record["Initial"])
        return
    name = record["Name"]
    if ":" in name:
        raise StatusError(errors.INVALID_VALUE, f'The name "{name}" cannot contain a colon.')
    parent = record.get("ParentRef")
    if parent and kind in _HIERARCHICAL:
        parent_record = book.records(kind)[parent["ListID"]]
        if parent_record["ListID"] == record.get("ListID"):
            raise StatusError(errors.INVALID_VALUE, "An object cannot be its own parent.")
        record["FullName"] = f"{parent_record['FullName']}:{name}"
        record["Sublevel"] = str(int(parent_record.get("Sublevel", "0")) + 1)
    else:
        record.pop("ParentRef", None)
        record["FullName"] = name
        if kind in _HIERARCHICAL:
            record["Sublevel"] = "0"
    if book.name_owner(record["FullName"], kinds=_unique_within(kind), exclude=record.get("ListID")):
        raise name_in_use(record["FullName"])


def _rename_children(book: Book, kind: str, record: dict[str, Any]) -> None:
    for child in book.children(kind, record["ListID"]):
        child["ParentRef"] = {"ListID": record["ListID"], "FullName": record["FullName"]}
        child["FullName"] = f"{record['FullName']}:{child['Name']}"
        child["Sublevel"] = str(int(record.get("Sublevel", "0")) + 1)
        book.touch(child)
        _rename_children(book, kind, child)


def apply_outside_edit(book: Book, kind: str, record: dict[str, Any], fields: dict[str, Any]) -> None:
    """A change made by a QuickBooks user: same naming rules as a Mod, without the EditSequence check."""
    old_full_name = record.get("FullName")
    record.update(fields)
    if kind in LIST_KINDS_WITH_NAMES:
        _place(book, kind, record)
    book.touch(record)
    if kind in _HIERARCHICAL and record.get("FullName") != old_full_name:
        _rename_children(book, kind, record)


LIST_KINDS_WITH_NAMES = frozenset({"Customer", "Vendor", "Employee", "SalesRep", "Item", "Class", "Terms"})


def add(book: Book, obj: str, fields: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    kind, ret, label = LIST_OBJECTS[obj]
    _check_lengths(obj, kind, fields)
    resolve_refs(book, fields, label, parent_kind=kind if kind in _HIERARCHICAL else None)
    fields.setdefault("IsActive", "true")
    if kind == "Terms":
        fields.setdefault("StdDueDays", "0")
        fields["_ret"] = ret
    if kind == "Item":
        fields["_ret"] = ret
    probe = dict(fields)
    _place(book, kind, probe)
    record = book.new_list_record(kind, probe)
    return ret, record


def mod(book: Book, obj: str, fields: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    kind, ret, label = LIST_OBJECTS[obj]
    list_id = fields.pop("ListID")
    edit_sequence = fields.pop("EditSequence")
    record = book.records(kind).get(list_id)
    if record is None:
        raise not_found(list_id)
    if record["EditSequence"] != edit_sequence:
        raise stale_edit_sequence(edit_sequence)
    _check_lengths(obj, kind, fields)
    resolve_refs(book, fields, label, parent_kind=kind if kind in _HIERARCHICAL else None)
    for key in ("SalesOrPurchaseMod", "SalesAndPurchaseMod"):
        if key in fields:
            target = key[:-3]
            merged = dict(record.get(target, {}))
            merged.update({k: v for k, v in fields.pop(key).items() if not k.startswith("Apply")})
            fields[target] = merged
    old_full_name = record.get("FullName")
    for key, value in fields.items():
        if value == "":
            record.pop(key, None)  # an empty element clears the field in QuickBooks
        else:
            record[key] = value
    _place(book, kind, record)
    book.touch(record)
    if kind in _HIERARCHICAL and record.get("FullName") != old_full_name:
        _rename_children(book, kind, record)
    return ret, record
