"""A register entry (台账): what a decision put in force, kept apart from the application that asked for it.

One table for every register, not one per register: the registers share every search path (name, credit code,
division, street, status) and their dates, so the typed, indexed columns below serve them all, and what only
one register has (places, route, land holder, a published finding) sits in `facts` (JSON), which nobody searches.
A procedure added later then gets its register by declaration alone, without a migration.
Each index leads with the register (or the credit code, which the enterprise page reads across registers), then
ends with the id, so that a page in id order is the index's first entries and a capped count reads only those.
"""

from datetime import date, datetime

from sqlalchemy import DDL, JSON, CheckConstraint, Date, DateTime, ForeignKey, Index, String, Text, event
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Model, utcnow


class RegisterEntry(Model):
    __tablename__ = "register_entries"
    __table_args__ = (
        CheckConstraint("until IS NULL OR until >= since", name="period_ordered"),
        Index("ix_register_entries_register_id", "register", "id"),
        Index("ix_register_entries_status", "register", "status", "id"),
        Index("ix_register_entries_division", "register", "division", "id"),
        Index("ix_register_entries_street", "register", "street", "id"),
        Index("ix_register_entries_credit_code", "credit_code", "register", "id"),
        Index("ix_register_entries_address", "register", "address_key", "division"),
        # partial names (q=): trigrams on PostgreSQL (pg_trgm, created with the table below and by the migration).
        # SQLite makes it a plain index, which LIKE '%…%' cannot use: a small installation scans, and that is fine
        Index("ix_register_entries_name_trgm", "name", postgresql_using="gin", postgresql_ops={"name": "gin_trgm_ops"}),
        # and two characters, which a trigram index cannot answer (the commonest Chinese search: 便民, 阳光 …): the
        # name's character pairs, kept by ledger.values: on PostgreSQL an array with its GIN index (SQLite keeps a
        # JSON list and a plain index that nothing reads, so that both schemas come from the same declaration)
        Index("ix_register_entries_name_bigrams", "name_bigrams", postgresql_using="gin"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    register: Mapped[str] = mapped_column(String(32))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_bigrams: Mapped[list] = mapped_column(JSON().with_variant(postgresql.ARRAY(Text), "postgresql"), default=list)
    holder: Mapped[str | None] = mapped_column(String(200))  # the enterprise, where `name` is a facility
    credit_code: Mapped[str | None] = mapped_column(String(18))
    division: Mapped[str | None] = mapped_column(String(6))
    street: Mapped[str | None] = mapped_column(String(9))  # NBS code, when the street office is known
    address: Mapped[str] = mapped_column(String(400))  # division + street + address, printed once
    address_key: Mapped[str] = mapped_column(String(400))  # the address alone, normalised (lookups)
    status: Mapped[str] = mapped_column(String(32))
    in_force: Mapped[bool] = mapped_column(default=True)
    since: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)
    # which date the authority owes next (an inspection …): the application's deadline, read there, so that a
    # recounted deadline never leaves a stale copy here; and never public (spot checks are unannounced)
    due_kind: Mapped[str | None] = mapped_column(String(32))
    document_number: Mapped[str | None] = mapped_column(String(64))  # the latest document certifying it
    facts: Mapped[dict] = mapped_column(default=dict)  # the register's own public facts
    changed_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


# db.create_all() (tests, benchmarks) needs the operator class before the trigram index; the migration does the same
event.listen(
    RegisterEntry.__table__,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)
