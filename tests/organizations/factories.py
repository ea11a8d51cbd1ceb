"""Factories for the directory: organisations, their vocabularies and members."""

import datetime

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from organizations.models import (
    District,
    FieldOfActivity,
    Membership,
    NewsAttachment,
    NewsPost,
    Organization,
    TargetGroup,
)
from tests.factories import MINIMAL_PDF, UserFactory


class FieldOfActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FieldOfActivity
        django_get_or_create = ("slug",)

    name_pl = factory.Sequence(lambda n: f"Dziedzina {n}")
    name_en = factory.Sequence(lambda n: f"Field {n}")
    slug = factory.Sequence(lambda n: f"test-dziedzina-{n}")


class TargetGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TargetGroup
        django_get_or_create = ("slug",)

    name_pl = factory.Sequence(lambda n: f"Grupa {n}")
    name_en = factory.Sequence(lambda n: f"Group {n}")
    slug = factory.Sequence(lambda n: f"test-grupa-{n}")


class DistrictFactory(factory.django.DjangoModelFactory):
    """Districts of Białystok are initial data: a name that exists gives that row."""

    class Meta:
        model = District
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Osiedle Testowe {n}")
    slug = factory.Sequence(lambda n: f"test-osiedle-{n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    """A published association; pass `fields_of_activity=[...]`, `target_groups=[...]`."""

    class Meta:
        model = Organization
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Stowarzyszenie Testowe {n}")
    slug = factory.Sequence(lambda n: f"stowarzyszenie-testowe-{n}")
    legal_form = Organization.LegalForm.ASSOCIATION
    krs = factory.Sequence(lambda n: f"{n + 1:010d}")
    status = Organization.Status.PUBLISHED
    public_email = factory.Sequence(lambda n: f"biuro{n}@ngo.example.org")

    @factory.post_generation
    def fields_of_activity(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.fields_of_activity.set(extracted)

    @factory.post_generation
    def target_groups(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.target_groups.set(extracted)

    @factory.post_generation
    def search_document(obj, create, extracted, **kwargs):
        # Last: the search text includes the many-to-many terms set above.
        if create:
            obj.rebuild_search_document()


class MembershipFactory(factory.django.DjangoModelFactory):
    """An active administrator of an organisation."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.ADMIN
    status = Membership.Status.ACTIVE


class MemberFactory(UserFactory):
    """A user who is an active member (administrator unless `role`) of `organization`
    (a new published one if not given): `MemberFactory(organization=org, email=...)`."""

    class Params:
        organization = factory.SubFactory(OrganizationFactory)
        role = Membership.Role.ADMIN

    membership = factory.RelatedFactory(
        MembershipFactory,
        factory_related_name="user",
        organization=factory.SelfAttribute("..organization"),
        role=factory.SelfAttribute("..role"),
    )


def many_organizations(count=60):
    """A directory big enough for N+1 queries to show: every organisation has
    fields, target groups and a district."""
    fields = [FieldOfActivityFactory() for _ in range(5)]
    groups = [TargetGroupFactory() for _ in range(4)]
    districts = [DistrictFactory() for _ in range(6)]
    return [
        OrganizationFactory(
            district=districts[i % len(districts)],
            fields_of_activity=[fields[i % 5], fields[(i + 1) % 5]],
            target_groups=[groups[i % 4], groups[(i + 2) % 4]],
            is_opp=i % 3 == 0,
            is_looking_for_volunteers=i % 2 == 0,
        )
        for i in range(count)
    ]


# --- News ---------------------------------------------------------------------------


class NewsPostFactory(factory.django.DjangoModelFactory):
    """A post of an organisation, published an hour ago; `organization=None` for the
    centre's own news. A funding call gets a deadline a month ahead unless given one."""

    class Meta:
        model = NewsPost

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Aktualność testowa {n}")
    slug = factory.Sequence(lambda n: f"aktualnosc-testowa-{n}")
    category = NewsPost.Category.ANNOUNCEMENT
    lead = factory.Sequence(lambda n: f"Zapowiedź wpisu numer {n}.")
    body = "Treść wpisu.\n\n## Szczegóły\n\n- pierwszy punkt\n- drugi punkt"
    status = NewsPost.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    funding_deadline = factory.LazyAttribute(
        lambda post: (
            timezone.localdate() + datetime.timedelta(days=30)
            if post.category == NewsPost.Category.FUNDING
            else None
        )
    )


def news_attachment(post, *, title="Regulamin konkursu", name="regulamin.pdf", content=None):
    """An attachment of `post` (a small valid PDF unless `content` is given)."""
    return NewsAttachment.objects.create(
        post=post,
        title=title,
        file=ContentFile(MINIMAL_PDF * 40 if content is None else content, name=name),
    )


def many_news_posts(count=40):
    """Posts of several organisations and of the centre, in every category, some with
    events and attachments: enough for N+1 queries to show."""
    organizations = [OrganizationFactory() for _ in range(5)]
    categories = list(NewsPost.Category.values)
    now = timezone.now()
    posts = []
    for i in range(count):
        category = categories[i % len(categories)]
        post = NewsPostFactory(
            organization=None if i % 7 == 0 else organizations[i % len(organizations)],
            category=category,
            published_at=now - datetime.timedelta(hours=i + 1),
            funding_deadline=(
                timezone.localdate() + datetime.timedelta(days=i - 10)
                if category == NewsPost.Category.FUNDING
                else None
            ),
            event_starts_at=now + datetime.timedelta(days=i) if i % 3 == 0 else None,
            event_place="Centrum, ul. Pałacowa 3" if i % 3 == 0 else "",
        )
        posts.append(post)
    return posts
