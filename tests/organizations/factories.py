"""Factories for the directory: organisations, their vocabularies and members."""

import factory

from organizations.models import (
    District,
    FieldOfActivity,
    Membership,
    Organization,
    TargetGroup,
)
from tests.factories import UserFactory


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
