"""Data model. Importing this package registers every table on ``SQLModel.metadata``.

Later areas add their tables here (measurements, goals, consent) so Alembic sees them all.
"""

from wattelt.models.access import AccessLog, LoginFailure
from wattelt.models.api_token import ApiToken
from wattelt.models.base import utcnow
from wattelt.models.goal import (
    GOAL_STATUSES,
    GOAL_WEIGHTS,
    HELPER_KINDS,
    Goal,
    GoalDomain,
    GoalScore,
    Plan,
    PlanChange,
    Step,
)
from wattelt.models.measurement import (
    OVERALL,
    PERSPECTIVES,
    SPECIAL_ANSWERS,
    Answer,
    AnswerCorrection,
    Measurement,
)
from wattelt.models.notice import NOTICE_KINDS, Notice
from wattelt.models.organisation import Chain, District, Organisation
from wattelt.models.outcome import OutcomeAtom, OutcomeItem, OutcomeResident
from wattelt.models.privacy import (
    CONSENT_PURPOSES,
    ERASURE_REASONS,
    ConsentRecord,
    ErasureRequest,
    RecoveryCode,
    TwoFactor,
)
from wattelt.models.release import Release
from wattelt.models.resident import Involvement, NetworkMember, Resident
from wattelt.models.user import Invitation, Role, User, new_login_id

__all__ = [
    "CONSENT_PURPOSES",
    "ERASURE_REASONS",
    "ConsentRecord",
    "ErasureRequest",
    "RecoveryCode",
    "TwoFactor",
    "GOAL_STATUSES",
    "GOAL_WEIGHTS",
    "HELPER_KINDS",
    "OVERALL",
    "PERSPECTIVES",
    "SPECIAL_ANSWERS",
    "AccessLog",
    "ApiToken",
    "Answer",
    "AnswerCorrection",
    "Measurement",
    "Chain",
    "District",
    "Goal",
    "GoalDomain",
    "GoalScore",
    "Invitation",
    "Involvement",
    "LoginFailure",
    "NetworkMember",
    "NOTICE_KINDS",
    "Notice",
    "Organisation",
    "Plan",
    "PlanChange",
    "OutcomeAtom",
    "OutcomeItem",
    "OutcomeResident",
    "Release",
    "Resident",
    "Role",
    "Step",
    "User",
    "new_login_id",
    "utcnow",
]
