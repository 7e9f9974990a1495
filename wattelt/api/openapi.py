"""The OpenAPI 3.1 document of ``/api/v1``, generated from the same pydantic models that
produce the answers, so the description cannot drift from the responses."""

from __future__ import annotations

from functools import cache

from pydantic.json_schema import models_json_schema

from wattelt.outcomes.dimensions import AGE_BAND_KEYS
from wattelt.outcomes.results import (
    Comparison,
    Domains,
    FilterOptions,
    Problem,
    ReleaseFigures,
    ReleaseList,
    Summary,
)

FILTER_PARAMETERS = [
    {
        "name": "release",
        "in": "query",
        "description": "Release id (see /releases). Default: the newest release; for managers "
        "the live figures of their own organisation.",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
    {
        "name": "organisation",
        "in": "query",
        "description": "Organisation id (see /filters). Managers always get their own organisation.",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
    {
        "name": "district",
        "in": "query",
        "description": "District id (see /filters).",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
    {
        "name": "age_band",
        "in": "query",
        "description": "Age in the year of the first measurement.",
        "schema": {"type": "string", "enum": AGE_BAND_KEYS},
    },
    {
        "name": "period",
        "in": "query",
        "description": "Residents whose first measurement was in this year (2026) or quarter (2026-Q3). No exact dates.",
        "schema": {"type": "string", "pattern": "^[0-9]{4}(-Q[1-4])?$"},
    },
    {
        "name": "questionnaire",
        "in": "query",
        "description": "Questionnaire of the first measurement, as key-version (see /filters).",
        "schema": {"type": "string", "pattern": "^[a-z][a-z0-9_]{1,39}-[1-9][0-9]{0,3}$"},
    },
    {
        "name": "perspective",
        "in": "query",
        "description": "Whose answers: the resident's own (default), the coach's or the network's.",
        "schema": {
            "type": "string",
            "enum": ["resident", "coach", "network"],
            "default": "resident",
        },
    },
    {
        "name": "lang",
        "in": "query",
        "description": "Language of titles and labels.",
        "schema": {"type": "string", "enum": ["nl", "en"], "default": "nl"},
    },
]
BY_PARAMETER = {
    "name": "by",
    "in": "query",
    "required": True,
    "description": "Compare organisations or districts side by side.",
    "schema": {"type": "string", "enum": ["organisation", "district"]},
}
QUERY_PARAMETERS = [p["name"] for p in FILTER_PARAMETERS] + ["by"]

MODELS = [Summary, Domains, Comparison, FilterOptions, ReleaseList, ReleaseFigures, Problem]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(name: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


ERRORS = {
    "400": _json("Problem", "A filter value that is not allowed, or an unknown parameter."),
    "401": _json("Problem", "No token, or an unknown, revoked or expired token."),
    "403": _json("Problem", "The token's account may not see figures."),
    "404": _json("Problem", "No release yet, or no release with this id."),
}


def _operation(summary: str, description: str, model: str, extra: list | None = None) -> dict:
    return {
        "get": {
            "summary": summary,
            "description": description,
            "parameters": FILTER_PARAMETERS + (extra or []),
            "security": [{"bearer": []}],
            "responses": {"200": _json(model, summary), **ERRORS},
        }
    }


@cache
def document() -> dict:
    _top, schemas = models_json_schema(
        [(m, "serialization") for m in MODELS], ref_template="#/components/schemas/{model}"
    )
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "Wattelt figures API",
            "version": "1.0.0",
            "description": (
                "Read-only, anonymous outcome figures of a chain (policymakers) or one "
                "organisation (managers): the same numbers as the dashboard. No value rests on "
                "fewer than k residents; a suppressed value is null with suppressed = true. "
                "Policymakers read releases: frozen figures with a reference date; every "
                "answer names its release, reference_date and generated_at. "
                "Authenticate with a bearer token that an administrator made for you."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": schemas["$defs"],
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Authorization: Bearer wt_…",
                }
            },
        },
        "security": [{"bearer": []}],
        "paths": {
            "/summary": _operation(
                "Counts, wishes and goals",
                "Residents measured, measured twice or more, what they want to work on, goals.",
                "Summary",
            ),
            "/domains": _operation(
                "Change per life domain",
                "Per life domain and the overall grade: first and latest mean, mean change with "
                "95% confidence interval, d_z, improved / same / declined, first distribution.",
                "Domains",
            ),
            "/compare": _operation(
                "Groups side by side",
                "The per-domain figures for every organisation or district, and the total.",
                "Comparison",
                [BY_PARAMETER],
            ),
            "/releases": {
                "get": {
                    "summary": "Releases",
                    "description": "Every release (frozen figures with a reference date), "
                    "newest first.",
                    "security": [{"bearer": []}],
                    "responses": {"200": _json("ReleaseList", "Releases"), **ERRORS},
                }
            },
            "/releases/{release_id}": {
                "get": {
                    "summary": "One release",
                    "description": "The summary and per-domain figures of one release.",
                    "parameters": [
                        {
                            "name": "release_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        },
                        *[p for p in FILTER_PARAMETERS if p["name"] != "release"],
                    ],
                    "security": [{"bearer": []}],
                    "responses": {"200": _json("ReleaseFigures", "One release"), **ERRORS},
                }
            },
            "/filters": _operation(
                "Filter values", "The values each filter accepts for this token.", "FilterOptions"
            ),
        },
    }
