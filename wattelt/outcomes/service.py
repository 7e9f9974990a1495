"""One entry for the dashboard, the API and the exports: the viewer's scope, the filters they
asked for, and the figures - so all three give exactly the same (suppressed) numbers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from flask import current_app
from sqlmodel import Session

from wattelt.models import User
from wattelt.outcomes import figures
from wattelt.outcomes.access import View, period_keys, view_for
from wattelt.outcomes.cache import BlocksCache, data_version
from wattelt.outcomes.dimensions import AGE_BAND_KEYS, PERSPECTIVE_LABELS, Parsed, parse_filters
from wattelt.outcomes.figures import AGE_BAND_LABELS
from wattelt.outcomes.results import Comparison, Figures, FilterOptions, Option


@dataclass
class Query:
    db: Session
    view: View
    parsed: Parsed
    k: int
    language: str
    _families: figures.Families | None = None

    @property
    def families(self) -> figures.Families:
        if self._families is None:
            scope, perspective = self.view.scope, self.parsed.filters.perspective

            def build() -> figures.Families:
                return figures.families(self.db, scope, perspective, self.k)

            cache = _cache()
            if cache.size <= 0:
                self._families = build()
            else:
                key = (scope.organisation_ids, perspective, self.k, data_version(self.db))
                self._families = cache.get_or_build(key, build)  # type: ignore[assignment]
        return self._families  # type: ignore[return-value]

    def figures(self) -> Figures:
        return figures.figures(
            self.db,
            self.view.scope,
            self.view.options,
            self.parsed.filters,
            self.k,
            self.language,
            self.families,
        )

    def compare(self, by: Literal["organisation", "district"]) -> Comparison:
        return figures.compare(
            self.db,
            self.view.scope,
            self.view.options,
            self.parsed.filters,
            by,
            self.k,
            self.language,
            self.families,
        )

    def options(self) -> FilterOptions:
        opts = self.view.options
        return FilterOptions(
            organisation=[Option(value=str(i), label=n) for i, n in opts.organisations.items()],
            district=[Option(value=str(i), label=n) for i, n in opts.districts.items()],
            age_band=[Option(value=b, label=str(AGE_BAND_LABELS[b])) for b in AGE_BAND_KEYS],
            period=[Option(value=key, label=key) for key in period_keys(self.families.first_year)],
            questionnaire=[
                Option(value=f"{key}-{version}", label=label)
                for (key, version), label in opts.questionnaires.items()
            ],
            perspective=[
                Option(value=p, label=str(label)) for p, label in PERSPECTIVE_LABELS.items()
            ],
        )


def _cache() -> BlocksCache:
    """This worker's cache of blocks (``WATTELT_FIGURES_CACHE`` entries)."""
    extensions = current_app.extensions
    cache = extensions.get("wattelt.blocks_cache")
    if cache is None:
        cache = extensions["wattelt.blocks_cache"] = BlocksCache(
            int(current_app.config.get("FIGURES_CACHE", 8))
        )
    return cache


def query(db: Session, user: User, args: Mapping[str, str], k: int, language: str) -> Query:
    """Raises ``access.NoScope`` for accounts that may not see figures."""
    view = view_for(db, user, language)
    return Query(db, view, parse_filters(args, view.options), k, language)
