"""Public pages of the trainings (/szkolenia/): the list, a training with its
registration form, the links from the e-mails (confirm, see or cancel a
registration), the calendar feeds and the materials.

Registration: a signed-in member registers one to five people for one of their
organisations (a seat or the waiting list at once); anybody else registers
themselves and confirms the e-mail address by a link. A link that was tampered
with or has expired gets a page saying so, never an error.
"""

import datetime
from urllib.parse import urlencode

from allauth.core import ratelimit
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from consultations.forms.trainings import (
    MemberRegistrationForm,
    ResidentRegistrationForm,
)
from consultations.ics import trainings as training_ics
from consultations.models import Registration, Training, TrainingMaterial, TrainingSession
from consultations.services import trainings as services
from cwop_portal.emails import failed_recipients, mail_failed
from cwop_portal.ics import calendar_response
from cwop_portal.views import download_response
from rooms.services.bookings import bookable_organizations

UPCOMING_LIMIT = 100
PAST_PAGE = 20
FEED_PAST_DAYS = 90
RATE_LIMIT_ACTION = "training_registration"


def _private(response):
    """Pages reached by a personal link: not cached, not indexed."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def training_list(request):
    now = timezone.now()
    upcoming = list(services.upcoming_trainings(now=now, include_cancelled=True)[:UPCOMING_LIMIT])
    past = (
        services.trainings_with_facts()
        .filter(status=Training.Status.PUBLISHED, last_end__lte=now)
        .prefetch_related(
            Prefetch(
                "sessions",
                queryset=TrainingSession.objects.select_related("room").order_by("start", "pk"),
            ),
            Prefetch("materials", queryset=TrainingMaterial.objects.order_by("title", "pk")),
        )
        .order_by("-first_start", "-pk")
    )
    paginator = Paginator(past, PAST_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    for training in upcoming:
        _add_facts(training, now)
    return render(
        request,
        "consultations/training_list.html",
        {
            "upcoming": upcoming,
            "page_obj": page,
            "past": page.object_list,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        },
    )


def _add_facts(training, now):
    """What the pages show about seats and registration, from the annotations."""
    training.seats_left = max(0, training.capacity - training.registered_count)
    training.is_full = training.seats_left == 0
    training.has_started = training.first_start is not None and now >= training.first_start
    training.closed_reason = services.registration_closed_reason(
        training, now=now, starts=training.first_start
    )
    training.is_open = training.closed_reason is None
    return training


def _training_or_404(request, slug):
    training = get_object_or_404(
        services.trainings_with_facts().prefetch_related(
            Prefetch(
                "sessions",
                queryset=TrainingSession.objects.select_related("room").order_by("start", "pk"),
            ),
            Prefetch("materials", queryset=TrainingMaterial.objects.order_by("title", "pk")),
        ),
        slug=slug,
    )
    if training.status == Training.Status.DRAFT and not request.user.is_staff:
        raise Http404
    return training


@require_http_methods(["GET", "HEAD", "POST"])
def training_detail(request, slug):
    training = _training_or_404(request, slug)
    now = timezone.now()
    _add_facts(training, now)
    organizations = (
        list(bookable_organizations(request.user)) if request.user.is_authenticated else []
    )
    data = request.POST if request.method == "POST" else None
    form = None
    status = 200
    rate_limited = False
    if training.is_open:
        if organizations:
            form = MemberRegistrationForm(data, organizations=organizations, user=request.user)
        else:
            form = ResidentRegistrationForm(data, user=request.user)
    if request.method == "POST":
        if form is None:
            messages.error(request, training.closed_reason)
            return redirect("consultations:training_detail", slug=training.slug)
        if isinstance(form, MemberRegistrationForm):
            if form.is_valid() and _register_people(request, training, form):
                return redirect("consultations:training_detail", slug=training.slug)
        elif form.is_bot:
            # Pretend it worked; a bot learns nothing and nothing is stored or sent.
            messages.success(request, _check_your_mailbox(form.data.get("email", "")))
            return redirect("consultations:training_detail", slug=training.slug)
        elif form.is_valid():
            if ratelimit.consume(request, action=RATE_LIMIT_ACTION, key=str(training.pk)):
                if _register_resident(request, training, form):
                    return redirect("consultations:training_detail", slug=training.slug)
            else:
                rate_limited = True
                status = 429
    return render(
        request,
        "consultations/training_detail.html",
        {
            "training": training,
            "sessions": list(training.sessions.all()),
            "materials": (
                list(training.materials.all())
                if training.has_started and training.status == Training.Status.PUBLISHED
                else []
            ),
            "form": form,
            "is_member_form": isinstance(form, MemberRegistrationForm),
            "rate_limited": rate_limited,
            "is_draft": training.status == Training.Status.DRAFT,
            "rooms": _distinct_rooms(training.sessions.all()),
            "login_url": f"{reverse('account_login')}?{urlencode({'next': request.path})}",
        },
        status=status,
    )


def _distinct_rooms(sessions):
    rooms = {}
    for session in sessions:
        if session.room_id:
            rooms.setdefault(session.room_id, session.room)
    return list(rooms.values())


def _register_people(request, training, form):
    """Register every row of the member's form, all or nothing; True when done."""
    organization = form.cleaned_data["organization"]
    created = []
    with transaction.atomic():
        for person_form, name, email in form.people.people():
            try:
                registration = services.registration_create(
                    training=training,
                    name=name,
                    email=email,
                    user=request.user,
                    organization=organization,
                    language=get_language(),
                )
            except ValidationError as error:
                form.add_service_error(error, person_form)
                transaction.set_rollback(True)
                return False
            created.append(registration)
    registered = [r.name for r in created if r.status == Registration.Status.REGISTERED]
    waiting = [r.name for r in created if r.status == Registration.Status.WAITING]
    parts = []
    if registered:
        parts.append(_("Registered: %(names)s.") % {"names": ", ".join(registered)})
    if waiting:
        parts.append(_("On the waiting list: %(names)s.") % {"names": ", ".join(waiting)})
    unsent = failed_recipients("registration_registered", "registration_waiting")
    if mail_failed("registration_registered", "registration_waiting"):
        parts.append(
            _("The e-mail to %(emails)s could not be sent just now: please pass the details on.")
            % {"emails": ", ".join(unsent)}
        )
        messages.warning(request, " ".join(parts))
        return True
    parts.append(
        _("Each person gets an e-mail with the details and a link to cancel the registration.")
    )
    messages.success(request, " ".join(parts))
    return True


