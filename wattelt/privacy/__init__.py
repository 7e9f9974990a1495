"""The resident's privacy: consent, who looked at their data, export, erasure and retention.

The views for consent live in ``routes_consent``, the access log in ``routes_log``, export,
erasure and retention in ``routes_rights`` (all on the blueprint of ``blueprint``). Which areas
of Wattelt export and erasure cover is listed in ``registry``; the foundation's areas are in
``areas``."""
