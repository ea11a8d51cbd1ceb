"""The search text of an organisation, matched by the directory's search as
`cwop_portal.search` describes (Polish-aware words)."""

from cwop_portal.search import build_document


def organization_document(organization, *, fields, target_groups):
    """The stored search text of an organisation: its names, description, fields of
    activity and target groups (both languages, in their Meta order) and district."""
    terms = [name for term in [*fields, *target_groups] for name in (term.name_pl, term.name_en)]
    return build_document(
        organization.name,
        organization.short_name,
        organization.description,
        *terms,
        organization.district.name if organization.district_id else "",
    )
