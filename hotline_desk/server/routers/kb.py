"""``/api/v1/kb``: the knowledge-base change feed for desks, and entry management
for admins and the owning units' handlers (第二十九–三十一条)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from hotline_desk.core.protocol import (
    KB_CURSOR_PATTERN,
    KB_ID_PATTERN,
    MAX_INT,
    KBChangesPage,
    KBEntryCreate,
    KBEntryEdit,
    KBEntryList,
    KBEntryRecord,
    KBTransitionRequest,
)
from hotline_desk.core.vocabulary import ReviewState, Role
from hotline_desk.server.auth import KB_MANAGERS, require
from hotline_desk.server.context import get_context
from hotline_desk.server.errors import responses
from hotline_desk.storage.db import read_transaction, write_transaction
from hotline_desk.storage.server import kb_entries, kb_feed
from hotline_desk.storage.server.audit import Actor

router = APIRouter(prefix="/kb", tags=["knowledge base"])

AnyAccount = Annotated[Actor, Depends(require())]
Manager = Annotated[Actor, Depends(require(*KB_MANAGERS))]
Admin = Annotated[Actor, Depends(require(Role.ADMIN))]
EntryId = Annotated[str, Path(pattern=KB_ID_PATTERN)]


@router.get("/changes", response_model=KBChangesPage,
            responses=responses(401, 403, 410, 422, 503))
def changes(
    actor: AnyAccount,
    request: Request,
    since: Annotated[str, Query(pattern=KB_CURSOR_PATTERN,
                                description="`next_cursor` of the previous page; "
                                            "`0` = everything")] = "0",
    limit: Annotated[int, Query(ge=1, le=2000)] = 500,
) -> KBChangesPage:
    """Knowledge-base changes after the cursor `since`, in version order, at most
    `limit`; continue with `next_cursor` while `has_more`. Each id appears once, at
    its latest change: `upsert` carries the published entry, `remove` means drop it
    (deleted, no longer published, or expired). 410 `kb_reset_required`: the cursor
    is older than the kept deletion history (or ahead of the server): drop the local
    copy and read again from `since=0`."""
    context = get_context(request)
    now = context.settings.now()
    with read_transaction(context.db):
        return kb_feed.changes(context.db, since, limit, today=context.settings.today(now),
                               now=now)


@router.get("/entries", response_model=KBEntryList,
            responses=responses(401, 403, 422, 503))
def list_entries(
    actor: Manager,
    request: Request,
    review_state: ReviewState | None = None,
    owner_unit: Annotated[str | None, Query(max_length=100, pattern=r"^[^\x00-\x1F\x7F]*$")
                          ] = None,
    after: Annotated[str | None, Query(max_length=64, pattern=r"^[^\x00-\x1F\x7F]*$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> KBEntryList:
    """Entries in every review state, in id order (page with `after`). A unit
    handler sees only its own unit's entries."""
    context = get_context(request)
    with read_transaction(context.db):
        return kb_entries.list_entries(context.db, actor=actor, review_state=review_state,
                                       owner_unit=owner_unit, after=after, limit=limit)


@router.post("/entries", response_model=KBEntryRecord, status_code=201,
             responses=responses(401, 403, 409, 422, 503))
def create_entry(body: KBEntryCreate, actor: Manager, request: Request) -> KBEntryRecord:
    """Create a draft entry. A unit handler's entry always belongs to its unit
    (谁提供、谁维护、谁更新)."""
    context = get_context(request)
    with write_transaction(context.db):
        return kb_entries.create(context.db, body, actor=actor, now=context.settings.now(),
                                 retention=context.settings.kb_tombstone_retention)


@router.get("/entries/{entry_id}", response_model=KBEntryRecord,
            responses=responses(401, 403, 404, 422, 503))
def read_entry(entry_id: EntryId, actor: Manager, request: Request) -> KBEntryRecord:
    """One entry in any review state (own unit only for unit handlers)."""
    context = get_context(request)
    with read_transaction(context.db):
        return kb_entries.get(context.db, entry_id, actor=actor)


@router.put("/entries/{entry_id}", response_model=KBEntryRecord,
            responses=responses(401, 403, 404, 409, 422, 503))
def edit_entry(entry_id: EntryId, body: KBEntryEdit, actor: Manager,
               request: Request) -> KBEntryRecord:
    """Replace the content of a draft; `expected_version` must be the entry's current
    version (409 `version_conflict` otherwise). Published entries are retired and
    reopened first, so nothing unreviewed reaches a caller (第三十条)."""
    context = get_context(request)
    with write_transaction(context.db):
        return kb_entries.edit(context.db, entry_id, body, actor=actor,
                               now=context.settings.now(),
                               retention=context.settings.kb_tombstone_retention)


@router.post("/entries/{entry_id}/transition", response_model=KBEntryRecord,
             responses=responses(401, 403, 404, 409, 422, 503))
def transition_entry(entry_id: EntryId, body: KBTransitionRequest, actor: Manager,
                     request: Request) -> KBEntryRecord:
    """Move an entry through the review workflow: `review` (draft→reviewed, not by its
    last editor: 多方校核), `reject` (reviewed→draft), `publish` (reviewed→published),
    `retire` (published→retired), `reopen` (retired→draft)."""
    context = get_context(request)
    with write_transaction(context.db):
        return kb_entries.transition(context.db, entry_id, body, actor=actor,
                                     now=context.settings.now(),
                                     retention=context.settings.kb_tombstone_retention)


@router.delete("/entries/{entry_id}", status_code=204, response_class=Response,
               responses=responses(401, 403, 404, 409, 422, 503))
def delete_entry(
    entry_id: EntryId,
    actor: Admin,
    request: Request,
    expected_version: Annotated[int, Query(ge=1, le=MAX_INT)],
) -> Response:
    """Delete an entry (admins). Desks receive the deletion as a `remove` change."""
    context = get_context(request)
    with write_transaction(context.db):
        kb_entries.delete(context.db, entry_id, expected_version, actor=actor,
                          now=context.settings.now(),
                          retention=context.settings.kb_tombstone_retention)
    return Response(status_code=204)
