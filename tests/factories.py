import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from cwop_portal.models import Document

PASSWORD = "correct-horse-battery-9"

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


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
