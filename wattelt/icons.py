"""Our own line icons, drawn for Wattelt on a 24x24 grid, rendered inline as SVG.

Inline SVG needs no extra request, scales with the text and takes the text colour. Icons are
decoration: they are hidden from screen readers, and the text beside them carries the meaning."""

from __future__ import annotations

from markupsafe import Markup, escape

ICONS: dict[str, str] = {
    "logo": (
        '<circle cx="12" cy="12" r="10" fill="currentColor" stroke="none" opacity=".14"/>'
        '<path d="M6 9.5l2.2 7 2.3-5.5 1.5 3.5 1.5-3.5 2.3 5.5 2.2-7"/>'
        '<circle cx="12" cy="6.5" r="1.3" fill="currentColor"/>'
    ),
    "home": '<path d="M4 11l8-7 8 7"/><path d="M6 10v10h12V10"/><path d="M10 20v-5h4v5"/>',
    "people": (
        '<circle cx="9" cy="8" r="3.2"/><path d="M3 20c0-3.6 2.7-6 6-6s6 2.4 6 6"/>'
        '<circle cx="17" cy="9" r="2.5"/><path d="M15.5 14.3c3 .2 5.5 2.4 5.5 5.7"/>'
    ),
    "person": '<circle cx="12" cy="8" r="3.6"/><path d="M5 20c0-4 3.1-6.6 7-6.6s7 2.6 7 6.6"/>',
    "settings": (
        '<circle cx="12" cy="12" r="3"/>'
        '<path d="M12 2.8v2.6M12 18.6v2.6M2.8 12h2.6M18.6 12h2.6M5.5 5.5l1.9 1.9M16.6 16.6l1.9 1.9'
        'M5.5 18.5l1.9-1.9M16.6 7.4l1.9-1.9"/>'
    ),
    "globe": (
        '<circle cx="12" cy="12" r="9"/><path d="M3 12h18"/>'
        '<path d="M12 3c2.6 2.5 3.8 5.5 3.8 9s-1.2 6.5-3.8 9c-2.6-2.5-3.8-5.5-3.8-9S9.4 5.5 12 3z"/>'
    ),
    "logout": '<path d="M10 4H5v16h5"/><path d="M14 8l4 4-4 4"/><path d="M18 12H9"/>',
    "login": '<path d="M14 4h5v16h-5"/><path d="M9 8l4 4-4 4"/><path d="M13 12H3"/>',
    "info": '<circle cx="12" cy="12" r="9"/><path d="M12 11v6"/><circle cx="12" cy="7.6" r=".9" fill="currentColor"/>',
    "warning": (
        '<path d="M12 3.5l9.5 16.5h-19z"/><path d="M12 10v4.5"/>'
        '<circle cx="12" cy="17.2" r=".9" fill="currentColor"/>'
    ),
    "check": '<path d="M5 12.5l4.5 4.5L19 7.5"/>',
    "plus": '<path d="M12 5v14M5 12h14"/>',
    "eye": (
        '<path d="M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12z"/><circle cx="12" cy="12" r="3"/>'
    ),
    "key": (
        '<circle cx="8" cy="14" r="4"/><path d="M11 11l8.5-8.5"/><path d="M16 6l2.5 2.5"/>'
        '<path d="M14 8l2 2"/>'
    ),
    "speaker": (
        '<path d="M4 9.5h3.5L12 5.5v13l-4.5-4H4z"/><path d="M15.5 9a4 4 0 0 1 0 6"/>'
        '<path d="M18 6.5a7.5 7.5 0 0 1 0 11"/>'
    ),
    "link": (
        '<path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1"/>'
        '<path d="M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1"/>'
    ),
    "printer": (
        '<path d="M7 9V3.5h10V9"/><rect x="3.5" y="9" width="17" height="7.5" rx="1.5"/>'
        '<path d="M7 14h10v6.5H7z"/>'
    ),
    "building": (
        '<path d="M4 20.5h16"/><path d="M6 20.5V4h8v16.5"/><path d="M14 9h4v11.5"/>'
        '<path d="M9 7.5h2M9 11h2M9 14.5h2"/>'
    ),
    "chart": (
        '<path d="M4 20.5h16"/><path d="M6.5 17V11"/><path d="M11 17V6.5"/><path d="M15.5 17v-4"/>'
        '<path d="M20 17V9"/>'
    ),
    "download": '<path d="M12 4v11"/><path d="M7.5 10.5L12 15l4.5-4.5"/><path d="M5 19.5h14"/>',
    "compare": (
        '<rect x="3.5" y="5" width="7" height="14" rx="1.5"/><rect x="13.5" y="5" width="7" '
        'height="14" rx="1.5"/><path d="M6 9.5h2M6 12.5h2M16 9.5h2M16 12.5h2"/>'
    ),
    "map": '<path d="M3.5 6l5.5-2 6 2 5.5-2v14l-5.5 2-6-2-5.5 2z"/><path d="M9 4v14M15 6v14"/>',
    "chain": (
        '<rect x="2.5" y="8.5" width="9" height="7" rx="3.5"/>'
        '<rect x="12.5" y="8.5" width="9" height="7" rx="3.5"/>'
    ),
    "star": '<path d="M12 3.5l2.6 5.5 6 .7-4.4 4.1 1.2 5.9L12 16.8l-5.4 2.9 1.2-5.9-4.4-4.1 6-.7z"/>',
    "heart": (
        '<path d="M12 20s-7.5-4.6-7.5-10.2A4.3 4.3 0 0 1 12 7.2a4.3 4.3 0 0 1 7.5 2.6C19.5 15.4 12 20 12 20z"/>'
    ),
    "arrow-right": '<path d="M5 12h14"/><path d="M13 6l6 6-6 6"/>',
    "arrow-left": '<path d="M19 12H5"/><path d="M11 6l-6 6 6 6"/>',
    "edit": '<path d="M4 20l1-4.5L15.5 5l3.5 3.5L8.5 19z"/><path d="M13.5 7l3.5 3.5"/>',
    "shield": '<path d="M12 3l7.5 3v5.5c0 4.5-3.2 8.2-7.5 9.5-4.3-1.3-7.5-5-7.5-9.5V6z"/>',
    "search": '<circle cx="10.5" cy="10.5" r="6"/><path d="M15 15l5.5 5.5"/>',
    "flag": '<path d="M5.5 21V3.5"/><path d="M5.5 4.5h12l-2.5 4 2.5 4h-12"/>',
    "calendar": (
        '<rect x="3.5" y="5" width="17" height="15.5" rx="2"/><path d="M3.5 10h17"/>'
        '<path d="M8 3v4M16 3v4"/><path d="M7.5 14h2M11 14h2M14.5 14h2M7.5 17h2M11 17h2"/>'
    ),
    "history": (
        '<path d="M4.5 12a7.5 7.5 0 1 0 2.2-5.3"/><path d="M4 4v3.5h3.5"/><path d="M12 8v4.5l3 2"/>'
    ),
    "circle": '<circle cx="12" cy="12" r="8.5"/>',
    "check-circle": '<circle cx="12" cy="12" r="8.5"/><path d="M8 12.3l2.8 2.8L16.2 9.5"/>',
    "clock": '<circle cx="12" cy="12" r="8.5"/><path d="M12 7.5V12l3 2"/>',
}


def icon(name: str, size: int = 24, label: str | None = None) -> Markup:
    """An inline SVG icon. Pass ``label`` only when the icon stands alone without text."""
    body = ICONS.get(name)
    if body is None:
        raise KeyError(f"unknown icon {name!r}")
    a11y = (
        f'role="img" aria-label="{escape(label)}"'
        if label
        else 'aria-hidden="true" focusable="false"'
    )
    return Markup(
        f'<svg class="icon icon-{name}" width="{size}" height="{size}" viewBox="0 0 24 24" '
        f'fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" '
        f'stroke-linejoin="round" {a11y}>{body}</svg>'
    )
