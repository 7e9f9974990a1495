"""``wattelt/policy.py`` is the one place that decides what a role may do.

Everywhere else (views, services, templates) asks a named capability of the policy layer
(``policy.may_change_plan(...)``, ``may.see_dashboard`` in a template) instead of comparing the
user's role itself. A role comparison outside the policy layer is how a rule ends up written
twice and, one day, differently; this test finds them, naming file and line.

Role *definitions* stay where they are: the ``Role`` enum, ``require_role(Role.X)`` decorators,
demo data that creates users with a role."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "wattelt"
#: The one place allowed to compare roles.
POLICY = PACKAGE / "policy.py"

_OPERATOR = r"(?:==|!=|\bis\s+not\b|\bis\b|\bnot\s+in\b|\bin\b)"
PATTERNS = [
    # user.role == "coach", current_user.role in (...), role_enum is Role.X, role != ...
    re.compile(r"role(?:_enum)?\s*" + _OPERATOR),
    # "coach" == user.role (but not a property of the role: user.role_enum.is_professional)
    re.compile(_OPERATOR + r"\s*[\w.]*\brole(?:_enum)?\b(?![.\w])"),
    # Role.COACH.value in ..., x is Role.ADMIN
    re.compile(r"\bRole\.[A-Z_]+(?:\.value)?\s*" + _OPERATOR),
    re.compile(r"(?:==|!=|\bis\b)\s*Role\.[A-Z_]+"),
    # In SQL: col(User.role).in_(...), User.role.in_(...)
    re.compile(r"\.role\)?\.(?:in_|notin_|is_|is_not)\("),
]
#: Iterating over roles is no comparison: ``for role in ...`` (Python and Jinja).
_LOOP = re.compile(r"\bfor\s+\w*role\w*\s+in\b")


def role_comparisons(text: str, name: str) -> list[str]:
    """``name:line: code`` for every line of ``text`` that compares a role."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        checked = _LOOP.sub("for _ in", line)
        if any(pattern.search(checked) for pattern in PATTERNS):
            found.append(f"{name}:{number}: {line.strip()}")
    return found


def _sources():
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".html") and path != POLICY and path.is_file():
            yield path


def test_no_role_comparison_outside_the_policy_layer():
    found = []
    for path in _sources():
        found += role_comparisons(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not found, (
        "Role comparisons outside wattelt/policy.py. Ask (or add) a named capability in "
        "wattelt/policy.py instead; templates get booleans from their view or use `may`:\n"
        + "\n".join(found)
    )


def test_the_scan_covers_python_and_templates():
    paths = {p.suffix for p in _sources()}
    assert paths == {".py", ".html"}
    assert not any(p == POLICY for p in _sources())


@pytest.mark.parametrize(
    "snippet",
    [
        "if user.role == Role.COACH:",
        'if user.role == "coach":',
        "if current_user.role in (Role.COACH.value, Role.MANAGER.value):",
        'if current_user.role not in ("admin",):',
        "if role_enum is Role.ADMIN:",
        "if user.role_enum is not Role.ADMIN:",
        "manager = current_user.role != Role.MANAGER.value",
        'if "coach" == current_user.role:',
        "if Role.COACH.value == user.role:",
        "mine = kind is Role.COACH",
        "query.where(User.role == wanted.role)",
        "query.where(col(User.role).in_(ROLES))",
        "{% if current_user.role == 'coach' %}",
        '{% if current_user.role in ("coach", "manager") %}',
        "{% set role = current_user.role %}{% if role == 'admin' %}",
    ],
)
def test_a_role_comparison_is_found_with_file_and_line(snippet):
    text = "first line\n" + snippet + "\n"
    assert role_comparisons(text, "wattelt/x.py") == [f"wattelt/x.py:2: {snippet}"]


@pytest.mark.parametrize(
    "snippet",
    [
        "@require_role(Role.COACH, Role.MANAGER)",
        'user = User(role=Role.COACH.value, display_name="Kees")',
        "if policy.may_change_plan(session, current_user, resident):",
        "{% if may.see_dashboard %}",
        "{% for role in roles %}<option>{{ role }}</option>{% endfor %}",
        "for role in Role:",
        "professional = current_user.role_enum.is_professional",
        "if professional != user.role_enum.is_professional:",
        'return {"role": user.role}',
        "roles in the chain",
    ],
)
def test_definitions_and_capabilities_are_not_comparisons(snippet):
    assert role_comparisons(snippet, "wattelt/x.py") == []
