"""One entry for the dashboard, the API and the exports: the viewer's scope, the filters they
asked for, the release they read, and the figures - so all three give exactly the same
(suppressed) numbers.

Policymakers read releases only (the newest unless they choose one, ``release=<id>``); a
manager reads live figures of their own organisation unless they choose a release."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

from flask import current_app
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlmodel import Session, col

from wattelt.models import Release, User
from wattelt.outcomes import figures, frozen, releases
from wattelt.outcomes.access import View, period_keys, view_for
from wattelt.outcomes.cache import BlocksCache, data_version
from wattelt.outcomes.dimensions import AGE_BAND_KEYS, PERSPECTIVE_LABELS, Parsed, parse_filters
from wattelt.outcomes.figures import AGE_BAND_LABELS
from wattelt.outcomes.results import Comparison, Figures, FilterOptions, Option, Published
from wattelt.policy import reads_releases_only


class NoRelease(Exception):
    """A policymaker asked for figures before the first release."""


@dataclass
class Query:
    db: Session
    view: View
    parsed: Parsed
    k: int
    language: str
    release: Release | None = None
    releases: list[Release] | None = None
    _families: figures.Families | None = None

    @property
    def published(self) -> Published:
        if self.release is None:
            return Published(
                release=None, reference_date=date.today(), generated_at=datetime.now(UTC)
            )
        return Published(
            release=self.release.id,
            reference_date=self.release.reference_date,
            generated_at=self.release.generated_at.replace(tzinfo=UTC),
        )

    @property
    def params(self) -> dict[str, str]:
        """The filters and the release as query parameters, for links and exports."""
        params = self.parsed.filters.as_params()
        if self.release is not None:
            params["release"] = str(self.release.id)
        return params

    @property
    def families(self) -> figures.Families:
        if self._families is None and self.release is not None:
            release_id = self.release.id
            key = releases.scope_key(self.view.scope)
            perspective = self.parsed.filters.perspective

            def thaw() -> figures.Families:
                blob = (
                    self.db.connection()
                    .execute(select(col(Release.figures)).where(col(Release.id) == release_id))
                    .scalar_one()
                )
                found = frozen.load(blob, key, perspective)
                # None: a chain made after this release.
                return found if found is not None else frozen.empty_families()

            cache = _cache()
            self._families = cache.get_or_build(  # type: ignore[assignment]
                ("release", release_id, key, perspective), thaw
            )
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
        found = figures.compare(
            self.db,
            self.view.scope,
            self.view.options,
            self.parsed.filters,
            by,
            self.k,
            self.language,
            self.families,
        )
        return found.model_copy(update=self.published.model_dump())

    def options(self) -> FilterOptions:
        opts = self.view.options
        today = self.release.reference_date if self.release is not None else None
        return FilterOptions(
            **self.published.model_dump(),
            releases=[
                Option(
                    value=str(r.id),
                    label=str(
                        _l(
                            "%(date)s (release %(id)d)",
                            date=format_date(r.reference_date, "long"),
                            id=r.id,
                        )
                    ),
                )
                for r in self.releases or []
            ],
            organisation=[Option(value=str(i), label=n) for i, n in opts.organisations.items()],
            district=[Option(value=str(i), label=n) for i, n in opts.districts.items()],
            age_band=[Option(value=b, label=str(AGE_BAND_LABELS[b])) for b in AGE_BAND_KEYS],
            period=[
                Option(value=key, label=key) for key in period_keys(self.families.first_year, today)
            ],
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
    """Raises ``access.NoScope`` for accounts that may not see figures, and ``NoRelease`` for
    a policymaker before the first release."""
    view = view_for(db, user, language)
    parsed = parse_filters(args, view.options)
    available = releases.listed(db)
    raw = (args.get("release") or "").strip()
    chosen = None
    if raw:
        chosen = next((r for r in available if str(r.id) == raw), None)
        if chosen is None:
            parsed.errors["release"] = str(_l("Choose one of the releases in the list."))
    if chosen is None and reads_releases_only(user):
        if not available:
            raise NoRelease
        chosen = available[0]
    return Query(
        db,
        view,
        parsed,
        chosen.k if chosen is not None else k,
        language,
        release=chosen,
        releases=available,
    )
