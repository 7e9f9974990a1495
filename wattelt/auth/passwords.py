"""Password hashing with argon2id and the password rules shown to users."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

_hasher = PasswordHasher()
# Verified against when the account does not exist, so a wrong name takes as long as a wrong
# password and response times do not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash("wattelt-no-such-account")

MIN_LENGTH = 10
MAX_LENGTH = 128
COMMON = {
    "wachtwoord",
    "wachtwoord1",
    "wachtwoord123",
    "password",
    "password1",
    "password123",
    "1234567890",
    "0123456789",
    "qwertyuiop",
    "welkom123",
    "welkom1234",
    "wattelt123",
    "wattelt2026",
    "iloveyou12",
    "voetbal123",
    "zomer2026!",
    "abcdefghij",
}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        waste_time(password)
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def waste_time(password: str) -> None:
    """Spend as long as a real verification would, for accounts that do not exist."""
    try:
        _hasher.verify(_DUMMY_HASH, password or "x")
    except VerificationError:
        pass


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


def password_problem(password: str, login_name: str = "") -> str | None:
    """Why this password is not good enough, in plain words; ``None`` when it is fine."""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(n)d characters.", n=MAX_LENGTH)
    lowered = password.lower()
    if lowered in COMMON or len(set(lowered)) < 4:
        return _("This password is too easy to guess. Try three words you remember.")
    if login_name and login_name.lower().split("@")[0] in lowered:
        return _("Do not use your name in your password.")
    return None
