"""The admin registry, walked: writes in the admin go through the services.

Every write path has one service (`<app>/services.py`) that the site, the admin and
the commands share; an admin form that sets a row's state itself, or a delete
button that removes rows past the service's checks, skips its e-mails, history,
locks and guards. So, for every registered ModelAdmin, as a centre-staff member and
as a superuser see it:

- no field a service owns (see `SERVICE_OWNED`) is editable in the change form of an
  existing object or in its inlines, unless the admin saves that change through the
  service (`SAVED_BY_SERVICE`, checked to override the admin's save);
- deleting is decided: not allowed at all, or done through a service (`DELETION_
  SERVICES`, checked by calling the admin's `delete_model` and `delete_queryset`
  with the service replaced by a spy; "Delete selected" ends in delete_queryset), or
  allowed plainly with a one-line reason (`PLAIN_DELETION`). A new ModelAdmin (or
  inline) that decides nothing fails here.
"""

import fnmatch
import importlib
import sys

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.test import RequestFactory

from cwop_portal.roles import CENTRE_STAFF
from tests.factories import UserFactory

# Fields a service owns: a row's state and what comes with a change of it (who
# decided, when, why, what was sent). Shell patterns on the field's name.
SERVICE_OWNED = [
    "status",
    "*_status",
    "role",  # a membership's: the last administrator stays
    "pending_identity",
    "decided_*",
    "cancelled_*",
    "cancellation_reason",
    "rejection_reason",
    "submitted_at",
    "confirmed_at",
    "published_at",
    "promoted_at",
    "held_until",
    "ready_at",
    "closed_at",
    "applied_at",
    "attended",
    "lent_*",
    "due_on",
    "renewals",
    "returned_*",
    "collected_*",
    "handed_over_by",
    "*reminder_sent*",
    "room_booking",
]

# A field of that name that is not a state: (model, field) -> why.
NOT_A_STATE = {
    ("cwop_portal.AccessibilityStatement", "status"): (
        "the statement's level of compliance, text the staff write; no service owns it"
    ),
}

# Editable state fields whose change the admin saves through the service:
# "<model>" or "<parent model>/<inline model>", field -> the service.
SAVED_BY_SERVICE = {
    (
        "organizations.Membership",
        "role",
    ): "organizations.services.organizations.membership_set_role",
    ("organizations.Organization/organizations.Membership", "role"): (
        "organizations.services.organizations.membership_set_role"
    ),
    ("organizations.NewsPost", "published_at"): "organizations.services.news.news_update",
    ("cooperation.TeamMember", "role"): "cooperation.services.team.team_member_save",
    ("awards.Edition", "status"): "awards.services.editions.edition_save",
}

# Deleting through a service: model -> the services delete_model and delete_queryset
# call (one for each object, or one for them all).
DELETION_SERVICES = {
    "cwop_portal.User": (
        "cwop_portal.services.user_delete",
        "cwop_portal.services.users_delete",
    ),
    "cwop_portal.CustomPage": ("cwop_portal.page_services.custom_page_delete",),
    "organizations.Membership": ("organizations.services.organizations.membership_remove",),
    "organizations.NewsPost": ("organizations.services.news.news_delete",),
    "organizations.FieldOfActivity": ("organizations.services.organizations.term_delete",),
    "organizations.TargetGroup": ("organizations.services.organizations.term_delete",),
    "organizations.District": ("organizations.services.organizations.term_delete",),
    "library.Subject": ("library.services.catalogue_entry_delete",),
    "library.Author": ("library.services.catalogue_entry_delete",),
    "cooperation.ConsultationMeeting": (
        "cooperation.services.consultations.consultation_meeting_delete",
    ),
    "cooperation.TeamMeeting": ("cooperation.services.team.team_meeting_delete",),
    "awards.Edition": ("awards.services.editions.edition_delete",),
}

# Inline rows deleted through a service, by the parent admin's save_formset.
INLINE_DELETION_SERVICES = {
    "organizations.Organization/organizations.Membership": (
        "organizations.services.organizations.membership_remove"
    ),
    "organizations.NewsPost/organizations.NewsAttachment": (
        "organizations.services.news.news_attachments_update"
    ),
    "consultations.Advisor/consultations.AvailabilityRule": (
        "consultations.services.availability.availability_save"
    ),
    "consultations.Advisor/consultations.AvailabilityException": (
        "consultations.services.availability.availability_save"
    ),
}

