"""QuickBooks Online faults as exceptions, with the fix hint an admin can act on.

python-quickbooks maps codes loosely (5010 and 6240 both surface as its base exception), so faults
are classified here, in one place, from the code Intuit sends.
"""
from __future__ import annotations


class QBOError(Exception):
    retryable = False

    def __init__(self, message: str, code: str = "", detail: str = "", status: int = 400, element: str = ""):
        super().__init__(message)
        self.message, self.code, self.detail, self.status, self.element = message, str(code), detail, status, element

    @property
    def hint(self) -> str:
        return HINTS.get(self.code, "")

    def as_detail(self) -> dict:
        return {"code": self.code, "message": self.message, "detail": self.detail, "hint": self.hint}


class Retryable(QBOError):
    """429, 5xx, timeouts and dropped connections: the same request may be sent again later."""

    retryable = True

    def __init__(self, message: str, code: str = "", detail: str = "", status: int = 503, delay: float | None = None):
        super().__init__(message, code, detail, status)
        self.delay = delay


class Throttled(Retryable):
    pass


class Unauthorized(QBOError):
    pass


class StaleObject(QBOError):  # 5010
    pass


class DuplicateName(QBOError):  # 6240
    pass


class DuplicateDocNumber(QBOError):  # 6140
    pass


class NotFound(QBOError):  # 610
    pass


HINTS = {
    "5010": "Someone changed this record in QuickBooks at the same time. Press Sync again.",
    "6240": "The name is already used by another customer, vendor or employee in QuickBooks. Rename one of "
            "them, or change the Customer Account Name Format in Company Settings → QuickBooks.",
    "6140": "QuickBooks already has a document with this number. Check the invoice numbers in QuickBooks.",
    "610": "A record this one refers to was deleted or made inactive in QuickBooks. Re-create or unlink it "
           "from the QuickBooks panel, then sync again.",
    "6000": "QuickBooks refused the data. Check the record's required fields.",
    "2020": "A required field is missing.",
    "3200": "QuickBooks refused the authorization. Reconnect QuickBooks from your profile.",
    "3001": "QuickBooks is limiting requests; the sync retries automatically in a minute.",
}

BY_CODE = {"5010": StaleObject, "6240": DuplicateName, "6140": DuplicateDocNumber, "610": NotFound}


def from_fault(fault: dict, status: int = 400) -> QBOError:
    errors = fault.get("Error") or fault.get("error") or [{}]
    first = errors[0]
    code = str(first.get("code", ""))
    message = first.get("Message") or first.get("message") or "QuickBooks returned an error"
    cls = BY_CODE.get(code, QBOError)
    if status == 401 or code in ("3200", "100"):
        cls = Unauthorized
    return cls(message, code, first.get("Detail", ""), status, first.get("element", ""))