def _check_your_mailbox(email):
    return _(
        "Almost done: we have sent a link to %(email)s. Open it to confirm your "
        "registration; until then no seat is held for you."
    ) % {"email": email}


def _register_resident(request, training, form):
    try:
        registration = services.registration_create(
            training=training,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            user=request.user if request.user.is_authenticated else None,
            language=get_language(),
        )
    except ValidationError as error:
        form.add_service_error(error)
        return False
    if registration.status == Registration.Status.UNCONFIRMED:
        if mail_failed("registration_confirm"):
            # The registration counts only once confirmed by the link: sending the
            # form again sends a new one.
            form.add_error(
                None,
                _(
                    "We could not send the confirmation link to %(email)s just now, so you "
                    "are not registered yet and no seat is held for you. Please send the "
                    "form again in a few minutes: we will send a new link."
                )
                % {"email": registration.email},
            )
            return False
        messages.success(request, _check_your_mailbox(registration.email))
    else:
        messages.success(request, _status_message(registration))
    return True


def _status_message(registration):
    if registration.status == Registration.Status.REGISTERED:
        if mail_failed("registration_registered"):
            return _(
                "You are registered. We could not e-mail you the details and the calendar "
                "file just now."
            )
        return _("You are registered. We have e-mailed you the details and a calendar file.")
    position = services.waiting_list_position(registration)
    message = _(
        "All seats are taken, so you are on the waiting list (place %(position)s). "
        "If a seat frees up, it is yours and we will e-mail you."
    ) % {"position": position}
    if mail_failed("registration_waiting"):
        message += " " + _("We could not e-mail you a confirmation just now.")
    return message


def _invalid_link(request):
    return _private(render(request, "consultations/training_link_invalid.html"))


@require_http_methods(["GET", "HEAD", "POST"])
def registration_confirm(request, token):
    registration = services.registration_token_read(token, services.CONFIRM)
    if registration is None:
        return _invalid_link(request)
    error = None
    if request.method == "POST" and registration.status == Registration.Status.UNCONFIRMED:
        try:
            registration = services.registration_confirm_email(registration=registration)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _status_message(registration))
            return redirect(
                "consultations:registration_manage",
                token=services.registration_token_make(registration, services.MANAGE),
            )
    return _private(
        render(
            request,
            "consultations/training_confirm.html",
            {
                "registration": registration,
                "training": registration.training,
                "error": error,
                "manage_token": services.registration_token_make(registration, services.MANAGE),
            },
        )
    )


@require_http_methods(["GET", "HEAD", "POST"])
def registration_manage(request, token):
    registration = services.registration_token_read(token, services.MANAGE)
    if registration is None:
        return _invalid_link(request)
    if request.method == "POST":
        try:
            services.registration_cancel(registration=registration, by_link=True)
        except (ValidationError, PermissionDenied) as error:
            message = " ".join(getattr(error, "messages", [])) or _("You cannot cancel it.")
            messages.error(request, message)
        else:
            messages.success(
                request,
                _("Your registration is cancelled. Thank you for freeing the seat."),
            )
        return redirect("consultations:registration_manage", token=token)
    training = registration.training
    sessions = list(training.sessions.select_related("room").order_by("start", "pk"))
    starts = sessions[0].start if sessions else None
    return _private(
        render(
            request,
            "consultations/training_manage.html",
            {
                "registration": registration,
                "training": training,
                "sessions": sessions,
                "position": services.waiting_list_position(registration),
                "can_cancel": services.can_cancel_registration(registration, starts=starts),
            },
        )
    )


@require_safe
def training_feed(request):
    """The public feed of the trainings' sessions: no registrant, no joining details."""
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    sessions = (
        TrainingSession.objects.filter(
            training__status__in=[Training.Status.PUBLISHED, Training.Status.CANCELLED],
            end__gte=since,
        )
        .select_related("training", "room")
        .order_by("start", "pk")
    )
    return calendar_response(training_ics.trainings_feed(sessions), filename="szkolenia.ics")


@require_safe
def training_ics_view(request, slug):
    training = get_object_or_404(Training.objects.exclude(status=Training.Status.DRAFT), slug=slug)
    sessions = list(training.sessions.select_related("room").order_by("start", "pk"))
    return calendar_response(
        training_ics.training_calendar(training, sessions),
        filename=f"szkolenie-{training.slug}.ics",
    )


@require_safe
def training_material(request, slug, pk, filename):
    """A material, once the training has begun (its first session has started)."""
    training = get_object_or_404(
        services.trainings_with_facts().filter(status=Training.Status.PUBLISHED), slug=slug
    )
    if training.first_start is None or timezone.now() < training.first_start:
        raise Http404
    material = get_object_or_404(TrainingMaterial, pk=pk, training=training)
    if filename != material.download_name:
        return redirect(
            "consultations:training_material",
            slug=training.slug,
            pk=material.pk,
            filename=material.download_name,
            permanent=True,
        )
    return download_response(material)
