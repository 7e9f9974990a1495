"""The pictures of the questionnaires: our own SVG drawings in ``icons/``, rendered inline.

Domain icons draw in ``currentColor`` and take the text colour; the answer faces have fixed
colours, and their mouths carry the meaning for people who do not see colour. Every picture is
decoration next to words that say the same, so it is hidden from screen readers."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from markupsafe import Markup

ICON_FOLDER = Path(__file__).resolve().parent / "icons"


@cache
def available_icons() -> set[str]:
    return {path.stem for path in ICON_FOLDER.glob("*.svg")}


@cache
def _source(name: str) -> str | None:
    path = ICON_FOLDER / f"{name}.svg"
    if name not in available_icons():
        return None
    return path.read_text(encoding="utf-8").strip()


def icon_svg(name: str | None, size: int = 48) -> Markup:
    """The icon as inline SVG of ``size`` pixels, or nothing for an unknown name."""
    source = _source(name) if name else None
    if not source or not source.startswith("<svg"):
        return Markup("")
    attributes = (
        f'<svg class="picture picture-{name}" width="{int(size)}" height="{int(size)}" '
        'aria-hidden="true" focusable="false"'
    )
    return Markup(attributes + source[len("<svg") :])  # noqa: S704 (our own files, see above)
