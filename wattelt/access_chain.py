"""The access log as a hash chain: every row carries the hash of the row before it and a hash
over its own content, so a row changed, removed or slipped in afterwards shows when the chain
is checked (``flask --app app access-log verify``).

The chain runs in the order the rows were written, which is the order of ``(at, id)``: rows are
written at commit under a lock (PostgreSQL: a transaction-level advisory lock; SQLite: the
database's single write lock), each gets its time and id under that lock, and a time never runs
back behind the row before it. A row inserted later with an earlier time therefore sits between
two chained rows and breaks the link to the next one.

The hash is SHA-256 over a canonical JSON list of the row's fields. Never change that format:
every stored hash depends on it (the migration that added the chain uses it too)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, text
from sqlmodel import Session, col, select

from wattelt.models import AccessLog, utcnow

#: ``prev_hash`` of the first row.
GENESIS = "0" * 64
#: The key of PostgreSQL's transaction-level advisory lock around appending ("wattelt log").
LOCK_KEY = 0x5741_5454_4C4F_47
HASHED = (
    "id",
    "at",
    "user_id",
    "role",
    "organisation_id",
    "resident_id",
    "action",
    "what",
    "path",
    "address",
    "prev_hash",
)


def _moment(value: datetime | str) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:  # SQLite hands UTC back without a zone
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row_hash(row: Mapping) -> str:
    """SHA-256 (hex) over the canonical form of one access-log row, ``prev_hash`` included."""
    values = [_moment(row[name]) if name == "at" else row[name] for name in HASHED]
    canonical = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _head(session: Session) -> tuple[int, datetime, str] | None:
    return session.exec(
        select(AccessLog.id, AccessLog.at, AccessLog.row_hash)
        .order_by(col(AccessLog.at).desc(), col(AccessLog.id).desc())
        .limit(1)
    ).first()  # type: ignore[return-value]


def append(session: Session, rows: list[dict]) -> None:
    """Write ``rows`` (without id, time or hashes) at the end of the chain, in this transaction.

    Nobody else appends between reading the head and inserting: on PostgreSQL the advisory lock
    is held until this transaction ends; on SQLite a write statement takes the database's write
    lock first (a delete that matches nothing), also until the transaction ends."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        now = connection.execute(text("SELECT clock_timestamp()")).scalar_one()
        ids = list(
            connection.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence('access_log', 'id')) "
                    "FROM generate_series(1, :count)"
                ),
                {"count": len(rows)},
            ).scalars()
        )
    else:
        connection.execute(text("DELETE FROM access_log WHERE 0"))
        now = utcnow()
        last = connection.execute(text("SELECT max(id) FROM access_log")).scalar() or 0
        ids = list(range(last + 1, last + 1 + len(rows)))
    head = _head(session)
    previous = head[2] if head else GENESIS
    if head is not None:
        last_at = head[1] if head[1].tzinfo else head[1].replace(tzinfo=UTC)
        now = max(now, last_at)  # a clock set back never writes a row before the last one
    chained = []
    for id_, row in zip(ids, rows, strict=True):
        row = {**row, "id": id_, "at": now, "prev_hash": previous}
        row["row_hash"] = previous = row_hash(row)
        chained.append(row)
    session.execute(insert(AccessLog), chained)


@dataclass
class Verdict:
    """The outcome of checking the chain: ``broken`` is the first row that does not fit."""

    rows: int
    broken: int | None = None
    reason: str = ""
    last_hash: str = GENESIS
    #: The position (1 = the first row) of the row with the expected hash, if it was found.
    expected_at: int | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify(rows: Iterable[Mapping], expect: str | None = None) -> Verdict:
    """Walk ``rows`` in chain order (``(at, id)``) and find the first one that does not fit.

    ``expect``: a row hash written down earlier; the verdict says where it is in the chain (up
    to the first broken row). Every hash covers the one before it, so a fitting chain that still
    holds that hash still holds, unchanged, every row up to it: a chain cut short before it, or
    rewritten from an earlier row on, no longer has it."""
    previous = GENESIS
    count = 0
    expected_at = 0 if expect == GENESIS else None  # what an empty log's "last hash" is
    for row in rows:
        count += 1
        if row["prev_hash"] != previous:
            return Verdict(
                count, row["id"], "does not follow the row before it", previous, expected_at
            )
        if row["row_hash"] != row_hash(row):
            return Verdict(
                count, row["id"], "its content does not match its hash", previous, expected_at
            )
        previous = row["row_hash"]
        if previous == expect:
            expected_at = count
    return Verdict(count, last_hash=previous, expected_at=expected_at)


def verify_database(session: Session, expect: str | None = None) -> Verdict:
    table = AccessLog.__table__  # type: ignore[attr-defined]
    result = session.connection().execute(
        select(table).order_by(table.c.at, table.c.id).execution_options(yield_per=1000)
    )
    try:
        return verify((row._mapping for row in result), expect)
    finally:
        result.close()  # it may stop early, at a broken row
