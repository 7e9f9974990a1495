"""Releases (peildatum): frozen, dated sets of anonymous figures, and the rule across time.

A release freezes the published blocks of every scope (chain) and perspective (``frozen``), so
policymakers, their exports and the API answer every filter from frozen data. Live figures can
be differenced between two moments; releases can only be differenced with each other, and each
new release is checked against *every* earlier one before it is stored.

The rule across time
--------------------
For every kind of figure ("family": residents measured, goals, GAS, each life domain per
perspective) and every earlier release, take the residents of both releases and label each one
with (its block in the new release, its block in the earlier release, whether what it adds to
its block changed). A resident not counted in a release - not measured yet, consent withdrawn,
or in a held-back block - has "no block" there. Each group of residents with the same label is
a *cell*. Every published number of either release is a sum over whole blocks, so any
combination of published numbers of the two releases (a difference, a sum, anything linear) is
the same for every resident of a cell: it is about whole cells. **Every cell must hold at least
k residents.** Then no number, and no combination of numbers, of two releases is about fewer than
k residents.

When a cell is smaller, the new blocks it touches are *held back*: left out of the new release
(its figures are computed without them, as "fewer than k" where nothing is left), and their
residents count as "no block". That is repeated until every cell against every earlier release
holds at least k residents; it always ends, because a release without any blocks passes (each
earlier block holds at least k). The release says how many blocks and residents it held back;
they return in a later release once enough has changed around them.

What a resident "adds to a block" is compared by a fingerprint, never stored as answers: the
first and latest answer (and the change threshold) for a life domain, whether they were measured
twice and what they want to work on, their goals set and reached, their GAS T-score.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
from sqlalchemy import select, text
from sqlmodel import Session, col
from sqlmodel import select as model_select

from wattelt.models import (
    OVERALL,
    PERSPECTIVES,
    Chain,
    Organisation,
    OutcomeItem,
    OutcomeResident,
    Release,
    utcnow,
)
from wattelt.outcomes import figures, frozen
from wattelt.outcomes.atoms import Scope
from wattelt.outcomes.disclosure import BlockSet

#: PostgreSQL's transaction-level advisory lock around making a release ("wattelt release").
LOCK_KEY = 0x57_52_45_4C
PERIODS = ("monthly", "quarterly")


class ReleaseRefused(Exception):
    """The release cannot be made (a message for the admin)."""


def family_name(field_name: str, item: str | None = None, perspective: str = "") -> str:
    """The family a field of ``Families`` belongs to for the rule: the wishes ride on the
    residents' blocks; each life domain is a family per perspective."""
    if field_name == "items":
        return f"item:{perspective}:{item}"
    if field_name == "wishes":
        return "residents"
    if field_name in ("residents", "goals", "gas"):
        return field_name
    raise ReleaseRefused(f"no rule across time for the figures '{field_name}'")


def scopes(db: Session) -> dict[str, Scope]:
    """Every scope a policymaker can see: each chain, and each organisation without one."""
    found: dict[str, Scope] = {}
    organisations = db.exec(model_select(Organisation).order_by(col(Organisation.id))).all()
    chains = {c.id: c for c in db.exec(model_select(Chain)).all()}
    members: dict[int, list[int]] = {}
    for o in organisations:
        if o.chain_id is None:
            found[f"organisation:{o.id}"] = Scope((o.id,), None, o.name)
        else:
            members.setdefault(o.chain_id, []).append(o.id)
    for chain_id, ids in members.items():
        found[f"chain:{chain_id}"] = Scope(tuple(ids), chain_id, chains[chain_id].name)
    return found


def scope_key(scope: Scope) -> str:
    if scope.chain_id is not None:
        return f"chain:{scope.chain_id}"
    return f"organisation:{scope.organisation_ids[0]}"


# --- Who is in which block, and what they add ------------------------------------------------


