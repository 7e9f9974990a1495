"""What the demo's steps share: the people built first, and one seeded random source."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from wattelt.models import Chain, District, Organisation, Resident, User

DEMO_PASSWORD = "wattelt-demo"


@dataclass
class World:
    chain: Chain
    organisations: list[Organisation]
    districts: list[District]
    users: dict[str, User]  # by e-mail address
    residents: list[Resident]
    sanne: Resident  # the resident with her own login ("sanne")
    carer: User  # Sanne's carer Jan ("jan")
    rng: random.Random
    #: Counts the steps report, e.g. {"measurements": 80}.
    counts: dict[str, int] = field(default_factory=dict)