# Plain deletion allowed: model (or "<parent>/<inline model>") -> why it cannot break
# an invariant.
PLAIN_DELETION = {
    "auth.Group": "superusers only; the staff roles' groups cannot be deleted (PortalGroupAdmin)",
    "account.EmailAddress": "allauth's addresses, superusers only (centre staff may not)",
    "cwop_portal.Document": "a published file nothing refers to",
    "cooperation.ProgrammeYear": "only its history depends on it; its consultations keep "
    "(SET_NULL), its document is deleted after commit",
    "cooperation.TeamMember": "nothing refers to a member; its history goes with it",
    "cooperation.TeamMeeting/cooperation.TeamMeetingDocument": "a published file nothing refers to",
    "organizations.ContactMessage": "a copy of a relayed message kept for staff; nothing refers "
    "to it",
    "rooms.Equipment": "vocabulary; bookings keep their own list of the rest",
    "rooms.Resource": "bookings PROTECT it: only a resource never booked can go",
    "rooms.Resource/rooms.ResourcePhoto": "a photo nothing refers to",
    "rooms.Resource/rooms.OpeningHours": "approving checks a booking against the hours then",
    "rooms.OpeningHours": "approving checks a booking against the hours then",
    "rooms.Closure": "approving checks a booking against the closures then",
    "rooms.MailItem": "the documented correction of an item logged for the wrong organisation",
    "consultations.Topic": "appointments PROTECT it",
    "consultations.AdvisorGroup": "advisors keep working without a group (SET_NULL)",
    "consultations.Advisor": "appointments PROTECT it; its hours go with it",
    "consultations.Training": "only a draft nobody registered for (no rooms booked yet)",
    "consultations.Training/consultations.TrainingSession": "only in a draft (no room booked)",
    "consultations.Training/consultations.TrainingMaterial": "a file for the participants",
    "library.Book": "its copies (PROTECT) and reservations (never deleted) stop it",
    "library.Book/library.BookAuthor": "the book's search text is rebuilt after the save",
    "library.Book/library.Copy": "a copy lent out or set aside is refused (CopyInlineFormSet)",
    "library.Copy": "loans PROTECT it; a copy lent out or set aside is refused",
    "library.CatalogueImport": "the record of an upload; the books it added stay",
    "cooperation.PublicConsultation": "only a draft without remarks or meetings (no room held)",
    "awards.Competition": "its editions PROTECT it: only a competition without editions can go",
    "awards.Edition/awards.Category": "its nominations PROTECT it (the admin refuses with a "
    "message): only a category nobody was nominated in",
    "awards.Edition/awards.Criterion": "its scores go with it; the ranking is computed from "
    "the criteria left",
    "awards.Edition/awards.Juror": "taking a juror off the jury; their scores and conflicts go "
    "with the seat and the ranking is computed from the other jurors'",
}


def label(model):
    return model._meta.label


def is_service_owned(name):
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in SERVICE_OWNED)


def make_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    request.session = SessionBase()
    request._messages = FallbackStorage(request)
    return request


@pytest.fixture
def requests_(world):
    staff = UserFactory(email="centre@cwop.example.org", is_staff=True)
    staff.groups.add(Group.objects.get(name=CENTRE_STAFF))
    superuser = UserFactory(email="root@cwop.example.org", is_staff=True, is_superuser=True)
    return {"centre staff": make_request(staff), "superuser": make_request(superuser)}


def existing(model):
    """A stored row of `model` (the `world` fixture has one of nearly everything)."""
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"no {label(model)} to open: add one to the world fixture"
    return obj


def registry():
    return sorted(admin.site._registry.items(), key=lambda item: label(item[0]))


def editable_fields(model_admin, request, obj):
    """(where, field names) of every form the change page of `obj` lets one edit."""
    found = []
    where = label(model_admin.model)
    if model_admin.has_change_permission(request, obj):
        found.append((where, list(model_admin.get_form(request, obj).base_fields)))
    for inline in model_admin.get_inline_instances(request, obj):
        if inline.has_change_permission(request, obj) or inline.has_add_permission(request, obj):
            formset = inline.get_formset(request, obj)
            found.append((f"{where}/{label(inline.model)}", list(formset.form.base_fields)))
    return found


@pytest.mark.django_db
def test_no_admin_form_edits_a_state_that_a_service_owns(requests_):
    problems = []
    for model, model_admin in registry():
        obj = existing(model)
        for who, request in requests_.items():
            for where, names in editable_fields(model_admin, request, obj):
                form_model = where.split("/")[-1]
                for name in names:
                    if not is_service_owned(name) or (form_model, name) in NOT_A_STATE:
                        continue
                    service = SAVED_BY_SERVICE.get((where, name))
                    if service is None:
                        problems.append(f"{where}.{name} is editable ({who})")
                        continue
                    saving = "save_formset" if "/" in where else "save_model"
                    if getattr(type(model_admin), saving) is getattr(admin.ModelAdmin, saving):
                        problems.append(f"{where}.{name}: the admin does not call {service}")
    assert not problems, "\n".join(problems)