@dataclass
class Members:
    """One scope's residents in one release: sorted ids, and per family each resident's
    published block (-1: none) and a fingerprint of what they add to it."""

    ids: np.ndarray
    labels: dict[str, np.ndarray] = field(default_factory=dict)
    prints: dict[str, np.ndarray] = field(default_factory=dict)


class Inconsistent(Exception):
    """The summary changed while it was read; read again."""


def _item_code(item: str) -> int:
    """A number per life domain (below 2**40, so a resident's sum of them fits 64 bits)."""
    return zlib.crc32(item.encode()) * 2_654_435_761 % (1 << 40)


def _fetch(result) -> list:
    # Plain tuples straight from the driver: these rows need no conversion of types.
    cursor = getattr(result, "cursor", None)
    return cursor.fetchall() if cursor is not None else [tuple(row) for row in result]


def _resident_rows(db: Session) -> tuple[list, list]:
    r = OutcomeResident
    residents = _fetch(
        db.connection().execute(
            select(
                col(r.resident_id),
                col(r.organisation_id),
                col(r.district_id),
                col(r.age_band),
                col(r.baseline_year),
                col(r.baseline_quarter),
                col(r.questionnaire_key),
                col(r.questionnaire_version),
                col(r.measurements),
                col(r.change_threshold),
                col(r.goals_set),
                col(r.goals_reached),
                col(r.gas_t_milli),
            )
            .where(col(r.counted).is_(True))
            .where(col(r.organisation_id).is_not(None))
        )
    )
    i = OutcomeItem
    items = _fetch(
        db.connection().execute(
            select(
                col(i.resident_id),
                col(i.perspective),
                col(i.item),
                col(i.baseline_value),
                col(i.latest_value),
                col(i.wants_to_work),
            )
            .join(r, col(r.resident_id) == col(i.resident_id))
            .where(col(r.counted).is_(True))
            .where(
                (col(i.baseline_value).is_not(None) & col(i.latest_value).is_not(None))
                | (col(i.wants_to_work).is_(True) & (col(i.perspective) == "resident"))
            )
        )
    )
    return residents, items


