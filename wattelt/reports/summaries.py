"""The charts in words: short sentences in easy language, in the user's language.

Every chart of the report has one of these beside it, so a resident who cannot read a chart
understands it when the sentence is read aloud: "Money went up from 2 to 4. Friends stayed the
same." A domain's change is its first answer with a number compared with its latest one,
classified with the questionnaire's threshold (for the 5-step scale: one step), so that a
"don't know" in the very first round does not hide all later change.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from flask_babel import ngettext

from wattelt.scoring.stats import classify_change


def _numbers(values: Sequence[int | None]) -> list[int]:
    return [value for value in values if value is not None]


def domain_change(values: Sequence[int | None], threshold: int) -> str | None:
    """improved / same / declined from the first to the latest number; None with fewer than two
    numbers."""
    numbers = _numbers(values)
    if len(numbers) < 2:
        return None
    return classify_change(numbers[0], numbers[-1], threshold)


def domain_sentence(title: str, values: Sequence[int | None], threshold: int) -> str:
    """One sentence about one domain over the rounds (``values``: one per round, oldest first)."""
    numbers = _numbers(values)
    if not numbers:
        return _("%(domain)s: no answer yet.", domain=title)
    if len(values) == 1:
        return _(
            "%(domain)s: %(value)s. This is the first measurement.",
            domain=title,
            value=numbers[0],
        )
    if len(numbers) == 1:
        return _(
            "%(domain)s: %(value)s. There is only one answer so far.",
            domain=title,
            value=numbers[0],
        )
    before, after = numbers[0], numbers[-1]
    change = classify_change(before, after, threshold)
    if change == "improved":
        return _(
            "%(domain)s went up from %(before)s to %(after)s.",
            domain=title,
            before=before,
            after=after,
        )
    if change == "declined":
        return _(
            "%(domain)s went down from %(before)s to %(after)s.",
            domain=title,
            before=before,
            after=after,
        )
    if before == after:
        return _("%(domain)s stayed the same.", domain=title)
    return _(
        "%(domain)s stayed about the same: %(before)s and now %(after)s.",
        domain=title,
        before=before,
        after=after,
    )


def grade_sentence(values: Sequence[int | None]) -> str:
    """The overall grade over the rounds; any difference of a whole point counts."""
    numbers = _numbers(values)
    if not numbers:
        return _("There is no grade yet.")
    if len(numbers) == 1:
        return _("The grade is %(value)s.", value=numbers[0])
    before, after = numbers[0], numbers[-1]
    if after > before:
        return _("The grade went up from %(before)s to %(after)s.", before=before, after=after)
    if after < before:
        return _("The grade went down from %(before)s to %(after)s.", before=before, after=after)
    return _("The grade stayed %(value)s.", value=after)


def overview_sentences(
    domains: Sequence[tuple[str, Sequence[int | None]]], rounds: int, threshold: int
) -> list[str]:
    """What the spider web shows, for ``domains`` as ``(title, values per round)``: the domains
    that changed by name, the rest counted."""
    if rounds == 0:
        return []
    if rounds == 1:
        return [_("This is the first measurement. Next time you can see what changed.")]
    sentences = []
    same = unknown = 0
    for title, values in domains:
        change = domain_change(values, threshold)
        if change in ("improved", "declined"):
            sentences.append(domain_sentence(title, values, threshold))
        elif change == "same":
            same += 1
        else:
            unknown += 1
    if same and sentences and not unknown:
        sentences.append(
            ngettext(
                "The other life domain stayed the same.",
                "The other %(num)d life domains stayed the same.",
                same,
            )
        )
    elif same and not sentences and not unknown:
        sentences.append(
            ngettext(
                "The life domain stayed the same.",
                "All %(num)d life domains stayed the same.",
                same,
            )
        )
    elif same:
        sentences.append(
            ngettext(
                "%(num)d life domain stayed the same.",
                "%(num)d life domains stayed the same.",
                same,
            )
        )
    if unknown:
        sentences.append(
            ngettext(
                "%(num)d life domain does not have two answers to compare yet.",
                "%(num)d life domains do not have two answers to compare yet.",
                unknown,
            )
        )
    return sentences
