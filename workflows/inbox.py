"""The staff inbox query, shared by the console and the API: what a user sees, in deadline order, counted up to a cap."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from models import Application, db
from workflows import access

CAP = 1000  # a total above this is shown as "1000+": counting further would read the whole backlog

# Deadline first, undated ones last, then by id: the order of ix_applications_inbox (authority, deadline,
# id), so that the first page is the index's first entries, not a sort of every open application.
ORDER = (Application.deadline_due.asc().nulls_last(), Application.id)


def query(user, open_only: bool = True) -> Select:
    """The applications `user` may see (access.visible), only the open ones unless `open_only` is False.

    `WHERE is_open`, not `is_open IS true` (what `.is_(True)` writes): PostgreSQL can use the partial
    index ix_applications_inbox only when it can prove the index's own predicate from the query's.
    """
    # a page shows each row's authority: joined here, in the page's one query (loading a row elsewhere does not join it)
    found = access.visible(user).options(joinedload(Application.authority))
    return found.where(Application.is_open) if open_only else found


def capped_count(found: Select) -> int:
    """How many rows `found` has, counting no further than CAP + 1 (so "more than CAP" is known, not how many)."""
    # the id, in the partial index too, so that counting reads index entries only
    limited = found.with_only_columns(Application.id).order_by(None).limit(CAP + 1).subquery()
    return db.session.execute(select(func.count()).select_from(limited)).scalar_one()


def shown_total(counted: int) -> int | str:
    """What a page prints for a capped count: the number, or "1000+" above the cap."""
    return f"{CAP}+" if counted > CAP else counted
