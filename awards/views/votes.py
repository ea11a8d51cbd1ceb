"""The public vote: the ballot while the vote is open (a form per category), when
it opens before, the results after it closes (never while it runs), and the page
of the confirmation link.

Rate limits (allauth's limiter, as the directory's contact form): the action
"award_vote" in ACCOUNT_RATE_LIMITS, counted per client address and per e-mail
address (the key). A vote over the limit is not stored; the page says so (429).
"""

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from awards.forms.votes import VoteForm
from awards.models import Category, Edition
from awards.services import votes as services
from cwop_portal.emails import mail_failed

RATE_LIMIT_ACTION = "award_vote"
YEAR_MAX = 9999


def _vote_edition(slug, year):
    if year > YEAR_MAX:
        raise Http404
    return get_object_or_404(
        Edition.objects.public().select_related("competition"),
        competition__slug=slug,
        year=year,
        public_vote=True,
        vote_opens__isnull=False,
        vote_closes__isnull=False,
    )


def client_network(request):
    """The client's address range (/24, /48), the address found as the rate limits
    find it (behind a trusted proxy: from X-Forwarded-For)."""
    try:
        address = get_adapter().get_client_ip(request)
    except (PermissionDenied, ValueError):
        return ""
    return services.vote_network(address)


def _categories(edition):
    return list(
        Category.objects.filter(edition=edition)
        .order_by("position", "name_pl", "pk")
        .prefetch_related(
            Prefetch(
                "nominations",
                queryset=services.ballot(edition).order_by(
                    "nominee_first_name", "nominee_last_name", "nominee_name", "pk"
                ),
                to_attr="on_ballot",
            )
        )
    )


def _page(request, edition, *, bound=None, rate_limited=False, status=200):
    now = timezone.now()
    context = {
        "edition": edition,
        "competition": edition.competition,
        "is_open": edition.vote_is_open(now),
        "is_closed": edition.vote_is_closed(now),
        "rate_limited": rate_limited,
    }
    if context["is_open"]:
        categories = _categories(edition)
        for category in categories:
            if bound is not None and bound.category.pk == category.pk:
                category.form = bound
            else:
                category.form = VoteForm(category=category, nominations=category.on_ballot)
        context["categories"] = categories
        context["form"] = bound  # the page title says "Error" when it has errors
    elif context["is_closed"]:
        context["results"] = services.vote_results(edition)
    return render(request, "awards/votes/vote.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def vote(request, slug, year):
    edition = _vote_edition(slug, year)
    if request.method != "POST":
        return _page(request, edition)
    if not edition.vote_is_open():
        messages.error(request, _("The vote is not open: your vote has not been taken."))
        return redirect("awards:vote", slug=slug, year=year)
    category_id = request.POST.get("category", "")
    category = None
    if category_id.isdigit() and len(category_id) < 12:
        category = next((c for c in _categories(edition) if c.pk == int(category_id)), None)
    if category is None:
        messages.error(request, _("Choose the category you vote in."))
        return _page(request, edition, status=400)
    form = VoteForm(request.POST, category=category, nominations=category.on_ballot)
    if not form.is_valid():
        return _page(request, edition, bound=form)
    email = form.cleaned_data["email"].strip().lower()
    if not ratelimit.consume(request, action=RATE_LIMIT_ACTION, key=email):
        return _page(request, edition, bound=form, rate_limited=True, status=429)
    try:
        cast = services.vote_cast(
            nomination=form.chosen_nomination(), email=email, network=client_network(request)
        )
    except ValidationError as error:
        if getattr(error, "code", None) in ("closed", "not_open", "no_vote"):
            messages.error(request, error.messages[0])
            return redirect("awards:vote", slug=slug, year=year)
        _add_errors(form, error)
        return _page(request, edition, bound=form)
    if mail_failed(services.CONFIRMATION_EMAIL):
        messages.warning(
            request,
            _(
                "Your vote has been saved, but the e-mail with the link to confirm it could "
                "not be sent just now. Please vote again in a while to get a new link; the "
                "vote counts only once confirmed."
            ),
        )
    else:
        messages.success(
            request,
            _(
                "Check your e-mail to confirm your vote: we have sent a link to %(email)s. "
                "The vote counts once you confirm it; the link is valid for 48 hours."
            )
            % {"email": cast.email},
        )
    return redirect(reverse("awards:vote", args=[slug, year]) + f"#kategoria-{category.pk}")


def _add_errors(form, error):
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_http_methods(["GET", "HEAD", "POST"])
def vote_confirm(request, token):
    try:
        vote = services.vote_from_token(token)
    except ValidationError as error:
        return render(
            request,
            "awards/votes/confirm.html",
            {"error": error.messages[0], "vote": None},
            status=404 if getattr(error, "code", None) == "invalid" else 200,
        )
    edition = vote.category.edition
    context = {
        "vote": vote,
        "edition": edition,
        "competition": edition.competition,
        "token": token,
        "error": None,
        "confirmed": vote.confirmed_at is not None and vote.voided_at is None,
        "too_late": edition.vote_is_closed(),
    }
    if request.method == "POST":
        try:
            vote = services.vote_confirm(token=token)
        except ValidationError as error:
            context["error"] = error.messages[0]
            return render(request, "awards/votes/confirm.html", context)
        messages.success(
            request,
            _("Thank you: your vote for %(name)s has been confirmed and counts.")
            % {"name": vote.nomination.public_name},
        )
        return redirect("awards:vote", slug=edition.competition.slug, year=edition.year)
    return render(request, "awards/votes/confirm.html", context)
