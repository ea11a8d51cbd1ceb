"""The admin's plain forms as staff use them, outside a test transaction (on
PostgreSQL in CI): add a row, open it, change it and save the form exactly as the
page rendered it (every hidden field and inline), reorder the list in place, delete
one row from its page and another with "delete selected"; the database is checked
after each step.

The admin pages whose saves go through a service (organisations, bookings, loans…)
have tests of their own next to their apps; these are the vocabularies, settings and
pages that a plain save is right for.
"""

from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import MINIMAL_PDF
from tests.forms import page_errors, post_form

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class Case:
    model: str  # "app_label.model_name"
    existing: object  # callable(world) -> a row to change (and delete)
    change: dict  # form values changed on the existing row; checked afterwards
    add: dict | None = None  # form values of a new row
    added: dict | None = None  # lookup of the new row
    spare: object = None  # callable(world) -> a row for "delete selected"
    files: dict = field(default_factory=dict)  # callable() -> upload, by field name
    superuser: bool = False

    @property
    def opts(self):
        return apps.get_model(self.model)._meta

    def name(self, view):
        return f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}"

    def paths(self):
        from django.contrib import admin

        model_admin = admin.site._registry[apps.get_model(self.model)]
        names = [self.name("change")]
        if self.add is not None:
            names.append(self.name("add"))
        if self.spare is not None:
            names += [self.name("delete"), self.name("changelist") + ":delete_selected"]
        if model_admin.list_editable:
            names.append(self.name("changelist"))
        return names


def pdf():
    return SimpleUploadedFile("regulamin-sali.pdf", MINIMAL_PDF * 40, "application/pdf")


def model(label):
    return apps.get_model(label)


