"""Before an account is deleted, its reservations end properly: a copy set aside
for the person goes to the next reader (the rows would otherwise vanish by
cascade and leave the copy "held" for nobody)."""

from django.conf import settings
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from library.models import Hold


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL)
def end_holds_of_deleted_user(sender, instance, **kwargs):
    from library import services

    for hold in Hold.objects.active().filter(user=instance).select_related("book"):
        services.hold_cancel(hold=hold, by=None)
