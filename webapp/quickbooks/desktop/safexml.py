"""The one way this package parses XML that came from outside (Web Connector, QuickBooks, .qwc files).

Entity expansion, DTD loading and network access are off, huge trees are refused, and a document
that carries any DOCTYPE is rejected outright: none of the protocols we speak uses one, so a DOCTYPE
can only be an attack (billion laughs, external entities) or a mistake.
"""

from __future__ import annotations

from lxml import etree


class UnsafeXmlError(ValueError):
    """The document declares a DTD/entities, which we never accept."""


class MalformedXmlError(ValueError):
    """The bytes are not well-formed XML."""


def _parser() -> etree.XMLParser:
    # A parser per call: lxml parsers are not safe to share between threads.
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                           dtd_validation=False, remove_comments=True, remove_pis=False)


def parse(data: bytes | str) -> etree._Element:
    """Parse untrusted XML and return its root element, or raise UnsafeXmlError/MalformedXmlError."""
    if isinstance(data, str):
        # lxml refuses str input that carries an encoding declaration; bytes keep the declaration honest.
        data = data.encode("utf-8") if not data.lstrip().startswith("<?xml") else _reencode(data)
    if not data or not data.strip():
        raise MalformedXmlError("empty document")
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise MalformedXmlError(str(exc)) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise UnsafeXmlError("DOCTYPE declarations are not allowed")
    return root


def _reencode(text: str) -> bytes:
    # The declaration may claim another encoding; since we hold text, restate it as utf-8.
    end = text.find("?>")
    return ('<?xml version="1.0" encoding="utf-8"?>' + text[end + 2:]).encode("utf-8")


def local_name(element: etree._Element) -> str:
    """Tag without its namespace, so callers accept prefixed, default-namespaced and bare elements alike."""
    tag = element.tag
    if not isinstance(tag, str):  # processing instruction or entity reference left unexpanded
        return ""
    return etree.QName(tag).localname
