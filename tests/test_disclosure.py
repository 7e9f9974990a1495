"""Disclosure control: no number rests on fewer than k residents, and no attack that combines
published numbers - differences of two filters, totals minus the visible cells, a year minus its
quarters, the chain minus one organisation - reveals a group of fewer than k."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wattelt.demo.population import Spread
from wattelt.outcomes import atoms, figures
from wattelt.outcomes.dimensions import AGE_BAND_KEYS, Filters, Options, Period, parse_filters
from wattelt.outcomes.disclosure import ANY, inside, make_blocks, published

from helpers.outcomes import populate

K = 10

# --- the blocks themselves ------------------------------------------------------------------

_keys = st.tuples(
    st.sampled_from([1, 2, 3]),
    st.sampled_from([10, 11, None]),
    st.sampled_from(AGE_BAND_KEYS),
    st.sampled_from([2025, 2026]),
    st.sampled_from([1, 2, 3, 4]),
    st.just("wattelt"),
    st.sampled_from([1, 2]),
)


@settings(max_examples=150)
@given(
    atom_sizes=st.dictionaries(_keys, st.integers(min_value=1, max_value=14), max_size=60),
    k=st.integers(min_value=5, max_value=12),
)
def test_blocks_partition_the_residents_in_groups_of_at_least_k(atom_sizes, k):
    atom_sums = {key: {"n": n, "sum": n * 3} for key, n in atom_sizes.items()}
    blocks = make_blocks(atom_sums, k)
    total = sum(atom_sizes.values())
    if total < k:
        assert blocks == []
        return
    assert all(block.n >= k for block in blocks)
    members = [atom for block in blocks for atom in block.atoms]
    assert sorted(members, key=repr) == sorted(atom_sizes, key=repr)  # each atom exactly once
    assert sum(block.n for block in blocks) == total
    for block in blocks:
        # A block only keeps the categories that all of its atoms share.
        for position, part in enumerate(block.key):
            if part is not ANY:
                assert all(atom[position] == part for atom in block.atoms)


def _lattice(organisations, districts, years) -> list[Filters]:
    periods = (
        [None] + [Period(y) for y in years] + [Period(y, q) for y in years for q in range(1, 5)]
    )
    return [
        Filters(organisation_id=o, district_id=d, age_band=a, period=p, questionnaire=q)
        for o, d, a, p, q in itertools.product(
            [None, *organisations],
            [None, *districts],
            [None, *AGE_BAND_KEYS],
            periods,
            [None, ("wattelt", 1), ("jong", 1)],
        )
    ]


def _relaxations(filters: Filters) -> list[tuple[str, Filters]]:
    found = []
    for name in ("organisation_id", "district_id", "age_band", "questionnaire"):
        if getattr(filters, name) is not None:
            found.append((name, filters.but(**{name: None})))
    if filters.period is not None:
        found.append(("period", filters.but(period=None)))
        if filters.period.quarter is not None:
            found.append(("period", filters.but(period=Period(filters.period.year))))
    return found


def _n(blocks, filters) -> int:
    sums = published(blocks, filters)
    return 0 if sums is None else sums["n"]


def _assert_no_small_differences(blocks, lattice, k, what):
    count = blocks if callable(blocks) else lambda f: _n(blocks, f)
    counts = {f: count(f) for f in lattice}
    for filters, n in counts.items():
        assert n == 0 or n >= k, (what, filters, n)
        for _name, wider in _relaxations(filters):
            difference = counts[wider] - n
            # "all districts" minus "this district", the chain minus one organisation, ...
            assert difference == 0 or difference >= k, (what, filters, wider, difference)


@settings(max_examples=40)
@given(
    atom_sizes=st.dictionaries(_keys, st.integers(min_value=1, max_value=9), max_size=40),
)
def test_no_two_nested_filters_differ_by_fewer_than_k(atom_sizes):
    blocks = make_blocks({key: {"n": n} for key, n in atom_sizes.items()}, K)
    lattice = [
        f
        for f in _lattice([1, 2, 3], [10, 11], [2025, 2026])
        if f.questionnaire in (None, ("wattelt", 1))
    ]
    _assert_no_small_differences(blocks, lattice, K, "random atoms")


# --- attacks on a realistic chain -------------------------------------------------------------


@pytest.fixture
def chain(app, db_session, make_chain, make_organisation, make_district):
    """A chain of three partners with 260 residents, and a small district of 3 residents whose
    answers stand out (the target of the attacks below)."""
    chain = make_chain(name="Samen Sterk")
    organisations = [make_organisation(name=f"Partner {i}", chain=chain) for i in range(3)]
    districts = [make_district(name=f"Wijk {i}") for i in range(3)]
    small = make_district(name="Klein")
    populate(
        db_session,
        Spread([o.id for o in organisations], [d.id for d in districts], (0.5, 0.3, 0.2), days=400),
        260,
        seed=3,
    )
    populate(db_session, Spread([organisations[2].id], [small.id], days=400), 3, seed=4)
    scope = atoms.Scope(tuple(o.id for o in organisations), chain.id, chain.name)
    options = Options(
        organisations={o.id: o.name for o in organisations},
        districts={d.id: d.name for d in [*districts, small]},
        questionnaires={("wattelt", 1): "Wattelt", ("jong", 1): "Jong"},
    )
    with app.test_request_context():
        fam = figures.families(db_session, scope, "resident", K)
    atom_sizes = {key: sums["n"] for key, sums in atoms.resident_atoms(db_session, scope).items()}
    years = sorted(
        {b.key[3] for b in fam.residents if b.key[3] is not ANY}
        | {a[3] for b in fam.residents for a in b.atoms}
    )
    return {
        "scope": scope,
        "options": options,
        "families": fam,
        "organisations": [o.id for o in organisations],
        "districts": [d.id for d in districts],
        "small": small.id,
        "years": years,
        "atom_sizes": atom_sizes,
    }


def test_the_small_district_is_suppressed_everywhere_but_counted_in_the_totals(
    app, db_session, chain
):
    with app.test_request_context():
        result = figures.figures(
            db_session,
            chain["scope"],
            chain["options"],
            Filters(district_id=chain["small"]),
            K,
            "en",
        )
        total = figures.figures(db_session, chain["scope"], chain["options"], Filters(), K, "en")
    assert result.residents.suppressed and result.residents.value is None
    assert all(
        item.suppressed and item.n is None and item.change_mean is None for item in result.items
    )
    assert all(w.suppressed and w.share is None for w in result.wishes)
    assert total.residents.value == 263


def test_differences_of_two_filters_never_isolate_fewer_than_k(chain):
    """Every pair of filters where one is the other with one choice widened to "all" -
    one district vs all districts, one organisation vs the chain, a quarter vs its year or all
    periods, one age band vs all ages, one questionnaire vs all - differs by 0 or >= k
    residents, for the residents measured and for every life domain."""
    fam = chain["families"]
    lattice = _lattice(
        chain["organisations"], [*chain["districts"], chain["small"]], chain["years"]
    )
    _assert_no_small_differences(fam.residents, lattice, K, "residents")
    for item in ("money", "friends", "overall"):
        _assert_no_small_differences(fam.items[item], lattice, K, item)


def test_a_total_minus_the_visible_cells_is_never_a_small_group(chain):
    """The comparison's total minus every shown organisation (or district, quarter, age band)
    leaves 0 or at least k residents - also when you add up separately filtered queries."""
    fam = chain["families"]
    dimensions = {
        "organisation_id": chain["organisations"],
        "district_id": [*chain["districts"], chain["small"]],
        "age_band": AGE_BAND_KEYS,
    }
    lattice = _lattice(
        chain["organisations"], [*chain["districts"], chain["small"]], chain["years"]
    )
    for blocks in (fam.residents, fam.items["money"], fam.items["overall"]):
        for base in lattice:
            for name, values in dimensions.items():
                if getattr(base, name) is not None:
                    continue
                rest = _n(blocks, base) - sum(_n(blocks, base.but(**{name: v})) for v in values)
                assert rest == 0 or rest >= K, (base, name, rest)
            if base.period is None:
                for year in chain["years"]:
                    whole = _n(blocks, base.but(period=Period(year)))
                    quarters = sum(
                        _n(blocks, base.but(period=Period(year, q))) for q in range(1, 5)
                    )
                    assert whole - quarters == 0 or whole - quarters >= K, (base, year)


def test_the_target_group_cannot_be_recovered_from_the_district_comparison(app, db_session, chain):
    """The attack in full: the 3 residents of district "Klein" as total minus the other
    districts. What remains is a bigger group (other residents too), never the 3 alone."""
    with app.test_request_context():
        comparison = figures.compare(
            db_session, chain["scope"], chain["options"], Filters(), "district", K, "en"
        )
    small = next(g for g in comparison.groups if g.id == chain["small"])
    assert small.residents.suppressed
    shown = sum(g.residents.value or 0 for g in comparison.groups)
    rest = comparison.total.residents.value - shown
    assert rest == 0 or rest >= K
    assert rest != 3
    for position, item in enumerate(comparison.total.items):
        if item.suppressed:
            continue
        visible = sum(g.items[position].n or 0 for g in comparison.groups)
        assert item.n - visible == 0 or item.n - visible >= K


def test_a_period_cannot_be_narrowed_to_a_month_or_a_date():
    options = Options({1: "A"}, {2: "B"}, {("wattelt", 1): "W"})
    for raw in ("2026-07", "2026-07-01", "2026-Q5", "2026Q1", "juli", "2026-Q1..2026-Q2"):
        parsed = parse_filters({"period": raw}, options)
        assert parsed.filters.period is None
        assert "period" in parsed.errors


def test_a_manager_gets_exactly_the_chain_figures_of_their_organisation(app, db_session, chain):
    """Managers and policymakers share one set of blocks: nothing to play off against each
    other."""
    organisation = chain["organisations"][1]
    manager_options = Options(
        {organisation: "Partner 1"},
        chain["options"].districts,
        chain["options"].questionnaires,
        fixed_organisation_id=organisation,
    )
    with app.test_request_context():
        for district in [None, *chain["districts"]]:
            parsed = parse_filters({"district": str(district or "")}, manager_options)
            assert parsed.filters.organisation_id == organisation
            as_manager = figures.figures(
                db_session, chain["scope"], manager_options, parsed.filters, K, "en"
            )
            as_policymaker = figures.figures(
                db_session,
                chain["scope"],
                chain["options"],
                Filters(organisation_id=organisation, district_id=district),
                K,
                "en",
            )
            assert as_manager.residents == as_policymaker.residents
            assert as_manager.items == as_policymaker.items


def test_blocks_do_not_depend_on_the_order_of_the_rows():
    rng = random.Random(5)
    keys = [
        (
            rng.choice([1, 2]),
            rng.choice([10, 11, None]),
            rng.choice(AGE_BAND_KEYS),
            2026,
            rng.randint(1, 4),
            "wattelt",
            1,
        )
        for _ in range(80)
    ]
    atom_sums = {}
    for key in keys:
        atom_sums.setdefault(key, {"n": 0})["n"] += 1
    shuffled = dict(rng.sample(list(atom_sums.items()), len(atom_sums)))
    assert [(b.key, b.n) for b in make_blocks(atom_sums, K)] == [
        (b.key, b.n) for b in make_blocks(shuffled, K)
    ]


def test_the_attack_check_catches_primary_suppression_alone(chain):
    """The checks above can fail: hiding only the groups below k (primary suppression without
    blocks) leaves filters whose difference reveals a small group."""

    def primary_only(filters: Filters) -> int:
        n = sum(size for atom, size in chain["atom_sizes"].items() if inside(atom, filters))
        return n if n >= K else 0

    lattice = _lattice(
        chain["organisations"], [*chain["districts"], chain["small"]], chain["years"]
    )
    with pytest.raises(AssertionError):
        _assert_no_small_differences(primary_only, lattice, K, "primary suppression only")


# --- the arrays give exactly the blocks of the plain-Python reference -------------------------


@settings(max_examples=120)
@given(
    atom_sums=st.dictionaries(
        _keys,
        st.fixed_dictionaries(
            {"n": st.integers(min_value=0, max_value=14), "sum": st.integers(-50, 50)}
        ),
        max_size=70,
    ),
    k=st.integers(min_value=5, max_value=12),
)
def test_blocks_match_the_plain_python_reference(atom_sums, k):
    from helpers.disclosure_reference import make_blocks as reference_blocks
    from helpers.disclosure_reference import published as reference_published

    fast = make_blocks(atom_sums, k)
    slow = reference_blocks(atom_sums, k)

    def canonical(blocks):
        # The same blocks with the same members and sums; their order carries no meaning.
        return sorted(
            (repr(b.key), sorted(map(repr, b.atoms)), sorted(b.sums.items())) for b in blocks
        )

    assert canonical(fast) == canonical(slow)
    # Every filter of the lattice (and a period and a value no block has) publishes the same.
    lattice = _lattice([1, 2, 3], [10, 11], [2025, 2026]) + [
        Filters(organisation_id=99),
        Filters(period=Period(2024, None)),
    ]
    for filters in lattice:
        assert published(fast, filters) == reference_published(slow, filters), filters


@settings(max_examples=60)
@given(
    families=st.lists(
        st.dictionaries(
            _keys,
            st.fixed_dictionaries(
                {"n": st.integers(min_value=0, max_value=14), "sum": st.integers(-50, 50)}
            ),
            max_size=40,
        ),
        min_size=1,
        max_size=5,
    ),
    k=st.integers(min_value=5, max_value=12),
)
def test_blocks_of_several_families_at_once_equal_each_family_alone(families, k):
    """The dashboard makes the blocks of every life domain in one go; each domain must get
    exactly the blocks it gets alone."""
    import numpy as np

    from wattelt.outcomes.disclosure import AtomIndex, AtomSums, blocks_of_families

    index = AtomIndex([key for family in families for key in family])
    together = blocks_of_families(
        ("n", "sum"),
        [
            (
                index.ids(list(family)),
                AtomSums.from_mapping(family).values
                if family
                else np.zeros((0, 2), dtype=np.int64),
            )
            for family in families
        ],
        k,
        index,
    )
    for family, blocks in zip(families, together, strict=True):
        alone = make_blocks(family, k)
        assert [(b.key, b.atoms, b.sums) for b in blocks] == [
            (b.key, b.atoms, b.sums) for b in alone
        ]
