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
# Passwords that appear at the top of every leaked-password list, in Dutch and English, and
# those made of the app's own name. Checked in lower case, also without trailing digits.
COMMON = frozenset(
    """
    wachtwoord wachtwoord1 wachtwoord12 wachtwoord123 wachtwoord1234 welkom welkom01 welkom123
    welkom1234 welkomwelkom password password1 password12 password123 password1234 passw0rd
    p@ssw0rd p@ssword 1234567890 0123456789 0987654321 1122334455 1111111111 1234512345
    qwertyuiop qwerty1234 qwerty123456 azertyuiop asdfghjkl asdfghjkl1 zxcvbnm123 abcdefghij
    abc1234567 abcd123456 iloveyou12 iloveyou123 ikhouvanjou ikhouvanjou1 voetbal123 voetbal1234
    feyenoord1 ajax123456 amsterdam1 rotterdam1 nederland1 nederland123 holland123 zomer2024
    zomer2025 zomer2026 zomer2026! winter2026 lente2026 herfst2026 januari2026 december2026
    wattelt wattelt1 wattelt12 wattelt123 wattelt2026 wattelt-demo wachtwoord! geheim123
    geheim1234 letmein123 trustno1234 monkey1234 dragon1234 sunshine12 princess12 football12
    baseball12 starwars12 whatever12 superman12 changeme12 administrator admin12345 admin123456
    gemeente123 inwoner123 coach12345 werkwerk12 hallo12345 hallohallo doei123456
    """.split()
)


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


def password_problem(password: str, *names: str) -> str | None:
    """Why this password is not good enough, in plain words; ``None`` when it is fine.

    ``names`` are the user's own login names (e-mail address, or the user name, also one being
    chosen on the same form): a password that holds one of them (or the part of an e-mail
    address before the "@"), such as the name with a digit after it, is refused."""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(n)d characters.", n=MAX_LENGTH)
    if password.isdigit():
        return _("Do not use only numbers. Use letters too, for example three words.")
    lowered = password.lower()
    bare = lowered.rstrip("0123456789!.")
    if lowered in COMMON or bare in COMMON or len(set(lowered)) < 4:
        return _("This password is too easy to guess. Try three words you remember.")
    for name in names:
        name = (name or "").strip().lower()
        local = name.split("@")[0]
        if (len(name) >= 3 and name in lowered) or (len(local) >= 3 and local in lowered):
            return _("Do not use your name or e-mail address in your password.")
    return None