def _labels(blocks: BlockSet, index, atom: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """Each resident's block in this family (-1: not in it); checks the blocks' sizes."""
    labels = np.full(len(atom), -1, dtype=np.int64)
    if blocks.count and len(atom):
        where = np.full(len(index) + 1, -1, dtype=np.int64)
        where[blocks.atom_ids] = np.arange(len(blocks.atom_ids))
        found = where[np.where(inside, atom, len(index))]
        ok = found >= 0
        labels[ok] = blocks.block_of[found[ok]]
    counted = np.bincount(labels[labels >= 0], minlength=blocks.count)
    if blocks.count and not np.array_equal(counted, blocks.sums[:, 0]):
        raise Inconsistent
    if not blocks.count and (labels >= 0).any():
        raise Inconsistent
    return labels


@dataclass
class ItemRows:
    """The per-resident answers behind the figures as arrays, grouped by (perspective, item):
    ``groups[(perspective, item)]`` are the rows with a first and a latest number."""

    resident: np.ndarray
    baseline: np.ndarray
    latest: np.ndarray
    groups: dict[tuple[str, str], np.ndarray]
    wish_resident: np.ndarray
    wish_code: np.ndarray


def _item_rows(items: list) -> ItemRows:
    resident = np.fromiter((row[0] for row in items), dtype=np.int64, count=len(items))
    baseline = np.fromiter(
        (-1 if row[3] is None else row[3] for row in items), dtype=np.int64, count=len(items)
    )
    latest = np.fromiter(
        (-1 if row[4] is None else row[4] for row in items), dtype=np.int64, count=len(items)
    )
    numbers: dict[tuple[str, str], int] = {}
    group = np.fromiter(
        (numbers.setdefault((row[1], row[2]), len(numbers)) for row in items),
        dtype=np.int64,
        count=len(items),
    )
    wish = np.fromiter(
        (bool(row[5]) and row[1] == "resident" for row in items), dtype=bool, count=len(items)
    )
    codes = {key: _item_code(key[1]) for key in numbers}
    code_of = np.array([codes[key] for key in numbers] or [0], dtype=np.int64)
    numbered = (baseline >= 0) & (latest >= 0)
    order = np.argsort(np.where(numbered, group, len(numbers)), kind="stable")
    ends = np.searchsorted(
        np.where(numbered, group, len(numbers))[order], np.arange(len(numbers) + 1)
    )
    groups = {
        key: order[int(ends[number]) : int(ends[number + 1])] for key, number in numbers.items()
    }
    return ItemRows(
        resident,
        baseline,
        latest,
        groups,
        resident[wish],
        code_of[group[wish]] if len(items) else code_of[:0],
    )


def _members(
    scope: Scope, fams: dict[str, figures.Families], residents: list, rows: ItemRows
) -> Members:
    own = [row for row in residents if row[1] in scope.organisation_ids]
    own.sort(key=lambda row: row[0])
    ids = np.array([row[0] for row in own], dtype=np.int64)
    members = Members(ids)
    first = fams["resident"].residents
    index = first.index
    if index is None or not len(own):
        atom = np.zeros(len(own), dtype=np.int64)
        index = []
    else:
        position = index.position
        atom = np.fromiter(
            (position.get((o, d, a, y, q, k, v), -1) for _r, o, d, a, y, q, k, v, *_ in own),
            dtype=np.int64,
            count=len(own),
        )
        if (atom < 0).any():
            raise Inconsistent

    def place(resident_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each row's resident in ``ids``, and which rows belong to this scope."""
        if not len(ids):
            return np.zeros(len(resident_ids), dtype=np.int64), np.zeros(
                len(resident_ids), dtype=bool
            )
        where = np.minimum(np.searchsorted(ids, resident_ids), len(ids) - 1)
        return where, ids[where] == resident_ids

    everyone = np.ones(len(own), dtype=bool)
    repeated = np.array([row[8] >= 2 for row in own], dtype=np.int64)
    wishes = np.zeros(len(own), dtype=np.int64)
    where, mine = place(rows.wish_resident)
    np.add.at(wishes, where[mine], rows.wish_code[mine])
    fam = fams["resident"]
    members.labels["residents"] = _labels(fam.residents, index, atom, everyone)
    members.prints["residents"] = repeated + 2 * wishes
    goals_set = np.array([row[10] for row in own], dtype=np.int64)
    reached = np.array([row[11] for row in own], dtype=np.int64)
    t_milli = np.array([row[12] if row[12] is not None else 0 for row in own], dtype=np.int64)
    has_t = np.array([row[12] is not None for row in own], dtype=bool)
    members.labels["goals"] = _labels(fam.goals, index, atom, goals_set > 0)
    members.prints["goals"] = goals_set * (1 << 20) + reached
    members.labels["gas"] = _labels(fam.gas, index, atom, (goals_set > 0) & has_t)
    members.prints["gas"] = t_milli
    threshold = np.array([row[9] for row in own], dtype=np.int64)
    for perspective, fam in fams.items():
        for item, blocks in fam.items.items():
            inside = np.zeros(len(own), dtype=bool)
            prints = np.zeros(len(own), dtype=np.int64)
            chosen = rows.groups.get((perspective, item), np.zeros(0, dtype=np.int64))
            where, mine = place(rows.resident[chosen])
            chosen, where = chosen[mine], where[mine]
            inside[where] = True
            step = 1 if item == OVERALL else threshold[where]
            prints[where] = rows.baseline[chosen] * 10_000 + rows.latest[chosen] * 100 + step
            name = family_name("items", item, perspective)
            members.labels[name] = _labels(blocks, index, atom, inside)
            members.prints[name] = prints
    return members


# --- The rule -------------------------------------------------------------------------------


def _aligned(new: Members, old: Members, name: str) -> tuple[np.ndarray, ...]:
    """The labels and fingerprints of one family of two releases, over the residents of both."""
    ids = np.union1d(new.ids, old.ids)
    found = []
    for members in (new, old):
        labels = np.full(len(ids), -1, dtype=np.int64)
        prints = np.zeros(len(ids), dtype=np.int64)
        if name in members.labels and len(members.ids):
            where = np.searchsorted(ids, members.ids)
            labels[where] = members.labels[name]
            prints[where] = members.prints[name]
        found += [labels, prints]
    return tuple(found)


def hold_back(new: Members, earlier: list[Members], name: str, blocks: int, k: int) -> np.ndarray:
    """Which new blocks of one family must be held back so that every cell (new block, old
    block, changed) against every earlier release holds none or at least k residents."""
    held = np.zeros(blocks, dtype=bool)
    if name not in new.labels or not blocks:
        return held
    pairs = [_aligned(new, old, name) for old in earlier]
    while True:
        grew = False
        for new_labels, new_prints, old_labels, old_prints in pairs:
            shown = new_labels >= 0
            current = np.where(shown & ~held[np.maximum(new_labels, 0)], new_labels, -1)
            both = (current >= 0) & (old_labels >= 0)
            changed = both & (new_prints != old_prints)
            present = (current >= 0) | (old_labels >= 0)
            width = int(max(old_labels.max(initial=0), 0)) + 2
            cell = ((current + 1) * width + (old_labels + 1)) * 2 + changed
            _unique, inverse, counts = np.unique(
                cell[present], return_inverse=True, return_counts=True
            )
            small = np.zeros(len(cell), dtype=bool)
            small[present] = counts[inverse.reshape(-1)] < k
            # A small cell with a new block: hold that block back. A small cell of residents
            # who left an old block: hold back the new blocks the rest of that block is in.
            left = np.unique(old_labels[small & (current < 0)])
            targets = np.concatenate(
                [
                    current[small & (current >= 0)],
                    current[np.isin(old_labels, left) & (current >= 0)],
                ]
            )
            targets = np.unique(targets)
            targets = targets[~held[targets]]
            if len(targets):
                held[targets] = True
                grew = True
        if not grew:
            return held


# --- Storing and reading --------------------------------------------------------------------


def _pack_members(all_members: dict[str, Members]) -> bytes:
    arrays: dict[str, np.ndarray] = {}
    for key, members in all_members.items():
        arrays[f"{key}|ids"] = members.ids
        for name, labels in members.labels.items():
            arrays[f"{key}|{name}|labels"] = labels.astype(np.int32)
            arrays[f"{key}|{name}|prints"] = members.prints[name]
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def unpack_members(blob: bytes, key: str) -> Members:
    with np.load(io.BytesIO(blob)) as data:
        prefix = f"{key}|"
        if f"{prefix}ids" not in data.files:
            return Members(np.zeros(0, dtype=np.int64))
        members = Members(data[f"{prefix}ids"])
        for file in data.files:
            if file.startswith(prefix) and file.endswith("|labels"):
                name = file[len(prefix) : -len("|labels")]
                members.labels[name] = data[file].astype(np.int64)
                members.prints[name] = data[f"{prefix}{name}|prints"]
    return members


@dataclass
class Made:
    release: Release
    held_back_blocks: int
    held_back_residents: int


def _lock(db: Session) -> None:
    if db.get_bind().dialect.name == "postgresql":
        db.connection().execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})


