"""Life domains of goals: which ones a goal may belong to, and their titles and pictures.

A goal stores domain keys. Keys are stable across questionnaire versions (a new version adds
domains, it does not rename them), so a key is looked up in the newest questionnaire that has it.
"""

from __future__ import annotations

from dataclasses import dataclass

from wattelt.models import Measurement
from wattelt.questionnaires.loader import registry
from wattelt.questionnaires.schema import Domain, Questionnaire


@dataclass(frozen=True)
class DomainLabel:
    key: str
    title: str
    icon: str | None


def find_domain(key: str) -> Domain | None:
    """The domain with this key in the newest questionnaire that has it, the default first."""
    found = registry()
    older = sorted(found.all(), key=lambda q: (-q.version, q.key))
    for questionnaire in [*found.latest_all(), *older]:
        domain = questionnaire.domain(key)
        if domain is not None:
            return domain
    return None


def label(key: str, language: str) -> DomainLabel:
    domain = find_domain(key)
    if domain is None:  # a questionnaire file was taken away: show the key rather than fail
        return DomainLabel(key, key, None)
    return DomainLabel(key, domain.title.get(language), domain.icon)


def questionnaire_for(measurement: Measurement | None) -> Questionnaire:
    if measurement is None:
        return registry().default()
    return registry().get(measurement.questionnaire_key, measurement.questionnaire_version)


def choosable(measurement: Measurement | None, keep: list[str] = ()) -> list[Domain]:
    """The domains a goal may be put in: those of the measurement (or the default questionnaire),
    plus the ``keep`` keys a goal already has, so editing never drops one."""
    questionnaire = questionnaire_for(measurement)
    if measurement is not None:
        domains = questionnaire.domains_for(measurement.optional_keys)
    else:
        domains = questionnaire.all_domains
    present = {d.key for d in domains}
    extra = [d for d in (find_domain(k) for k in keep if k not in present) if d is not None]
    return [*domains, *extra]
