"""``/api/v1/reference/{name}``: the refusal scripts (第十条) and the emergency and utility
lines (第十二条(三)) the centre publishes to its desks (第三十一条: updated in real time,
shared by all).

Admins publish a new version (``PUT``, the document itself as the body); every
logged-in role reads the published one (``GET``). A desk asks with the version it uses
(``newer_than`` ≥ 1) and gets 204 when there is nothing newer — also when the centre has
published none, so a thousand desks polling every minute make no error answers or log
lines; without ``newer_than`` an unpublished document is 404 (the desk then keeps the
copy bundled with the installer).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response

from hotline_desk.core.protocol import MAX_INT, NotFoundError, ReferenceDocumentOut, ReferenceName
from hotline_desk.core.vocabulary import Role
from hotline_desk.server.auth import require
from hotline_desk.server.context import get_context
from hotline_desk.server.errors import responses
from hotline_desk.storage.db import read_transaction, write_transaction
from hotline_desk.storage.server import refdata
from hotline_desk.storage.server.audit import Actor

router = APIRouter(prefix="/reference", tags=["reference data"])

AnyAccount = Annotated[Actor, Depends(require())]
Admin = Annotated[Actor, Depends(require(Role.ADMIN))]

_NOTHING_NEWER: dict[int | str, dict[str, Any]] = {
    204: {"description": "The published version is not newer than `newer_than`: keep the "
                         "copy in use"}}


@router.get("/{name}", response_model=ReferenceDocumentOut,
            responses={**_NOTHING_NEWER, **responses(401, 403, 404, 422, 503)})
def read_document(
    name: ReferenceName,
    actor: AnyAccount,
    request: Request,
    newer_than: Annotated[int, Query(ge=0, le=MAX_INT,
                                     description="the version the desk uses; 0 = any")] = 0,
) -> ReferenceDocumentOut | Response:
    """The document the centre published under `name`, with its version, who published
    it and when. 204 when its version is not above `newer_than`, or when nothing is
    published and `newer_than` ≥ 1 (the desk keeps the copy it has); 404 `not_found`
    when nothing is published and `newer_than` is 0."""
    context = get_context(request)
    with read_transaction(context.db):
        found = refdata.get(context.db, name)
    if found is None and newer_than > 0:
        return Response(status_code=204)
    if found is None:
        raise NotFoundError(f"no {name.value} document published",
                            f"本中心尚未发布{name.label}")
    if found.version <= newer_than:
        return Response(status_code=204)
    return found


@router.put("/{name}", response_model=ReferenceDocumentOut,
            responses=responses(401, 403, 422, 503))
def publish_document(
    name: ReferenceName,
    document: Annotated[dict[str, Any], Body(
        description="the whole document, as in resources/scripts/<name>.json")],
    actor: Admin,
    request: Request,
) -> ReferenceDocumentOut:
    """Publish a new version of `name` (admins). Refused with 422 `validation_error`,
    every problem listed in Chinese, when the core parser rejects the document or its
    `version` is not above the published one. Audited as `reference.publish`."""
    context = get_context(request)
    text = refdata.document_text(document)
    with write_transaction(context.db):
        return refdata.publish(context.db, name, text, actor=actor,
                               now=context.settings.now())