def newest(db: Session) -> Release | None:
    return db.exec(model_select(Release).order_by(col(Release.id).desc()).limit(1)).first()


def listed(db: Session) -> list[Release]:
    """Every release, newest first (without loading their data)."""
    from sqlalchemy.orm import defer

    return list(
        db.exec(
            model_select(Release)
            .options(defer(Release.figures), defer(Release.members))  # type: ignore[arg-type]
            .order_by(col(Release.id).desc())
        ).all()
    )


def make(
    db: Session,
    k: int,
    made_by: str,
    user_id: int | None = None,
    reference_date: date | None = None,
    today: date | None = None,
    attempts: int = 3,
) -> Made:
    """Make and store a release of the data as it stands now (in the caller's transaction)."""
    today = today or date.today()
    reference_date = reference_date or today
    if reference_date > today:
        raise ReleaseRefused("The reference date cannot be in the future.")
    _lock(db)
    previous = listed(db)
    if previous and reference_date < previous[0].reference_date:
        raise ReleaseRefused(
            "The reference date cannot be before that of the newest release "
            f"({previous[0].reference_date.isoformat()})."
        )
    for attempt in range(attempts):
        try:
            return _make(db, k, made_by, user_id, reference_date, previous)
        except Inconsistent:
            if attempt == attempts - 1:
                raise ReleaseRefused(
                    "The figures kept changing while the release was made; try again."
                ) from None
    raise AssertionError("unreachable")


