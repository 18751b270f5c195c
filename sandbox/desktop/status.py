"""A request-level failure: QuickBooks answers the request with this statusCode, the message goes on."""

from __future__ import annotations

from webapp.quickbooks.desktop import errors


class StatusError(Exception):
    def __init__(self, code: int, message: str | None = None) -> None:
        super().__init__(message or errors.STATUS_MESSAGES.get(code, "Error"))
        self.code = code
        self.message = message or errors.STATUS_MESSAGES.get(code, "Error")


def not_found(identifier: str) -> StatusError:
    return StatusError(errors.OBJECT_NOT_FOUND, f'Object "{identifier}" specified in the request cannot be found.')


def invalid_reference(list_kind: str, value: str, in_object: str) -> StatusError:
    return StatusError(errors.INVALID_REFERENCE,
                       f'There is an invalid reference to QuickBooks {list_kind} "{value}" in the {in_object}. '
                       "QuickBooks error message: Invalid argument. The specified record does not exist in the list.")


def name_in_use(name: str) -> StatusError:
    return StatusError(errors.NAME_IN_USE, f'The name "{name}" of the list element is already in use.')


def stale_edit_sequence(edit_sequence: str) -> StatusError:
    return StatusError(errors.EDIT_SEQUENCE_OUT_OF_DATE,
                       f'The provided edit sequence "{edit_sequence}" is out-of-date.')


def too_long(field: str, value: str) -> StatusError:
    return StatusError(errors.STRING_TOO_LONG, f'The string "{value}" in the field "{field}" is too long.')
