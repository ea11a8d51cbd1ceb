"""Keep organisations' search text in step with the vocabulary staff edit."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from organizations.models import District, FieldOfActivity, Organization, TargetGroup

RELATION = {
    FieldOfActivity: "fields_of_activity",
    TargetGroup: "target_groups",
    District: "district",
}


@receiver(post_save, sender=FieldOfActivity)
@receiver(post_save, sender=TargetGroup)
@receiver(post_save, sender=District)
def rebuild_search_of_related_organizations(sender, instance, created, raw=False, **kwargs):
    """A renamed term must still be found: rebuild its organisations' search text."""
    if created or raw:
        return
    related = (
        Organization.objects.filter(**{RELATION[sender]: instance})
        .select_related("district")
        .prefetch_related("fields_of_activity", "target_groups")
    )
    for organization in related:
        organization.rebuild_search_document()
