"""Records to qbXML Ret elements, and the response message around them."""

from __future__ import annotations

from typing import Any, Iterable

from lxml import etree

_HEAD = ("ListID", "TxnID", "TimeCreated", "TimeModified", "EditSequence", "TxnNumber", "Name", "FullName",
         "IsActive", "ParentRef", "Sublevel")
LINE_RETS = frozenset({"InvoiceLineRet", "CreditMemoLineRet", "ExpenseLineRet"})


def _append(parent: etree._Element, key: str, value: Any) -> None:
    if isinstance(value, list):
        for item in value:
            _append(parent, key, item)
        return
    child = etree.SubElement(parent, key)
    if isinstance(value, dict):
        for sub_key, sub_value in value.items():
            if not sub_key.startswith("_"):
                _append(child, sub_key, sub_value)
    else:
        child.text = str(value)


def ret_element(ret_name: str, record: dict[str, Any], *, include_lines: bool = True,
                include: Iterable[str] | None = None) -> etree._Element:
    element = etree.Element(ret_name)
    wanted = set(include) if include else None
    keys = [k for k in _HEAD if k in record] + [k for k in record if k not in _HEAD]
    for key in keys:
        if key.startswith("_") or (not include_lines and key in LINE_RETS):
            continue
        if wanted is not None and key not in wanted:
            continue
        _append(element, key, record[key])
    return element


def response_message(responses: list[etree._Element]) -> str:
    root = etree.Element("QBXML")
    msgs = etree.SubElement(root, "QBXMLMsgsRs")
    for response in responses:
        msgs.append(response)
    return '<?xml version="1.0" ?>\n' + etree.tostring(root, encoding="unicode", pretty_print=True)
