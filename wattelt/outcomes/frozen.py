"""A release's published blocks, written down and read back.

Every figure for every filter is a sum over whole blocks (``disclosure``), so freezing the
blocks of every scope and perspective freezes the answer to every filter the dashboard, the
exports and the API offer: the figures are finished from these blocks exactly as they are from
live blocks. A block carries its categories (a given-up category is written ``"*"``) and its
sums; nothing about a single resident.
"""

from __future__ import annotations

import dataclasses
import json
import zlib

import numpy as np

from wattelt.outcomes.disclosure import ANY, BlockSet, _part_order
from wattelt.outcomes.figures import Families

GIVEN_UP = "*"


def encode_blocks(blocks: BlockSet, keep: np.ndarray | None = None) -> dict:
    """A family's blocks (only those in ``keep``, when given) as plain JSON data."""
    keys = blocks.keys
    rows = range(len(keys)) if keep is None else np.nonzero(keep)[0].tolist()
    return {
        "names": list(blocks.names),
        "keys": [[GIVEN_UP if p is ANY else p for p in keys[i]] for i in rows],
        "sums": [blocks.sums[i].tolist() for i in rows],
    }


class _Index:
    """What ``BlockSet.mask`` needs of an index: per category its values and their codes."""

    def __init__(self, keys: list[tuple]) -> None:
        self.values: list[list] = []
        self.codes: list[dict] = []
        for position in range(7):
            found = sorted({k[position] for k in keys if k[position] is not ANY}, key=_part_order)
            self.values.append(found)
            self.codes.append({value: code for code, value in enumerate(found)})
        self.keys: list[tuple] = []


def decode_blocks(data: dict) -> BlockSet:
    names = tuple(data["names"])
    keys = [tuple(ANY if p == GIVEN_UP else p for p in key) for key in data["keys"]]
    if not keys:
        return BlockSet.empty(names)
    index = _Index(keys)
    parts = np.array(
        [[-1 if p is ANY else index.codes[i][p] for i, p in enumerate(key)] for key in keys],
        dtype=np.int64,
    )
    nothing = np.zeros(0, dtype=np.int64)
    sums = np.array(data["sums"], dtype=np.int64).reshape(len(keys), len(names))
    return BlockSet(names, keys, nothing, nothing, nothing, sums, parts, index)  # type: ignore[arg-type]


def encode_families(fam: Families, keep: dict[str, np.ndarray]) -> dict:
    """``keep[name]``: which blocks of each family are published (``releases.family_names``)."""
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


def pack(data: dict) -> bytes:
    return zlib.compress(json.dumps(data, separators=(",", ":")).encode(), 6)


def unpack(blob: bytes) -> dict:
    return json.loads(zlib.decompress(blob))
