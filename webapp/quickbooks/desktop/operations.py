"""The Web Connector contract as data: operations, their parameters and result types.

Names and types are Intuit's (QBWebConnectorSvc.wsdl, namespace http://developer.intuit.com/).
``soap.py`` dispatches from this table and ``wsdl.py`` renders the WSDL from it, so the service and
its description cannot drift apart.

Choice: ``serverVersion`` takes no parameter, as in Intuit's programmer's guide
(``string serverVersion()``). Some published WSDLs declare ``strVersion`` for it; the dispatcher
ignores any parameter it receives, so both kinds of client work.
"""

from __future__ import annotations

from dataclasses import dataclass

NAMESPACE = "http://developer.intuit.com/"
SERVICE_NAME = "QBWebConnectorSvc"
PORT_NAME = "QBWebConnectorSvcSoap"

STRING = "string"
INT = "int"
STRING_ARRAY = "ArrayOfString"


@dataclass(frozen=True)
class Operation:
    name: str
    params: tuple[tuple[str, str], ...]  # (element name, STRING | INT), in sequence order
    result: str  # STRING | INT | STRING_ARRAY
    method: str  # the WebConnectorService method that answers it

    @property
    def soap_action(self) -> str:
        return NAMESPACE + self.name


OPERATIONS: dict[str, Operation] = {op.name: op for op in (
    Operation("serverVersion", (), STRING, "server_version"),
    Operation("clientVersion", (("strVersion", STRING),), STRING, "client_version"),
    Operation("authenticate", (("strUserName", STRING), ("strPassword", STRING)), STRING_ARRAY, "authenticate"),
    Operation("sendRequestXML", (("ticket", STRING), ("strHCPResponse", STRING), ("strCompanyFileName", STRING),
                                 ("qbXMLCountry", STRING), ("qbXMLMajorVers", INT), ("qbXMLMinorVers", INT)),
              STRING, "send_request_xml"),
    Operation("receiveResponseXML", (("ticket", STRING), ("response", STRING), ("hresult", STRING),
                                     ("message", STRING)), INT, "receive_response_xml"),
    Operation("connectionError", (("ticket", STRING), ("hresult", STRING), ("message", STRING)), STRING,
              "connection_error"),
    Operation("getLastError", (("ticket", STRING),), STRING, "get_last_error"),
    Operation("closeConnection", (("ticket", STRING),), STRING, "close_connection"),
    Operation("getInteractiveURL", (("wcTicket", STRING), ("sessionID", STRING)), STRING, "get_interactive_url"),
    Operation("interactiveDone", (("wcTicket", STRING),), STRING, "interactive_done"),
    Operation("interactiveRejected", (("wcTicket", STRING), ("reason", STRING)), STRING, "interactive_rejected"),
)}
