"""QuickBooks Online error shapes.

Intuit has two shapes: the API fault `{"Fault": {"Error": [...], "type": ...}, "time": ...}` (code as
a string) and the gateway's lowercase `{"fault": {"error": [...], "type": "AUTHENTICATION"}}` for
authentication. Codes and their HTTP statuses live here, in one place, so an UNCONFIRMED choice can
be changed once.
"""
from __future__ import annotations

from dataclasses import dataclass, field

OBJECT_NOT_FOUND_DETAIL = (
    "Object Not Found : Something you're trying to use has been made inactive. "
    "Check the fields with accounts, customers, items, vendors or employees."
)


@dataclass
class QBFault(Exception):
    code: str
    message: str
    detail: str = ""
    element: str = ""
    status: int = 400
    type: str = "ValidationFault"
    extra: list = field(default_factory=list)

    def body(self, time: str) -> dict:
        errors = [{"Message": self.message, "Detail": self.detail, "code": self.code, "element": self.element}]
        return {"Fault": {"Error": errors, "type": self.type}, "time": time}

    def fault_only(self) -> dict:
        """The `Fault` member alone, as used inside batch item responses."""
        return self.body("")["Fault"]


def stale_object(entity: str, id_: str, given, current: str) -> QBFault:
    return QBFault(
        "5010", "Stale Object Error",
        f"Stale Object Error : You and another user were working on the same thing. Please try again. "
        f"({entity} Id={id_}, SyncToken given={given}, current={current})",
    )


def duplicate_name(name: str) -> QBFault:
    return QBFault(
        "6240", "Duplicate Name Exists Error",
        f"The name supplied already exists. : Another customer, vendor or employee is already using this name. "
        f"Please use a different name. Name={name}",
    )


def duplicate_list_name(entity: str, name: str) -> QBFault:
    # Items, accounts, classes and terms have their own name namespaces; Intuit uses 6240 for them too.
    return QBFault("6240", "Duplicate Name Exists Error",
                   f"The name supplied already exists. : {entity} name {name} is already in use.")


def duplicate_doc_number(entity: str, doc: str) -> QBFault:
    # UNCONFIRMED code (reference: 6140 most likely).
    return QBFault("6140", "Duplicate Document Number Error",
                   f"Duplicate Document Number Error : You must specify a different number. "
                   f"This number has already been used. DocNumber={doc} is assigned to {entity}",
                   element="DocNumber")


def not_found(detail: str = OBJECT_NOT_FOUND_DETAIL, element: str = "") -> QBFault:
    return QBFault("610", "Object Not Found", detail, element)


def required(param: str) -> QBFault:
    return QBFault("2020", "Required param missing, need to supply the required value for the API",
                   f"Required parameter {param} is missing in the request", element=param)


def invalid(detail: str, element: str = "") -> QBFault:
    return QBFault("2050", "String length is either shorter or longer than supported by specification",
                   detail, element)


def business(detail: str, element: str = "") -> QBFault:
    return QBFault("6000", "A business validation error has occurred while processing your request",
                   f"Business Validation Error: {detail}", element)


def query_error(detail: str) -> QBFault:
    return QBFault("4000", "Error parsing query", f"QueryParserError: {detail}")


def unsupported(detail: str) -> QBFault:
    return QBFault("500", "Unsupported Operation", detail, type="ValidationFault")


def throttled() -> QBFault:
    return QBFault("3001", "message=ThrottleExceeded; errorCode=003001; statusCode=429",
                   "The request limit was reached.", status=429, type="SERVICE")


def system_failure(status: int = 500) -> QBFault:
    return QBFault("10000", "An application error has occurred while processing your request",
                   "System Failure Error: An unexpected error occurred while accessing or saving your data. "
                   "Please wait a few minutes and try again.", status=status, type="SystemFault")


def throttle_xml(time: str) -> str:
    """Intuit has been seen to send 429s as XML even when JSON was asked for."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="{time}">'
        '<Fault type="SERVICE"><Error code="3001">'
        '<Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message>'
        '<Detail>The request limit was reached.</Detail></Error></Fault></IntuitResponse>'
    )


def authentication_body() -> dict:
    """The gateway's 401, a different (lowercase) shape from API faults."""
    return {"fault": {"error": [{
        "message": "message=AuthenticationFailed; errorCode=003200; statusCode=401",
        "detail": "Token expired or invalid",
        "code": "3200",
    }], "type": "AUTHENTICATION"}}


def authorization_body() -> dict:
    """A valid token used on a company it was not issued for."""
    return {"fault": {"error": [{
        "message": "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403",
        "detail": "The application is not authorized to access this company",
        "code": "3100",
    }], "type": "AUTHORIZATION"}}
