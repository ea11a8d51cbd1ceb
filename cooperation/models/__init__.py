"""The cooperation app's models, one module per sub-area."""

from cooperation.models.consultations import (
    AlertOptOut,
    ConsultationMeeting,
    Provision,
    PublicConsultation,
    PublicConsultationChange,
    Remark,
    RemarkChange,
)
from cooperation.models.programme import ProgrammeYear, ProgrammeYearChange
from cooperation.models.team import (
    TeamContactMessage,
    TeamMeeting,
    TeamMeetingChange,
    TeamMeetingDocument,
    TeamMember,
    TeamMemberChange,
)

__all__ = [
    "AlertOptOut",
    "ConsultationMeeting",
    "ProgrammeYear",
    "ProgrammeYearChange",
    "Provision",
    "PublicConsultation",
    "PublicConsultationChange",
    "Remark",
    "RemarkChange",
    "TeamContactMessage",
    "TeamMeeting",
    "TeamMeetingChange",
    "TeamMeetingDocument",
    "TeamMember",
    "TeamMemberChange",
]
