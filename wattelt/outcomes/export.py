"""CSV (a zip of CSV files) and Excel exports of the published figures, each with a codebook.

The exports hold exactly what the dashboard shows for the same filters: the figures for the
filter, and the same figures per organisation and per district. A suppressed value is an empty
cell with ``suppressed`` set to ``yes``; nothing below k residents is ever written.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

from flask_babel import gettext as _

from wattelt import clock
from wattelt.outcomes.atoms import DISTRIBUTION_VALUES
from wattelt.outcomes.results import Count, Figures, Group, ItemFigures

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

SUMMARY_COLUMNS = ["group_by", "group", "residents_measured", "measured_twice", "suppressed"]
GOAL_COLUMNS = [
    "goal_residents",
    "goals_set",
    "goals_reached",
    "goals_reached_share",
    "gas_residents",
    "mean_gas_t",
]
DOMAIN_COLUMNS = [
    "group_by",
    "group",
    "item",
    "item_title",
    "kind",
    "n",
    "baseline_mean",
    "latest_mean",
    "change_mean",
    "change_ci_low",
    "change_ci_high",
    "d_z",
    "improved",
    "same",
    "declined",
    "change_threshold",
    *(f"baseline_share_{v}" for v in DISTRIBUTION_VALUES),
    "suppressed",
]
WISH_COLUMNS = ["item", "item_title", "share_wanting_to_work", "suppressed"]


@dataclass
class Sheet:
    name: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)


def _yes(suppressed: bool) -> str:
    return "yes" if suppressed else "no"


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _summary_row(group_by: str, name: str, residents: Count, twice: Count, goals=None) -> list:
    row = [group_by, name, residents.value, twice.value, _yes(residents.suppressed)]
    if goals is not None:
        row += [
            goals.residents,
            goals.goals_set,
            goals.goals_reached,
            _round(goals.reached_share),
            goals.scored_residents,
            _round(goals.mean_gas_t, 2),
        ]
    return row


def _domain_rows(group_by: str, name: str, items: list[ItemFigures]) -> list[list]:
    rows = []
    for item in items:
        shares = {d.value: d.share for d in item.baseline_distribution}
        rows.append(
            [
                group_by,
                name,
                item.key,
                item.title,
                item.kind,
                item.n,
                _round(item.baseline_mean),
                _round(item.latest_mean),
                _round(item.change_mean),
                _round(item.change_ci_low),
                _round(item.change_ci_high),
                _round(item.d_z),
                _round(item.improved),
                _round(item.same),
                _round(item.declined),
                item.change_threshold,
                *(_round(shares.get(v)) for v in DISTRIBUTION_VALUES),
                _yes(item.suppressed),
            ]
        )
    return rows


def build(query) -> list[Sheet]:
    """The sheets for a ``service.Query``: summary, domains, wishes and the codebook."""
    result: Figures = query.figures()
    groups: list[tuple[str, Group]] = []
    for by in ("organisation", "district"):
        comparison = query.compare(by)
        groups += [(by, g) for g in comparison.groups]
    goals_on = result.goals.available
    summary = Sheet("summary", SUMMARY_COLUMNS + (GOAL_COLUMNS if goals_on else []))
    summary.rows.append(
        _summary_row(
            "all",
            _("Selection"),
            result.residents,
            result.measured_twice,
            result.goals if goals_on else None,
        )
    )
    for by, group in groups:
        summary.rows.append(_summary_row(by, group.name, group.residents, group.measured_twice))
    domains = Sheet("domains", DOMAIN_COLUMNS, _domain_rows("all", _("Selection"), result.items))
    for by, group in groups:
        domains.rows += _domain_rows(by, group.name, group.items)
    wishes = Sheet(
        "wishes",
        WISH_COLUMNS,
        [[w.key, w.title, _round(w.share), _yes(w.suppressed)] for w in result.wishes],
    )
    book = codebook(result, goals_on)
    published = query.published
    book.rows[1:1] = [
        [_("Release"), str(published.release) if published.release else _("Live figures")],
        [_("Reference date"), published.reference_date.isoformat()],
        [_("Generated at"), published.generated_at.strftime("%Y-%m-%d %H:%M UTC")],
    ]
    return [summary, domains, wishes, book]


def codebook(result: Figures, goals_on: bool) -> Sheet:
    k = result.k
    f = result.filters
    chosen = [
        (_("Organisation"), f.organisation.label if f.organisation else _("All")),
        (_("District"), f.district.label if f.district else _("All")),
        (_("Age band"), f.age_band.label if f.age_band else _("All")),
        (_("Period"), f.period.label if f.period else _("All")),
        (_("Questionnaire"), f.questionnaire.label if f.questionnaire else _("All")),
        (_("Perspective"), f.perspective.label),
    ]
    sheet = Sheet("codebook", ["topic", "meaning"])
    rows = sheet.rows
    rows.append([_("Scope"), result.scope])
    rows.append([_("Made in"), clock.today().strftime("%Y-%m")])
    for name, value in chosen:
        rows.append([_("Filter: %(name)s", name=name), value])
    rows.append(
        [
            _("Period"),
            _(
                "Residents whose first measurement (T0) was completed in that year or quarter. Only years and quarters are used, never exact dates."
            ),
        ]
    )
    rows.append([_("Smallest group (k)"), str(k)])
    rows.append(
        [
            _("Suppression"),
            _(
                "No number rests on fewer than %(k)d residents. Residents are divided into blocks of at least %(k)d (by organisation, district, age band, year and quarter, questionnaire; categories are made coarser until a block is big enough). Every number adds up whole blocks, so no difference between two numbers can describe fewer than %(k)d residents. A suppressed value is empty, with suppressed = yes.",
                k=k,
            ),
        ]
    )
    rows.append(
        [
            _("Life domain figures"),
            _(
                "Residents with a number (not 'don't know' or 'rather not say') for the life domain at their first and at their latest measurement. First = T0, latest = their last completed measurement."
            ),
        ]
    )
    descriptions = {
        "group_by": _(
            "all = the selection; organisation or district = the same selection for one group."
        ),
        "group": _("Name of the group."),
        "residents_measured": _("Residents with at least one completed measurement."),
        "measured_twice": _("Residents with at least two completed measurements."),
        "suppressed": _("yes = fewer than %(k)d residents: the values are left empty.", k=k),
        "item": _("Key of the life domain; overall = the overall grade (1-10)."),
        "item_title": _("Name of the life domain."),
        "kind": _("domain or grade."),
        "n": _("Residents with a first and a latest answer for this item."),
        "baseline_mean": _("Mean answer at the first measurement."),
        "latest_mean": _("Mean answer at the latest measurement."),
        "change_mean": _("Mean change (latest minus first)."),
        "change_ci_low": _("Lower bound of the 95% CI of the mean change (t distribution)."),
        "change_ci_high": _("Upper bound of the 95% CI of the mean change."),
        "d_z": _("Effect size d_z: mean change divided by the standard deviation of the changes."),
        "improved": _("Share (0-1) whose answer went up by at least change_threshold steps."),
        "same": _("Share (0-1) whose answer changed by less than change_threshold steps."),
        "declined": _("Share (0-1) whose answer went down by at least change_threshold steps."),
        "change_threshold": _(
            "Steps that count as a change (from the questionnaire; 1 point for the grade)."
        ),
        "baseline_share_N": _("Share (0-1) with answer N at the first measurement."),
        "share_wanting_to_work": _(
            "Share (0-1) of the residents measured who said at their first measurement that they want to work on this life domain."
        ),
    }
    if goals_on:
        descriptions.update(
            {
                "goal_residents": _("Residents with at least one goal."),
                "goals_set": _("Goals set."),
                "goals_reached": _("Goals reached."),
                "goals_reached_share": _("Share (0-1) of the goals that were reached."),
                "gas_residents": _(
                    "Residents whose goals were scored at a follow-up measurement (empty: fewer "
                    "than k)."
                ),
                "mean_gas_t": _("Mean Goal Attainment Scaling T-score (50 = as expected)."),
            }
        )
    for column, meaning in descriptions.items():
        rows.append([_("Column %(name)s", name=column), meaning])
    return sheet


def to_zip(sheets: list[Sheet]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for sheet in sheets:
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\n")
            writer.writerow(sheet.columns)
            writer.writerows(["" if v is None else v for v in row] for row in sheet.rows)
            archive.writestr(f"{sheet.name}.csv", text.getvalue())
    return buffer.getvalue()


def to_xlsx(sheets: list[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.name)
        ws.append(sheet.columns)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            ws.append(row)
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
