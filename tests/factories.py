"""Factories and helpers every app's tests use: people, the base's documents, times on
the centre's clock, small files to upload. Each app's own factories are in
tests/<app>/factories.py (factory_boy: `ResourceFactory(capacity=8)`); a test imports
those of its own app and of the apps below it (organizations ← rooms ← consultations;
library ← organizations), never another app's test modules."""

import datetime
from io import BytesIO

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from cwop_portal.dates import at
from cwop_portal.models import Document

PASSWORD = "correct-horse-battery-9"

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def local(year, month, day, hour=0, minute=0):
    """An aware datetime on the centre's clock (Europe/Warsaw): a test says "10:00" and
    means what a user sees, on either side of a change to or from summer time."""
    return at(datetime.date(year, month, day), datetime.time(hour, minute))


def next_weekday(weekday=1, *, days_ahead=7, hour=10, minute=0):
    """The first `weekday` (0 Monday … 6 Sunday) at least `days_ahead` days from
    today, at `hour:minute` local time: for tests that must use the real clock."""
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    day += datetime.timedelta(days=(weekday - day.weekday()) % 7)
    return local(day.year, day.month, day.day, hour, minute)


def png_file(width=640, height=360, name="zdjecie.png", colour=(23, 51, 92)):
    """A PNG image of the given size, as an upload for an image field (a news post's
    lead image, a book's cover, a room's photo)."""
    buffer = BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name=name)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = "Jan"
    last_name = factory.Sequence(lambda n: f"Kowalski{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    title_pl = factory.Sequence(lambda n: f"Regulamin {n}")
    title_en = factory.Sequence(lambda n: f"Rules {n}")
    file = factory.LazyFunction(lambda: ContentFile(MINIMAL_PDF * 40, name="regulamin.pdf"))
