"""A release's published blocks, written down and read back.

Every figure for every filter is a sum over whole blocks (``disclosure``), so freezing the
blocks of every scope and perspective freezes the answer to every filter the dashboard, the
exports and the API offer: the figures are finished from these blocks exactly as they are from
live blocks. A block carries its categories (a given-up category is written ``"*"``) and its
sums; nothing about a single resident.
"""

from __future__ import annotations

import dataclasses
import io
import json

import numpy as np

from wattelt.outcomes.disclosure import ANY, BlockSet, _part_order
from wattelt.outcomes.figures import Families

GIVEN_UP = "*"


def encode_blocks(blocks: BlockSet, keep: np.ndarray | None = None) -> dict:
    """A family's blocks (only those in ``keep``, when given): per category its values, each
    block's categories as codes into them (-1: given up) and its sums."""
    rows = np.arange(blocks.count) if keep is None else np.nonzero(keep)[0]
    keys = blocks.keys
    chosen = [keys[i] for i in rows.tolist()]
    values: list[list] = []
    parts = np.full((len(chosen), 7), -1, dtype=np.int64)
    for position in range(7):
        found = sorted({k[position] for k in chosen if k[position] is not ANY}, key=_part_order)
        codes = {value: code for code, value in enumerate(found)}
        values.append(found)
        for row, key in enumerate(chosen):
            if key[position] is not ANY:
                parts[row, position] = codes[key[position]]
    return {
        "names": list(blocks.names),
        "values": values,
        "parts": parts,
        "sums": blocks.sums[rows].astype(np.int64).reshape(len(chosen), len(blocks.names)),
    }


class _Index:
    """What a ``BlockSet`` needs of an index to filter frozen blocks and name them: per
    category its values and their codes, and each block's key from its codes."""

    def __init__(self, values: list[list], parts: np.ndarray) -> None:
        self.values = values
        self.codes = [{value: code for code, value in enumerate(found)} for found in values]
        self.parts = parts
        self.keys: list[tuple] = []

    def group_key(self, _step: int, block: int) -> tuple:
        return tuple(
            ANY if code < 0 else self.values[position][code]
            for position, code in enumerate(self.parts[block].tolist())
        )


def decode_blocks(data: dict) -> BlockSet:
    names = tuple(data["names"])
    parts = np.asarray(data["parts"], dtype=np.int64).reshape(-1, 7)
    count = len(parts)
    if not count:
        return BlockSet.empty(names)
    values = [[tuple(v) if isinstance(v, list) else v for v in found] for found in data["values"]]
    index = _Index(values, parts)
    nothing = np.zeros(0, dtype=np.int64)
    sums = np.asarray(data["sums"], dtype=np.int64).reshape(count, len(names))
    keys = (np.zeros(count, dtype=np.int64), np.arange(count, dtype=np.int64))
    return BlockSet(names, keys, nothing, nothing, nothing, sums, parts, index)  # type: ignore[arg-type]


def encode_families(fam: Families, keep: dict[str, np.ndarray]) -> dict:
    """``keep[name]``: which blocks of each family are published (``releases.family_name``)."""
    from wattelt.outcomes.releases import family_name

    out: dict = {}
    for f in dataclasses.fields(fam):
        value = getattr(fam, f.name)
        if isinstance(value, BlockSet):
            out[f.name] = encode_blocks(value, keep[family_name(f.name)])
        elif isinstance(value, dict):
            out[f.name] = {
                item: encode_blocks(blocks, keep[family_name(f.name, item)])
                for item, blocks in value.items()
            }
        else:
            out[f.name] = value
    return out


def decode_families(data: dict) -> Families:
    values: dict = {}
    for f in dataclasses.fields(Families):
        raw = data.get(f.name)
        if isinstance(raw, dict) and "names" in raw:
            values[f.name] = decode_blocks(raw)
        elif isinstance(raw, dict):
            values[f.name] = {item: decode_blocks(b) for item, b in raw.items()}
        else:
            values[f.name] = raw
    return Families(**values)


def empty_families() -> Families:
    from wattelt.outcomes.goals import GAS_SUMS, GOAL_SUMS

    return Families(
        residents=BlockSet.empty(("n", "repeated")),
        wishes=BlockSet.empty(("n",)),
        items={},
        goals=BlockSet.empty(GOAL_SUMS),
        gas=BlockSet.empty(GAS_SUMS),
        first_year=None,
    )


# A release's figures are one .npz file: per scope and perspective a JSON text (the names and
# category values) whose arrays (codes and sums) are files of their own, so that a worker reads
# and unpacks only the scope and perspective it is asked for.


def pack(scopes: dict[str, dict[str, dict]]) -> bytes:
    """``scopes[scope key][perspective]``: the encoded families (``encode_families``)."""
    arrays: dict[str, np.ndarray] = {}

    def lift(value, path: str):
        if isinstance(value, np.ndarray):
            arrays[path] = value
            return {ARRAY: path}
        if isinstance(value, dict):
            return {name: lift(v, f"{path}/{name}") for name, v in value.items()}
        return value

    for key, perspectives in scopes.items():
        for perspective, families in perspectives.items():
            text = json.dumps(lift(families, f"{key}/{perspective}"), separators=(",", ":"))
            arrays[f"{key}/{perspective}"] = np.frombuffer(text.encode(), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


ARRAY = "$array"


def load(blob: bytes, key: str, perspective: str) -> Families | None:
    """The frozen families of one scope and perspective (None: the scope was not there)."""
    with np.load(io.BytesIO(blob)) as data:
        name = f"{key}/{perspective}"
        if name not in data.files:
            return None

        def drop(value):
            if isinstance(value, dict) and ARRAY in value:
                return data[value[ARRAY]]
            if isinstance(value, dict):
                return {n: drop(v) for n, v in value.items()}
            return value

        return decode_families(drop(json.loads(data[name].tobytes())))
