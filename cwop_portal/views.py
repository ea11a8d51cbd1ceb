import json
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_safe
from django.views.i18n import set_language as django_set_language

from cwop_portal import params, services
from cwop_portal.forms import AccountDeleteForm, ProfileForm
from cwop_portal.models import AccessibilityStatement, CustomPage, Document, Page
from cwop_portal.personal_data import export_user_data


def _page_or_404(key):
    return get_object_or_404(Page, key=key)


@require_safe
def home(request):
    return render(
        request, "cwop_portal/home.html", {"page": Page.objects.filter(key=Page.Key.HOME).first()}
    )


@require_safe
def about(request):
    return render(request, "cwop_portal/page_detail.html", {"page": _page_or_404(Page.Key.ABOUT)})


@require_safe
def privacy(request):
    return render(request, "cwop_portal/page_detail.html", {"page": _page_or_404(Page.Key.PRIVACY)})


@require_safe
def custom_page(request, slug):
    """A page staff added (cwop_portal.page_services). An unpublished one is shown
    only to staff who may see it in the admin (their preview, marked as such)."""
    page = get_object_or_404(CustomPage, slug=slug)
    if not page.is_published and not (
        request.user.is_staff and request.user.has_perm("cwop_portal.view_custompage")
    ):
        raise Http404
    return render(request, "cwop_portal/custom_page.html", {"page": page})


@require_safe
def accessibility_statement(request):
    statement = AccessibilityStatement.load()
    return render(
        request,
        "cwop_portal/accessibility_statement.html",
        {"statement": statement, "site_url": request.build_absolute_uri("/")},
    )


@require_safe
def document_list(request):
    documents = Document.objects.filter(is_published=True)
    return render(request, "cwop_portal/document_list.html", {"documents": documents})


@require_GET
def document_download(request, pk, filename):
    document = get_object_or_404(Document, pk=pk, is_published=True)
    if filename != document.download_name:
        return redirect(document.get_absolute_url(), permanent=True)
    return download_response(document)


def download_response(stored):
    """The file of `stored` (a DownloadableFileMixin model) as a download; a 404 when
    the file has gone from storage."""
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is no longer available.")) from exc
    return FileResponse(handle, as_attachment=True, filename=stored.download_name)


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (Django's admin): the
    portal's icon, instead of a 404 in the browser's console."""
    return redirect(static("img/favicon.svg"), permanent=True)


@never_cache
@require_safe
def healthz(request):
    """200 "ok" when the database answers, 503 otherwise (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@login_required
@require_http_methods(["GET", "POST"])
def account_profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your details have been saved."))
        return redirect("account_profile")
    return render(request, "account/profile.html", {"form": form})


@login_required
@require_GET
def account_data_export(request):
    data = {
        "exported_at": timezone.now().isoformat(),
        "data": export_user_data(request.user),
    }
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="cwop-moje-dane.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    """Delete one's own account (password to confirm). What holds it up (books on
    loan, the only administrator of an organisation…) is shown at once, with where
    to put it right; the service checks it again, under lock, when deleting."""
    form = AccountDeleteForm(request.POST or None, user=request.user)
    blockers = None
    if request.method == "POST" and form.is_valid():
        try:
            services.user_delete(user=request.user)
        except services.AccountDeletionBlocked as error:
            blockers = error.blockers
        else:
            logout(request)
            messages.success(request, _("Your account and your personal data have been deleted."))
            return redirect("home")
    if blockers is None:
        blockers = services.user_deletion_blockers(user=request.user)
    return render(request, "account/delete.html", {"form": form, "blockers": blockers})


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", {"reason": reason}, status=403)


def _without_next(query):
    query = query.copy()
    query.pop("next", None)
    return query


def set_language(request):
    """Django's language switch, resolving `next` in the language it is written in.

    Django translates `next` by resolving it in the active language, which for
    this non-prefixed URL comes from the cookie; a visitor on an English page
    without the cookie would otherwise stay on the English page.

    Django's check of `next` and of the referrer raises on an address that cannot
    be parsed ("http://["): such a value is dropped first, as an unsafe one is.
    """
    if not params.is_parseable_url(request.POST.get("next", request.GET.get("next", ""))):
        request.GET, request.POST = _without_next(request.GET), _without_next(request.POST)
    if not params.is_parseable_url(request.META.get("HTTP_REFERER", "")):
        del request.META["HTTP_REFERER"]
    next_url = request.POST.get("next", request.GET.get("next", ""))
    language = translation.get_language_from_path(urlsplit(next_url).path)
    with translation.override(language or translation.get_language()):
        return django_set_language(request)
