"""Admin helpers the apps share: writes in the admin go through the services.

Every write of the portal has one service function (`<app>/services.py`), called by
the site, the admin and the commands alike. Here are the admin's pieces for that:

- `ServiceActionsMixin.run_service`: an action that calls a service for each
  selected row and says, row by row, what the service refused;
- `ask_reason` (and `reject_with_reason`, worded for a rejection): an action that
  first asks for the reason, then calls the service with it (the service e-mails it);
- `ServiceRefusalMixin`: a service that refuses while the admin saves or deletes
  (after the form was valid: someone changed the data in the meantime) undoes the
  whole page's writes and comes back as a message, never as a server error;
- `ServiceDeletionMixin`: the change page's "Delete" and the list's "Delete
  selected" delete through a service; what the service would refuse is listed on
  the confirmation page, and then nothing is deleted.

And the change history (`cwop_portal.history`) in the admin: `HistoryAdminMixin`
shows a row's history in words (`HistoryInline`) and records the admin's own saves
of models that no service saves.

And a list filter the apps share: `DateFilter`, rows by when they take place.
"""

import datetime
import functools

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cwop_portal.dates import DAY, add_months, local_today, start_of_day
from cwop_portal.history import change_record, form_changes, history_model, rows_changed


class ServiceActionsMixin:
    def run_service(self, request, queryset, service, done_message, **kwargs):
        done = 0
        for obj in queryset:
            try:
                self.call_service(service, obj, request.user, **kwargs)
                done += 1
            except ValidationError as exc:
                self.message_user(request, f"{obj}: {' '.join(exc.messages)}", messages.WARNING)
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)


class ReasonForm(forms.Form):
    """The reason staff give when they reject or cancel: e-mailed as it is typed.
    A form field, so that what the database cannot store (a NUL byte, an endless
    text) is a message on the page, never a server error."""

    reason = forms.CharField(max_length=1000, strip=True)

    def __init__(self, *args, required_message, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = required_message


def ask_reason(
    model_admin,
    request,
    queryset,
    service,
    done_message,
    *,
    template,
    title,
    required_message=None,
    **texts,
):
    """An admin action that first asks for the reason (on `template`), then calls
    `service` for each selected object with it (the service e-mails it). `texts`:
    more labels for the page (e.g. intro, submit)."""
    form = ReasonForm(
        request.POST if request.POST.get("confirm") else None,
        required_message=required_message or _("Give the reason for the cancellation."),
    )
    if form.is_bound and form.is_valid():
        model_admin.run_service(
            request, queryset, service, done_message, reason=form.cleaned_data["reason"]
        )
        return None
    opts = model_admin.model._meta
    return render(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            **texts,
            "title": title,
            "objects": queryset,
            "opts": opts,
            "action": request.POST.get("action"),
            "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "reason_errors": form.errors.get("reason", []) if form.is_bound else [],
            "reason": form.data.get("reason", "") if form.is_bound else "",
        },
    )


def reject_with_reason(model_admin, request, queryset, service, done_message, *, title):
    """Reject with a reason, e-mailed to the organisations' administrators."""
    return ask_reason(
        model_admin,
        request,
        queryset,
        service,
        done_message,
        template="admin/reject_with_reason.html",
        title=title,
        required_message=_("Give the reason for the rejection."),
    )