CASES = [
    Case(
        "cwop_portal.page",
        lambda w: model("cwop_portal.page").objects.get(key="about"),
        {"title_pl": "O naszym Centrum", "lead_en": "About the centre, in short"},
    ),
    Case(
        "cwop_portal.sitesettings",
        lambda w: model("cwop_portal.sitesettings").load(),
        {"phone": "85 869 60 00", "opening_hours_pl": "pon.–pt. 8:00–16:00"},
    ),
    Case(
        "cwop_portal.accessibilitystatement",
        lambda w: model("cwop_portal.accessibilitystatement").load(),
        {"contact_person": "Joanna Dostępna", "contact_phone": "85 869 60 01"},
    ),
    Case(
        "cwop_portal.document",
        lambda w: w.document,
        {"title_pl": "Regulamin Centrum (2027)", "is_published": None},
        add={"title_pl": "Regulamin sali", "position": "3"},
        added={"title_pl": "Regulamin sali"},
        spare=lambda w: model("cwop_portal.document").objects.create(
            title_pl="Stary cennik", file=SimpleUploadedFile("cennik.pdf", MINIMAL_PDF * 40)
        ),
        files={"file": pdf},
    ),
    Case(
        "organizations.fieldofactivity",
        lambda w: model("organizations.fieldofactivity").objects.order_by("pk").first(),
        {"name_en": "Social assistance (renamed)"},
        add={"name_pl": "Ochrona zwierząt domowych", "slug": "ochrona-zwierzat-domowych"},
        added={"slug": "ochrona-zwierzat-domowych"},
        spare=lambda w: model("organizations.fieldofactivity").objects.create(
            name_pl="Dziedzina do usunięcia", slug="do-usuniecia"
        ),
    ),
    Case(
        "organizations.targetgroup",
        lambda w: model("organizations.targetgroup").objects.order_by("pk").first(),
        {"name_pl": "Seniorzy i seniorki"},
        add={"name_pl": "Opiekunowie faktyczni", "slug": "opiekunowie-faktyczni"},
        added={"slug": "opiekunowie-faktyczni"},
        spare=lambda w: model("organizations.targetgroup").objects.create(
            name_pl="Grupa do usunięcia", slug="grupa-do-usuniecia"
        ),
    ),
    Case(
        "organizations.district",
        lambda w: model("organizations.district").objects.order_by("pk").first(),
        {"name": "Osiedle Centrum (zmienione)"},
        add={"name": "Osiedle Nowe Miasto II", "slug": "nowe-miasto-ii"},
        added={"slug": "nowe-miasto-ii"},
        spare=lambda w: model("organizations.district").objects.create(
            name="Osiedle do usunięcia", slug="osiedle-do-usuniecia"
        ),
    ),
    Case(
        "rooms.equipment",
        lambda w: model("rooms.equipment").objects.order_by("pk").first(),
        {"name_pl": "Rzutnik multimedialny"},
        add={"name_pl": "Tablica suchościeralna", "slug": "tablica-suchoscieralna"},
        added={"slug": "tablica-suchoscieralna"},
        spare=lambda w: model("rooms.equipment").objects.create(name_pl="Faks", slug="faks"),
    ),
    Case(
        "rooms.resource",
        lambda w: w.resource,
        {"capacity": "24", "house_rules_en": "Leave the room tidy."},
        add={
            "name_pl": "Sala konferencyjna",
            "slug": "sala-konferencyjna",
            "kind": "training_room",
            "capacity": "40",
        },
        added={"slug": "sala-konferencyjna"},
        spare=lambda w: model("rooms.resource").objects.create(
            name_pl="Pokój do usunięcia", slug="pokoj-do-usuniecia", kind="meeting_room"
        ),
    ),
    Case(
        "rooms.openinghours",
        lambda w: model("rooms.openinghours").objects.filter(resource=None).order_by("pk").first(),
        {"closes": "17:00"},
        add={"weekday": "5", "opens": "09:00", "closes": "13:00"},
        added={"weekday": 5, "resource": None},
        spare=lambda w: model("rooms.openinghours").objects.create(
            resource=w.resource, weekday=6, opens="10:00", closes="12:00"
        ),
    ),
    Case(
        "rooms.closure",
        lambda w: model("rooms.closure").objects.order_by("pk").first(),
        {"reason_en": "Stocktaking of the library"},
        add={
            "start_date": "2031-12-24",
            "end_date": "2031-12-31",
            "reason_pl": "Przerwa świąteczna",
        },
        added={"reason_pl": "Przerwa świąteczna"},
        spare=lambda w: model("rooms.closure").objects.create(
            start_date="2031-05-02", end_date="2031-05-02", reason_pl="Majówka"
        ),
    ),
    Case(
        "consultations.topic",
        lambda w: w.topic,
        {"name_en": "Fundraising and grants"},
        add={"name_pl": "Ekonomia społeczna", "slug": "ekonomia-spoleczna", "is_active": "on"},
        added={"slug": "ekonomia-spoleczna"},
        spare=lambda w: model("consultations.topic").objects.create(
            name_pl="Temat do usunięcia", slug="temat-do-usuniecia"
        ),
    ),
    Case(
        "consultations.advisorgroup",
        lambda w: w.advisor_group,
        {"description_en": "Law students of the administrative law clinic."},
        add={"name_pl": "Klinika Prawa UwB", "slug": "klinika-prawa"},
        added={"slug": "klinika-prawa"},
        spare=lambda w: model("consultations.advisorgroup").objects.create(
            name_pl="Grupa do usunięcia", slug="grupa-do-usuniecia"
        ),
    ),
    Case(
        "consultations.consultationsettings",
        lambda w: model("consultations.consultationsettings").load(),
        {"booking_horizon_days": "45"},
    ),
    Case(
        "library.subject",
        lambda w: model("library.subject").objects.get(slug="pozyskiwanie-funduszy"),
        {"name_en": "Fundraising (books)"},
        add={"name_pl": "Wolontariat pracowniczy", "slug": "wolontariat-pracowniczy"},
        added={"slug": "wolontariat-pracowniczy"},
        spare=lambda w: model("library.subject").objects.create(
            name_pl="Dział do usunięcia", slug="dzial-do-usuniecia"
        ),
    ),
    Case(
        "library.author",
        lambda w: model("library.author").objects.order_by("pk").first(),
        {"name": "Anna Kowalska-Nowak"},
        add={"name": "Ryszard Kapuściński"},
        added={"name": "Ryszard Kapuściński"},
        spare=lambda w: model("library.author").objects.create(name="Autor Bez Książek"),
    ),
    Case(
        "library.librarysettings",
        lambda w: model("library.librarysettings").load(),
        {"loan_days": "21"},
    ),
    Case(
        "auth.group",
        lambda w: model("auth.group").objects.create(name="Wolontariusze recepcji"),
        {"name": "Wolontariusze w recepcji"},
        add={"name": "Praktykanci"},
        added={"name": "Praktykanci"},
        spare=lambda w: model("auth.group").objects.create(name="Grupa do usunięcia"),
        superuser=True,
    ),
    Case(
        "account.emailaddress",
        lambda w: model("account.emailaddress").objects.get(email=w.personas["ngo_member"].email),
        {"primary": None},
        spare=lambda w: model("account.emailaddress").objects.create(
            user=w.personas["ngo_member"], email="stary.adres@example.org"
        ),
        superuser=True,
    ),
]