def _make(
    db: Session,
    k: int,
    made_by: str,
    user_id: int | None,
    reference_date: date,
    previous: list[Release],
) -> Made:
    residents, items = _resident_rows(db)
    item_rows = _item_rows(items)
    frozen_figures: dict = {}
    all_members: dict[str, Members] = {}
    held_blocks = held_residents = 0
    earlier_blobs = [
        db.connection()
        .execute(select(col(Release.members)).where(col(Release.id) == r.id))
        .scalar_one()
        for r in previous
    ]
    for key, scope in scopes(db).items():
        fams = {p: figures.families(db, scope, p, k) for p in PERSPECTIVES}
        members = _members(scope, fams, residents, item_rows)
        earlier = [unpack_members(blob, key) for blob in earlier_blobs]
        keep: dict[str, np.ndarray] = {}
        blocks_of = {"residents": fams["resident"].residents}
        blocks_of["goals"] = fams["resident"].goals
        blocks_of["gas"] = fams["resident"].gas
        for perspective, fam in fams.items():
            for item, blocks in fam.items.items():
                blocks_of[family_name("items", item, perspective)] = blocks
        for name, blocks in blocks_of.items():
            held = hold_back(members, earlier, name, blocks.count, k)
            keep[name] = ~held
            if held.any():
                held_blocks += int(held.sum())
                held_residents += int(blocks.sums[held, 0].sum())
            if blocks.count:
                # From here on a label is the block's place among the published blocks, as
                # frozen in ``figures`` (-1: not published).
                labels = members.labels[name]
                shown = (labels >= 0) & ~held[np.maximum(labels, 0)]
                place = np.cumsum(~held) - 1
                members.labels[name] = np.where(shown, place[np.maximum(labels, 0)], -1)
        all_members[key] = members
        frozen_figures[key] = {
            p: frozen.encode_families(
                fam,
                {
                    **keep,
                    **{
                        family_name("items", item): keep[family_name("items", item, p)]
                        for item in fam.items
                    },
                },
            )
            for p, fam in fams.items()
        }
    release = Release(
        reference_date=reference_date,
        k=k,
        generated_at=utcnow(),
        made_by=made_by,
        made_by_user_id=user_id,
        held_back_blocks=held_blocks,
        held_back_residents=held_residents,
        figures=frozen.pack(frozen_figures),
        members=_pack_members(all_members),
    )
    db.add(release)
    db.flush()
    return Made(release, held_blocks, held_residents)


def due(db: Session, period: str, today: date | None = None) -> bool:
    """Is a release due: none yet with a reference date in this month (or quarter)?"""
    today = today or date.today()
    if period == "quarterly":
        start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    else:
        start = date(today.year, today.month, 1)
    found = (
        db.connection()
        .execute(select(col(Release.id)).where(col(Release.reference_date) >= start).limit(1))
        .first()
    )
    return found is None


def generated(release: Release) -> datetime:
    return release.generated_at


def period_word(period: str) -> str:
    return "quarter" if period == "quarterly" else "month"