class ServiceRefusalMixin:
    """A ValidationError from a service during the admin's save or delete: the
    page's transaction is rolled back (Django's change and delete views are atomic;
    "Delete selected" is made so here) and the staff member sees the reason."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            return self.service_refused(request, exc)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as exc:
            return self.service_refused(request, exc)

    def response_action(self, request, queryset):
        if request.POST.get("action") != "delete_selected":
            return super().response_action(request, queryset)
        try:
            # All or nothing, with the log entries Django writes before deleting.
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().response_action(request, queryset)
        except ValidationError as exc:
            return self.service_refused(request, exc)

    def service_refused(self, request, exc):
        self.message_user(request, " ".join(exc.messages), messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())


class ServiceDeletionMixin(ServiceRefusalMixin):
    """Deleting through a service: `delete_with_service(request, obj)` is called for
    each object the change page or "Delete selected" deletes; `deletion_refusals`
    (request, obj) returns why the service would refuse (listed as protected on the
    confirmation page, so nothing is deleted)."""

    def delete_with_service(self, request, obj):
        raise NotImplementedError

    def deletion_refusals(self, request, obj):
        return []

    def get_deleted_objects(self, objs, request):
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        refusals = [
            f"{obj}: {message}" for obj in objs for message in self.deletion_refusals(request, obj)
        ]
        return to_delete, model_count, perms_needed, [*protected, *refusals]

    def delete_model(self, request, obj):
        self.delete_with_service(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic(using=router.db_for_write(self.model)):
            for obj in queryset:
                self.delete_with_service(request, obj)


def adopt(obj, saved):
    """Make the admin's instance `obj` the row a service saved as `saved`: the admin
    goes on with `obj` (its inlines, the history entry, the redirect)."""
    for field in saved._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db
    return obj


class HistoryInline(admin.TabularInline):
    """A row's history, read-only, in the reader's words: when, who, what was done,
    what changed (old → new) and the note."""

    extra = 0
    can_delete = False
    fields = ["created_at", "user", "what", "changed", "details"]
    readonly_fields = fields
    ordering = ["-created_at", "-pk"]

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    @admin.display(description=_("action"))
    def what(self, record):
        return capfirst(record.action_label)

    @admin.display(description=_("changes"))
    def changed(self, record):
        return record.changes_in_words()

    @admin.display(description=_("note"))
    def details(self, record):
        return record.note_in_words()


@functools.cache
def history_inline(model):
    """The history inline of `model` (one class per model)."""
    record_model = history_model(model)
    return type(f"{record_model.__name__}Inline", (HistoryInline,), {"model": record_model})


class HistoryAdminMixin:
    """A model with a history (`cwop_portal.history`): its change page shows the
    history, after the other inlines; the admin's own save records "created" or
    "changed" with what the form changed, old → new. An admin whose saves go
    through a service sets `records_admin_saves = False`: the service records."""

    records_admin_saves = True
    # The inline rows saved with the row (a training's sessions, a room's photos) are
    # recorded in its history too, unless a service records them.
    records_inline_saves = True

    def get_inlines(self, request, obj):
        inlines = super().get_inlines(request, obj)
        return inlines if obj is None else [*inlines, history_inline(self.model)]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if self.records_admin_saves:
            self.record_admin_save(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if self.records_inline_saves and (changes := rows_changed(formsets)):
            change_record(form.instance, user=request.user, action="changed", changes=changes)

    def record_admin_save(self, request, obj, form, change, *, exclude=()):
        """Record the form's changes of `obj` (but `exclude`, which a service
        recorded); a change page saved as it was records nothing."""
        changes = {
            name: values for name, values in form_changes(form).items() if name not in exclude
        }
        if change and not changes:
            return
        change_record(
            obj, user=request.user, action="changed" if change else "created", changes=changes
        )


class DateFilter(admin.SimpleListFilter):
    """Rows by when they take place, on the centre's clock: today, this week, the
    next 7 days, this month, (upcoming,) past. A subclass says how:

    - `start_field`, `end_field`: the row's start and end;
    - `overlapping`: True, a row counts for every period it overlaps (a booking of
      a whole week is in "today" each day of it) and is past once it has ended (its
      end at or before now); False, a row counts for the period it starts in and is
      past when its end is before now;
    - `offers_upcoming`: "upcoming" (not past) is offered too.
    """

    title = _("when")
    parameter_name = "when"
    start_field = "start"
    end_field = "end"
    overlapping = False
    offers_upcoming = False

    def lookups(self, request, model_admin):
        return [
            ("today", _("today")),
            ("week", _("this week")),
            ("next7", _("next 7 days")),
            ("month", _("this month")),
            *([("upcoming", _("upcoming"))] if self.offers_upcoming else []),
            ("past", _("past")),
        ]

    def periods(self, now):
        """{value: (start, end)} of the choices that are ranges of time."""
        today = local_today()
        monday = today - datetime.timedelta(days=today.weekday())
        first = today.replace(day=1)
        return {
            "today": (start_of_day(today), start_of_day(today + DAY)),
            "week": (start_of_day(monday), start_of_day(monday + datetime.timedelta(days=7))),
            "next7": (now, now + datetime.timedelta(days=7)),
            "month": (start_of_day(first), start_of_day(add_months(first, 1))),
        }

    def queryset(self, request, queryset):
        value, now = self.value(), timezone.now()
        start, end = self.start_field, self.end_field
        past, upcoming = ("lte", "gt") if self.overlapping else ("lt", "gte")
        if value == "past":
            return queryset.filter(**{f"{end}__{past}": now})
        if value == "upcoming" and self.offers_upcoming:
            return queryset.filter(**{f"{end}__{upcoming}": now})
        period = self.periods(now).get(value)
        if period is None:
            return queryset
        first, last = period
        if self.overlapping:
            return queryset.filter(**{f"{start}__lt": last, f"{end}__gt": first})
        return queryset.filter(**{f"{start}__gte": first, f"{start}__lt": last})