def check(obj, changes):
    obj.refresh_from_db()
    for name, value in changes.items():
        current = getattr(obj, name)
        if value is None:
            assert current in (False, None, ""), name
        else:
            assert str(current) in {value, value + ":00"}, (name, current, value)


def test_every_case_names_a_registered_model():
    from django.contrib import admin

    assert all(apps.get_model(case.model) in admin.site._registry for case in CASES)


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, marks=pytest.mark.write_path(*c.paths()), id=c.model) for c in CASES],
)
def test_staff_add_change_reorder_and_delete_in_the_admin(case, client, world, django_user_model):
    from django.contrib import admin

    if case.superuser:
        from tests.factories import UserFactory

        client.force_login(UserFactory(is_staff=True, is_superuser=True))
    else:
        client.force_login(world.personas["staff"])
    Model = apps.get_model(case.model)
    model_admin = admin.site._registry[Model]

    # Change: the form as rendered, with the changes, saved.
    obj = case.existing(world)
    url = reverse(case.name("change"), args=[obj.pk])
    form = post_form(client.get(url), form_id=f"{case.opts.model_name}_form")
    data = form.data(**case.change)
    data["_save"] = "Zapisz"
    response = client.post(url, data)
    assert response.status_code == 302, page_errors(response)
    check(obj, case.change)

    # Add.
    if case.add is not None:
        url = reverse(case.name("add"))
        form = post_form(client.get(url), form_id=f"{case.opts.model_name}_form")
        uploads = {name: make() for name, make in case.files.items()}
        data = form.data(**case.add)
        data.update(uploads)
        data["_save"] = "Zapisz"
        response = client.post(url, data)
        assert response.status_code == 302, page_errors(response)
        assert Model.objects.filter(**case.added).count() == 1

    # Reorder (or tick) in the list itself.
    if model_admin.list_editable:
        url = reverse(case.name("changelist"))
        form = post_form(client.get(url), form_id="changelist-form")
        data = form.data(action=None)
        editable = (
            "position" if "position" in model_admin.list_editable else model_admin.list_editable[0]
        )
        row_pk = data["form-0-" + Model._meta.pk.name][0]
        if editable == "position":
            data["form-0-position"] = ["7"]
        else:  # a box: untick it
            data.pop(f"form-0-{editable}", None)
        data["_save"] = "Zapisz"
        response = client.post(url, data)
        assert response.status_code == 302, page_errors(response)
        saved = getattr(Model.objects.get(pk=row_pk), editable)
        assert saved == 7 if editable == "position" else not saved

    # Delete one row from its page, and another with "delete selected".
    if case.spare is not None:
        first, second = case.spare(world), None
        response = client.post(reverse(case.name("delete"), args=[first.pk]), {"post": "yes"})
        assert response.status_code == 302
        assert not Model.objects.filter(pk=first.pk).exists()
        second = case.spare(world)
        response = client.post(
            reverse(case.name("changelist")),
            {"action": "delete_selected", "_selected_action": [second.pk], "post": "yes"},
        )
        assert response.status_code == 302
        assert not Model.objects.filter(pk=second.pk).exists()