def spy_on(services, model_admin):
    """Replace each service (a dotted path) by a recorder, where the service's module
    and the admin's module look it up; returns (calls, undo)."""
    calls = []

    def recorder(*args, **kwargs):
        calls.append(kwargs or args)

    replaced = []
    for dotted in services:
        module_name, name = dotted.rsplit(".", 1)
        module = importlib.import_module(module_name)
        original = getattr(module, name, None)
        if original is None:
            continue  # not there (yet): nothing calls it
        for place in (module, sys.modules[type(model_admin).__module__]):
            replaced += [
                (place, attribute, original)
                for attribute, value in vars(place).items()
                if value is original
            ]
    for place, attribute, _original in replaced:
        setattr(place, attribute, recorder)

    def undo():
        for place, attribute, original in replaced:
            setattr(place, attribute, original)

    return calls, undo


def deletion_allowed(model_admin, request, obj):
    return model_admin.has_delete_permission(request) or model_admin.has_delete_permission(
        request, obj
    )


@pytest.mark.django_db
def test_every_deletion_in_the_admin_goes_through_a_service_or_says_why_it_need_not(
    requests_,
):
    problems = []
    for model, model_admin in registry():
        key = label(model)
        for who, request in requests_.items():
            obj = existing(model)
            if deletion_allowed(model_admin, request, obj):
                if key in DELETION_SERVICES:
                    problems += check_deletion_service(
                        model_admin, request, obj, DELETION_SERVICES[key]
                    )
                elif key not in PLAIN_DELETION:
                    problems.append(f"{key}: deleted without a service or a reason ({who})")
            for inline in model_admin.get_inline_instances(request, obj):
                where = f"{key}/{label(inline.model)}"
                if not (inline.can_delete and inline.has_delete_permission(request, obj)):
                    continue
                if where in INLINE_DELETION_SERVICES:
                    if type(model_admin).save_formset is admin.ModelAdmin.save_formset:
                        problems.append(f"{where}: rows deleted without the service ({who})")
                elif where not in PLAIN_DELETION:
                    problems.append(f"{where}: rows deleted without a service or a reason ({who})")
    assert not problems, "\n".join(sorted(set(problems)))


class _Undo(Exception):
    pass


def check_deletion_service(model_admin, request, obj, services):
    """Call the admin's delete_model and delete_queryset with the services replaced
    by a recorder, inside a savepoint that is rolled back (nothing stays deleted)."""
    key = label(model_admin.model)
    service = " or ".join(services)
    manager = model_admin.model._default_manager
    problems = []
    calls, undo = spy_on(services, model_admin)
    try:
        with transaction.atomic():
            model_admin.delete_model(request, obj)
            if len(calls) != 1:
                problems.append(f"{key}: delete_model does not call {service}")
            model_admin.delete_queryset(request, manager.filter(pk=obj.pk))
            if len(calls) != 2:
                problems.append(f"{key}: delete_queryset does not call {service}")
            if not manager.filter(pk=obj.pk).exists():
                problems.append(f"{key}: deleted past {service}")
            raise _Undo
    except _Undo:
        pass
    except Exception as exc:  # e.g. the database refusing a plain delete
        problems.append(f"{key}: deleted without {service} ({exc!r:.100})")
    finally:
        undo()
    return problems


@pytest.mark.django_db
def test_the_lists_above_name_only_what_is_registered(requests_):
    """An entry for an admin that no longer exists would let a new one slip by."""
    registered = {label(model) for model, _admin in registry()}
    for model, model_admin in registry():
        for request in requests_.values():
            obj = existing(model)
            registered |= {
                f"{label(model)}/{label(inline.model)}"
                for inline in model_admin.get_inline_instances(request, obj)
            }
    named = (
        set(DELETION_SERVICES)
        | set(INLINE_DELETION_SERVICES)
        | set(PLAIN_DELETION)
        | {where for where, _name in SAVED_BY_SERVICE}
    )
    assert named <= registered, named - registered


def test_the_state_rule_catches_the_fields_it_is_meant_for():
    assert all(
        is_service_owned(name)
        for name in ["status", "payment_status", "decided_by", "cancelled_at", "returned_at"]
    )
    assert not any(is_service_owned(name) for name in ["title", "expires_at", "is_active"])
