from organizations.models.news import NewsAttachment, NewsPost, NewsPostChange
from organizations.models.organization import (
    ContactMessage,
    Membership,
    Organization,
    OrganizationChange,
)
from organizations.models.taxonomy import District, FieldOfActivity, TargetGroup

__all__ = [
    "ContactMessage",
    "District",
    "FieldOfActivity",
    "Membership",
    "NewsAttachment",
    "NewsPost",
    "NewsPostChange",
    "Organization",
    "OrganizationChange",
    "TargetGroup",
]
