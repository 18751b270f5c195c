"""QuickBooks Desktop status codes and Web Connector HRESULTs, and how to react to them.

The numbers are QuickBooks' (qbXML statusCode attribute); the grouping into "retry later",
"re-query then retry" etc. is ours, kept here so the queue and the simulator agree.
"""

from __future__ import annotations

# ---- qbXML statusCode values --------------------------------------------------------------------
OK = 0
NO_MATCH = 1  # a query found nothing: not an error
PARTIAL = 500  # some of the requested ListIDs/FullNames were not found
INTERNAL_ERROR = 1000
INVALID_REQUEST_ID = 1060
STRING_TOO_LONG = 3070
NAME_IN_USE = 3100
OBJECT_NOT_FOUND = 3120
INVALID_REFERENCE = 3140
MODIFIED_BY_OTHER_USER = 3170
COULD_NOT_LOCK = 3175
LOCK_FAILED = 3176
IN_USE = 3180
EDIT_SEQUENCE_OUT_OF_DATE = 3200
INVALID_VALUE = 3210
FEATURE_NOT_ENABLED = 3250
PERMISSION_DENIED = 3260
PERMISSION_DENIED_SENSITIVE = 3261

# Another user or process holds the record: the same request succeeds later (retry with backoff).
LOCK_CODES = frozenset({MODIFIED_BY_OTHER_USER, COULD_NOT_LOCK, LOCK_FAILED, IN_USE})

SUCCESS_CODES = frozenset({OK, NO_MATCH})

STATUS_MESSAGES = {
    OK: "Status OK",
    NO_MATCH: "A query request did not find a matching object in QuickBooks",
    PARTIAL: "The query request has not been fully completed. There was a required element that could not be "
             "found in QuickBooks.",
    INTERNAL_ERROR: "There has been an internal error when processing the request.",
    INVALID_REQUEST_ID: "The requestID is invalid.",
    STRING_TOO_LONG: "The string is too long.",
    NAME_IN_USE: "The name of the list element is already in use.",
    OBJECT_NOT_FOUND: "The object specified in the request cannot be found.",
    INVALID_REFERENCE: "There is an invalid reference in the request.",
    MODIFIED_BY_OTHER_USER: "The record has been modified by another user.",
    COULD_NOT_LOCK: "The record could not be locked: it is in use by another user.",
    LOCK_FAILED: "Failed to acquire the lock on the record.",
    IN_USE: "The object is in use by another user or process.",
    EDIT_SEQUENCE_OUT_OF_DATE: "The provided edit sequence is out-of-date.",
    INVALID_VALUE: "The request contains an invalid value.",
    FEATURE_NOT_ENABLED: "The feature is not enabled in this company file.",
    PERMISSION_DENIED: "Insufficient permission level to perform this action.",
    PERMISSION_DENIED_SENSITIVE: "Insufficient permission level to view sensitive data.",
}


def severity(status_code: int) -> str:
    """statusSeverity QuickBooks pairs with a code: Info for success, Warn for partial, Error otherwise."""
    if status_code in SUCCESS_CODES:
        return "Info"
    if status_code == PARTIAL:
        return "Warn"
    return "Error"


def is_retryable_later(status_code: int) -> bool:
    return status_code in LOCK_CODES


def classify(status_code: int) -> str:
    """What the queue should do with a response, as one word:

    ``ok`` done; ``no_match`` a query found nothing; ``partial`` some requested objects are missing;
    ``retry_later`` locked by someone (backoff); ``stale`` re-query the EditSequence and retry once;
    ``name_in_use`` query by name and link if it is the same record; ``missing_reference`` queue the
    dependency first; ``not_found`` the target is gone; ``error`` anything else (fail with the message).
    """
    return {
        OK: "ok", NO_MATCH: "no_match", PARTIAL: "partial", EDIT_SEQUENCE_OUT_OF_DATE: "stale",
        NAME_IN_USE: "name_in_use", INVALID_REFERENCE: "missing_reference", OBJECT_NOT_FOUND: "not_found",
    }.get(status_code, "retry_later" if status_code in LOCK_CODES else "error")


# ---- HRESULTs the Web Connector reports (receiveResponseXML / connectionError) --------------------
HRESULT_PARSE_ERROR = "0x80040400"
HRESULT_COULD_NOT_ACCESS_QB = "0x80040401"
HRESULT_COULD_NOT_START_QB = "0x80040408"
# UNCONFIRMED: the HRESULT QuickBooks gives when another company file is open; the text is QuickBooks'.
HRESULT_COMPANY_FILE_MISMATCH = "0x80040410"

HRESULT_MESSAGES = {
    HRESULT_PARSE_ERROR: "QuickBooks found an error when parsing the provided XML text stream.",
    HRESULT_COULD_NOT_ACCESS_QB: "Could not access QuickBooks.",
    HRESULT_COULD_NOT_START_QB: "Could not start QuickBooks.",
    HRESULT_COMPANY_FILE_MISMATCH: "A QuickBooks company data file is already open and it is different from the "
                                   "one requested.",
}
