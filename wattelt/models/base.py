from datetime import UTC, datetime

import wattelt.db  # noqa: F401  (sets the naming convention before any table is declared)


def utcnow() -> datetime:
    """Timezone-aware UTC; SQLModel stores it as UTC on SQLite and PostgreSQL alike."""
    return datetime.now(UTC)
