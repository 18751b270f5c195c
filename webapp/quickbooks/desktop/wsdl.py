"""The WSDL served at ``/qbwc?wsdl``: Intuit's QBWebConnectorSvc shape, rendered from ``operations.py``.

Same target namespace, element/message/part names (``<op>SoapIn``/``<op>SoapOut`` with a single
``parameters`` part), portType/binding ``QBWebConnectorSvcSoap`` and service ``QBWebConnectorSvc``
as Intuit's file, so tools generated from Intuit's WSDL and ours see the same contract. Only
``soap:address`` changes: it is the URL the caller gives (the app's own /qbwc URL).
"""

from __future__ import annotations

from functools import lru_cache

from lxml import etree

from .operations import INT, NAMESPACE, OPERATIONS, PORT_NAME, SERVICE_NAME, STRING_ARRAY

_WSDL = "http://schemas.xmlsoap.org/wsdl/"
_SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
_XSD = "http://www.w3.org/2001/XMLSchema"
_NSMAP = {"wsdl": _WSDL, "soap": _SOAP, "s": _XSD, "tns": NAMESPACE}


def _w(tag: str) -> str:
    return f"{{{_WSDL}}}{tag}"


def _s(tag: str) -> str:
    return f"{{{_XSD}}}{tag}"


def _schema_element(schema: etree._Element, name: str, children: list[tuple[str, str, int]]) -> None:
    element = etree.SubElement(schema, _s("element"), name=name)
    complex_type = etree.SubElement(element, _s("complexType"))
    if not children:
        return
    sequence = etree.SubElement(complex_type, _s("sequence"))
    for child, xsd_type, min_occurs in children:
        etree.SubElement(sequence, _s("element"), minOccurs=str(min_occurs), maxOccurs="1", name=child,
                         type=xsd_type)


def _xsd_type(kind: str) -> str:
    return {INT: "s:int", STRING_ARRAY: "tns:ArrayOfString"}.get(kind, "s:string")


@lru_cache(maxsize=1)
def _template() -> bytes:
    root = etree.Element(_w("definitions"), nsmap=_NSMAP, targetNamespace=NAMESPACE)
    types = etree.SubElement(root, _w("types"))
    schema = etree.SubElement(types, _s("schema"), elementFormDefault="qualified", targetNamespace=NAMESPACE)
    for op in OPERATIONS.values():
        # ints are value types in .NET: minOccurs 1, as Intuit declares them
        _schema_element(schema, op.name, [(n, _xsd_type(t), 1 if t == INT else 0) for n, t in op.params])
        _schema_element(schema, op.name + "Response",
                        [(op.name + "Result", _xsd_type(op.result), 1 if op.result == INT else 0)])
    array = etree.SubElement(schema, _s("complexType"), name="ArrayOfString")
    etree.SubElement(etree.SubElement(array, _s("sequence")), _s("element"), minOccurs="0",
                     maxOccurs="unbounded", name="string", nillable="true", type="s:string")
    for op in OPERATIONS.values():
        for suffix, element in (("SoapIn", op.name), ("SoapOut", op.name + "Response")):
            message = etree.SubElement(root, _w("message"), name=op.name + suffix)
            etree.SubElement(message, _w("part"), name="parameters", element="tns:" + element)
    port_type = etree.SubElement(root, _w("portType"), name=PORT_NAME)
    for op in OPERATIONS.values():
        operation = etree.SubElement(port_type, _w("operation"), name=op.name)
        etree.SubElement(operation, _w("input"), message=f"tns:{op.name}SoapIn")
        etree.SubElement(operation, _w("output"), message=f"tns:{op.name}SoapOut")
    binding = etree.SubElement(root, _w("binding"), name=PORT_NAME, type="tns:" + PORT_NAME)
    etree.SubElement(binding, f"{{{_SOAP}}}binding", transport="http://schemas.xmlsoap.org/soap/http")
    for op in OPERATIONS.values():
        operation = etree.SubElement(binding, _w("operation"), name=op.name)
        etree.SubElement(operation, f"{{{_SOAP}}}operation", soapAction=op.soap_action, style="document")
        for direction in ("input", "output"):
            etree.SubElement(etree.SubElement(operation, _w(direction)), f"{{{_SOAP}}}body", use="literal")
    service = etree.SubElement(root, _w("service"), name=SERVICE_NAME)
    port = etree.SubElement(service, _w("port"), name=PORT_NAME, binding="tns:" + PORT_NAME)
    etree.SubElement(port, f"{{{_SOAP}}}address", location="")
    return etree.tostring(root)


def wsdl(service_url: str) -> bytes:
    """The WSDL document (UTF-8 bytes) with ``soap:address`` set to ``service_url``."""
    root = etree.fromstring(_template())
    root.find(f".//{{{_SOAP}}}address").set("location", service_url)  # lxml escapes the URL
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
