"""Nominations as nominators, guardians, staff and jurors meet them: the nomination
form while an edition takes nominations, the links from the e-mails (the nominator
confirms, the guardian consents, the nominator sees and changes the nomination), the
signed-in person's nominations under /konto/, and the downloads of attachments and
consent forms.

A link whose signature is wrong or expired is a 404 page saying so. The pages behind
a signed link are kept out of caches and search engines (the address is the key)."""

from types import SimpleNamespace

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from awards.forms.nominations import NominationForm, document_url
from awards.models import Edition, Nomination, NominationAttachment
from awards.services import nominations as services
from cwop_portal.emails import mail_failed
from cwop_portal.views import download_response

MAX_YEAR = 9999


def _private(response):
    """The address holds the key: keep the page out of caches and search engines."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _invalid_link(request):
    return _private(render(request, "awards/nominations/invalid_link.html", status=404))


def _public_edition_or_404(slug, year):
    if year > MAX_YEAR:
        raise Http404
    return get_object_or_404(
        Edition.objects.public().select_related("competition"), competition__slug=slug, year=year
    )


def _add_errors(form, error):
    """A service's refusal on the form's fields (on the whole form for a field the
    form does not show)."""
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error)


def _edition_context(edition):
    return {
        "edition": edition,
        "competition": edition.competition,
        "regulations_url": (
            document_url(edition, "regulamin", edition.regulations) if edition.regulations else ""
        ),
        "consent_form_url": (
            document_url(edition, "zgoda", edition.consent_form) if edition.consent_form else ""
        ),
    }


def _files(request, name):
    return request.FILES.getlist(name)


# --- The nomination form ---------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def nominate(request, slug, year):
    edition = _public_edition_or_404(slug, year)
    organizations = services.nomination_organizations(request.user)
    is_open = edition.nominations_are_open()
    form = None
    closed_message = ""
    status = 200
    if request.method == "POST":
        form = NominationForm(
            request.POST, request.FILES, edition=edition, organizations=organizations
        )
        if form.is_valid():
            consent = form.consent_arguments()
        if not form.errors:
            if not ratelimit.consume(request, action="award_nomination"):
                form.add_error(
                    None, _("Too many nominations from your address just now: try again later.")
                )
                status = 429
            else:
                try:
                    nomination = services.nomination_submit(
                        edition=edition,
                        category=form.cleaned_data.get("category"),
                        nominee_kind=form.cleaned_data.get("nominee_kind") or "",
                        nominator_kind=form.cleaned_data.get("nominator_kind") or "",
                        nominator_organization=form.chosen_organization(),
                        details=form.details(),
                        privacy_consent=bool(form.cleaned_data.get("privacy_consent")),
                        user=request.user,
                        attachments=form.cleaned_data.get("attachments") or [],
                        language=request.LANGUAGE_CODE,
                        **consent,
                    )
                except ValidationError as error:
                    if getattr(error, "code", None) == "closed":
                        closed_message = " ".join(error.messages)
                        is_open = False
                    else:
                        _add_errors(form, error)
                else:
                    _say_sent(request, nomination)
                    if nomination.nominator_user_id is not None:
                        return redirect("awards:my_nomination", nomination.public_id)
                    return redirect(edition.get_absolute_url())
    elif is_open:
        initial = {}
        user = request.user
        if user.is_authenticated:
            initial = {
                "nominator_name": user.get_full_name(),
                "nominator_email": user.email,
            }
        kinds = edition.competition.nominator_kinds
        nominee_kinds = edition.competition.nominee_kinds
        if len(kinds) == 1:
            initial["nominator_kind"] = kinds[0]
        if len(nominee_kinds) == 1:
            initial["nominee_kind"] = nominee_kinds[0]
        form = NominationForm(edition=edition, organizations=organizations, initial=initial)
    if not is_open and not closed_message and request.method == "POST":
        closed_message = str(services.CLOSED_MESSAGE)
    return render(
        request,
        "awards/nominations/form.html",
        {
            **_edition_context(edition),
            "form": form if is_open else None,
            "is_open": is_open,
            "closed_message": closed_message,
            "is_upcoming": timezone.now() < edition.nominations_open,
            "organizations": organizations,
        },
        status=status,
    )


def _say_sent(request, nomination):
    failed = mail_failed(
        "awards_nomination_confirm", "awards_nomination_received", "awards_nomination_consent"
    )
    if nomination.confirmed_at is None:
        if failed:
            messages.warning(
                request,
                _(
                    "The nomination has been saved, but the e-mail with the link to confirm it "
                    "could not be sent just now. Please write to or call the centre, which can "
                    "confirm it for you."
                ),
            )
        else:
            messages.success(
                request,
                _(
                    "Almost done: we have sent a link to %(email)s. Open it within a week to "
                    "confirm the nomination; until then it does not count."
                )
                % {"email": nomination.nominator_email},
            )
        return
    if failed:
        messages.warning(
            request,
            _(
                "The nomination has been received, but an e-mail about it could not be sent "
                "just now. You can see the nomination on your account's page."
            ),
        )
    elif nomination.is_minor and nomination.consent_at is None:
        messages.success(
            request,
            _(
                "The nomination has been received. We have e-mailed the parent or guardian: it "
                "counts once they consent."
            ),
        )
    else:
        messages.success(
            request, _("The nomination has been received. We have e-mailed you its confirmation.")
        )


# --- Links from the e-mails ------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def nomination_confirm(request, token):
    nomination = services.nomination_token_read(token, services.CONFIRM)
    if nomination is None:
        return _invalid_link(request)
    error = ""
    if request.method == "POST":
        try:
            nomination = services.nomination_confirm(
                nomination=nomination, language=request.LANGUAGE_CODE
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            if mail_failed("awards_nomination_received", "awards_nomination_consent"):
                messages.warning(
                    request,
                    _(
                        "Thank you: the nomination is confirmed. An e-mail about it could not "
                        "be sent just now; keep this page's address to change the nomination."
                    ),
                )
            else:
                messages.success(
                    request,
                    _("Thank you: the nomination is confirmed. We have e-mailed you its receipt."),
                )
            return redirect(
                "awards:nomination_edit_link", services.nomination_token_make(nomination)
            )
    edition = nomination.edition
    return _private(
        render(
            request,
            "awards/nominations/confirm.html",
            {
                **_edition_context(edition),
                "nomination": nomination,
                "error": error,
                "is_open": edition.nominations_are_open(),
                "edit_token": services.nomination_token_make(nomination),
            },
        )
    )


@require_http_methods(["GET", "HEAD", "POST"])
def nomination_consent(request, token):
    nomination = services.nomination_token_read(token, services.CONSENT)
    if nomination is None or not nomination.is_minor:
        return _invalid_link(request)
    error = ""
    done = False
    if request.method == "POST":
        try:
            nomination = services.nomination_consent_give(nomination=nomination)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            done = True
    edition = nomination.edition
    return _private(
        render(
            request,
            "awards/nominations/consent.html",
            {
                **_edition_context(edition),
                "nomination": nomination,
                "error": error,
                "done": done,
                "too_late": timezone.now() >= edition.formal_check_until,
            },
        )
    )


# --- The nominator's page --------------------------------------------------------------


def _edit_page(request, nomination, *, token=None):
    """The nominator's page of a nomination: the form until the close, then the
    nomination read-only with its formal-check state."""
    edition = nomination.edition
    is_open = edition.nominations_are_open()
    form = None
    closed_message = ""
    if request.method == "POST" and is_open:
        form = NominationForm(request.POST, request.FILES, edition=edition, nomination=nomination)
        if form.is_valid():
            consent = form.consent_arguments()
        if not form.errors:
            try:
                services.nomination_update(
                    nomination=nomination,
                    user=request.user,
                    token=token,
                    category=form.cleaned_data.get("category"),
                    nominee_kind=form.cleaned_data.get("nominee_kind") or "",
                    details=form.details(),
                    add_attachments=form.cleaned_data.get("attachments") or [],
                    remove_attachments=form.cleaned_data.get("remove_attachments") or [],
                    language=request.LANGUAGE_CODE,
                    **consent,
                )
            except ValidationError as error:
                if getattr(error, "code", None) == "closed":
                    closed_message = " ".join(error.messages)
                    is_open = False
                else:
                    _add_errors(form, error)
            else:
                if mail_failed("awards_nomination_consent"):
                    messages.warning(
                        request,
                        _(
                            "The changes have been saved, but the e-mail to the parent or "
                            "guardian could not be sent just now."
                        ),
                    )
                else:
                    messages.success(request, _("The changes have been saved."))
                return redirect(request.path)
    elif request.method == "POST":
        closed_message = str(services.CLOSED_MESSAGE)
    elif is_open:
        form = NominationForm(
            edition=edition, nomination=nomination, initial=NominationForm.initial_of(nomination)
        )
    nomination = (
        Nomination.objects.select_related(
            "edition__competition", "category", "nominee_organization", "nominator_organization"
        )
        .prefetch_related("attachments")
        .get(pk=nomination.pk)
    )
    for attachment in nomination.attachments.all():
        attachment.url = attachment_url(attachment, token or "")
    response = render(
        request,
        "awards/nominations/edit.html",
        {
            **_edition_context(edition),
            "nomination": nomination,
            "form": form if is_open else None,
            "closed_message": closed_message,
            "state": services.nomination_state(nomination),
            "state_label": services.nomination_state_label(nomination),
            "token": token or "",
        },
    )
    return _private(response) if token else response


@require_http_methods(["GET", "HEAD", "POST"])
def nomination_edit_link(request, token):
    nomination = services.nomination_token_read(token, services.EDIT)
    if nomination is None:
        return _invalid_link(request)
    return _edit_page(request, nomination, token=token)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def my_nomination(request, public_id):
    nomination = get_object_or_404(
        Nomination.objects.select_related("edition__competition", "category"),
        public_id=public_id,
        nominator_user=request.user,
    )
    return _edit_page(request, nomination)


@login_required
@require_safe
def my_nominations(request):
    nominations = list(
        Nomination.objects.filter(nominator_user=request.user)
        .select_related("edition__competition", "category")
        .annotate(attachment_count=Count("attachments"))
        .order_by("-edition__year", "-created_at", "-pk")
    )
    now = timezone.now()
    for nomination in nominations:
        nomination.state = services.nomination_state(nomination)
        nomination.state_label = services.nomination_state_label(nomination)
        nomination.is_editable = nomination.edition.nominations_are_open(now)
    return render(request, "awards/nominations/my_list.html", {"nominations": nominations})


# --- Downloads -------------------------------------------------------------------------


@require_safe
def nomination_attachment(request, pk, filename):
    attachment = get_object_or_404(NominationAttachment.objects.select_related("nomination"), pk=pk)
    nomination = attachment.nomination
    allowed = services.nomination_may_download(nomination, request.user) or (
        services.nomination_token_valid(nomination, request.GET.get("klucz"), services.EDIT)
    )
    if not allowed:
        raise Http404
    if filename != attachment.download_name:
        raise Http404
    return _private(download_response(attachment))


@require_safe
def nomination_consent_file(request, pk, filename):
    if not request.user.has_perm("awards.view_nomination"):
        raise Http404
    nomination = get_object_or_404(Nomination, pk=pk)
    if not nomination.consent_file:
        raise Http404
    name = nomination.consent_file.name.rsplit("/", 1)[-1]
    if filename != name:
        raise Http404
    stored = SimpleNamespace(file=nomination.consent_file, download_name=name)
    return _private(download_response(stored))


def attachment_url(attachment, token=""):
    url = reverse("awards:nomination_attachment", args=[attachment.pk, attachment.download_name])
    return f"{url}?klucz={token}" if token else url
