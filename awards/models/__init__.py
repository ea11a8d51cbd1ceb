"""The awards app's models, one module per sub-area."""

from awards.models.competitions import (
    Category,
    Competition,
    Criterion,
    Edition,
    EditionChange,
    Juror,
    NominatorKind,
    NomineeKind,
)
from awards.models.nominations import (
    Conflict,
    Nomination,
    NominationAttachment,
    NominationChange,
    Score,
)
from awards.models.votes import Vote

__all__ = [
    "Category",
    "Competition",
    "Conflict",
    "Criterion",
    "Edition",
    "EditionChange",
    "Juror",
    "Nomination",
    "NominationAttachment",
    "NominationChange",
    "NominatorKind",
    "NomineeKind",
    "Score",
    "Vote",
]
