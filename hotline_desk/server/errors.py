"""Error responses: every error is an ``ErrorBody`` (machine code + English message).

HotlineErrors map to a status by their code (:data:`STATUS`); request validation
errors become ``validation_error`` with one problem per field; unknown routes and
methods keep their 404/405 with the same body shape; anything unexpected is a 500
``internal_error`` whose details go to the log only. Every response carries the
protocol header (added here too, because the server-error path bypasses middleware).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from hotline_desk.core.errors import DataFormatError, HotlineError
from hotline_desk.core.protocol import (
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    CodedError,
    ErrorBody,
    ErrorCode,
    Problem,
    error_code_of,
)

log = logging.getLogger(__name__)

STATUS: dict[ErrorCode, int] = {
    ErrorCode.BAD_CREDENTIALS: 401,
    ErrorCode.ACCOUNT_DISABLED: 401,
    ErrorCode.TOKEN_INVALID: 401,
    ErrorCode.LOGIN_THROTTLED: 429,
    ErrorCode.PROGRESS_THROTTLED: 429,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.VALIDATION_ERROR: 422,
    ErrorCode.WEAK_PASSWORD: 422,
    ErrorCode.WRONG_PASSWORD: 422,
    ErrorCode.RULE_VIOLATION: 422,
    ErrorCode.SELF_LOCKOUT: 409,
    ErrorCode.FOUR_EYES: 409,
    ErrorCode.INVALID_TRANSITION: 409,
    ErrorCode.VERSION_CONFLICT: 409,
    ErrorCode.USERNAME_TAKEN: 409,
    ErrorCode.ENTRY_EXISTS: 409,
    ErrorCode.TRANSFER_TAKEN: 409,
    ErrorCode.KB_RESET_REQUIRED: 410,
    ErrorCode.DATABASE_BUSY: 503,
    ErrorCode.STORAGE_ERROR: 500,
    ErrorCode.INTERNAL_ERROR: 500,
    ErrorCode.PROTOCOL_MISMATCH: 400,
}

_DESCRIPTIONS = {
    400: "Bad request",
    401: "Not logged in, bad credentials, or the session ended (`WWW-Authenticate: Bearer`)",
    403: "The account's role or unit may not do this",
    404: "No such record",
    409: "Conflicts with the record's current state or version",
    410: "The cursor is too old: reset and resync from 0",
    422: "The request is invalid",
    429: "Too many failed logins or progress look-ups (`Retry-After`)",
    503: "The database is busy (`Retry-After`)",
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the given error statuses, all with :class:`ErrorBody`."""
    return {status: {"model": ErrorBody, "description": _DESCRIPTIONS[status]}
            for status in statuses}


def error_response(status: int, body: ErrorBody) -> JSONResponse:
    headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Cache-Control": "no-store"}
    if body.retry_after is not None:
        headers["Retry-After"] = str(body.retry_after)
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


def _hotline_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HotlineError)
    code = error_code_of(exc)
    status = STATUS.get(code, 500)
    problems = []
    if isinstance(exc, DataFormatError):
        problems = [Problem(location=loc, field=field, message=message)
                    for loc, field, message in exc.problems]
    retry_after = exc.retry_after if isinstance(exc, CodedError) else None
    current = exc.current_version if isinstance(exc, CodedError) else None
    if status >= 500:
        log.error("%s %s failed: %s", request.method, request.url.path, exc.message)
    else:
        log.info("%s %s refused (%s): %s", request.method, request.url.path, code, exc.message)
    return error_response(status, ErrorBody(code=code, message=exc.message,
                                            retry_after=retry_after, current_version=current,
                                            problems=problems))


def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ())]
        problems.append(Problem(location=loc[0] if loc else "", field=".".join(loc[1:]),
                                message=str(error.get("msg", "invalid"))))
    return error_response(422, ErrorBody(code=ErrorCode.VALIDATION_ERROR,
                                         message="request validation failed",
                                         problems=problems))


def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: ErrorCode.NOT_FOUND, 405: ErrorCode.METHOD_NOT_ALLOWED,
            401: ErrorCode.TOKEN_INVALID, 403: ErrorCode.FORBIDDEN}.get(
        exc.status_code, ErrorCode.VALIDATION_ERROR)
    # FastAPI answers an undecodable body with 400; to the desk it is one more invalid
    # request, so it gets the same 422 as every other validation failure.
    status = 422 if exc.status_code == 400 else exc.status_code
    response = error_response(status, ErrorBody(code=code, message=str(exc.detail)))
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error in %s %s", request.method, request.url.path)
    return error_response(500, ErrorBody(code=ErrorCode.INTERNAL_ERROR,
                                         message="internal server error"))


def install(app: FastAPI) -> None:
    app.add_exception_handler(HotlineError, _hotline_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
