"""Members' pages: my organisations, the profile form, joining and managing members.

Access goes through `organizations.access.get_organization_for_member_or_404`:
an organisation the person is not an active member of does not exist for them
(404). Centre staff are no exception: they work on organisations in the admin.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from organizations import identifiers, krs
from organizations.access import get_organization_for_member_or_404
from organizations.forms.member import MembershipRequestForm, OrganizationForm
from organizations.models import Membership, Organization
from organizations.services import organizations as services

SUBMITTABLE = {Organization.Status.DRAFT, Organization.Status.REJECTED}


def _person(user):
    return user.get_full_name() or user.email


def _add_service_errors(form, error):
    """Attach a service's ValidationError to the form: on a field the form shows,
    otherwise to the whole form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _pending_identity(organization):
    """The name, legal form or KRS waiting for approval, as (label, value) pairs."""
    pending = []
    for field, value in organization.pending_identity.items():
        if field == "legal_form" and value in Organization.LegalForm.values:
            value = Organization.LegalForm(value).label
        pending.append((Organization._meta.get_field(field).verbose_name, value))
    return pending


@login_required
@require_http_methods(["GET", "HEAD"])
def my_organizations(request):
    memberships = list(
        Membership.objects.filter(user=request.user)
        .select_related("organization")
        .annotate(
            pending_requests=Count(
                "organization__memberships",
                filter=Q(organization__memberships__status=Membership.Status.PENDING),
            ),
            active_admins=Count(
                "organization__memberships",
                filter=Q(
                    organization__memberships__status=Membership.Status.ACTIVE,
                    organization__memberships__role=Membership.Role.ADMIN,
                ),
            ),
        )
        .order_by("organization__name", "pk")
    )
    for membership in memberships:
        organization = membership.organization
        organization.pending_changes = _pending_identity(organization)
        membership.is_admin = (
            membership.status == Membership.Status.ACTIVE
            and membership.role == Membership.Role.ADMIN
        )
        membership.is_last_admin = membership.is_admin and membership.active_admins == 1
        membership.can_submit = organization.status in SUBMITTABLE
    return render(
        request,
        "organizations/member_organization_list.html",
        {
            "active": [m for m in memberships if m.status == Membership.Status.ACTIVE],
            "requested": [m for m in memberships if m.status == Membership.Status.PENDING],
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organization_create(request):
    if request.method == "GET" and "krs_lookup" in request.GET:
        return _create_form_filled_from_krs(request)
    form = OrganizationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        submit = "submit_for_approval" in request.POST
        try:
            organization = services.organization_create(
                user=request.user,
                data=form.profile_data(),
                fields_of_activity=form.cleaned_data["fields_of_activity"],
                target_groups=form.cleaned_data["target_groups"],
                logo=form.cleaned_data["logo"],
                submit=submit,
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            if submit:
                message = _(
                    "“%(name)s” has been sent to the centre for approval. You will get an "
                    "e-mail when it is published."
                )
            else:
                message = _(
                    "“%(name)s” has been saved as a draft. Send it for approval when it is ready."
                )
            messages.success(request, message % {"name": organization.name})
            return redirect("organizations:my_organizations")
    return _render_create_form(request, form)


def _render_create_form(request, form):
    return render(
        request,
        "organizations/member_organization_form.html",
        {
            "form": form,
            "organization": None,
            "can_submit": True,
            "krs_lookup_enabled": krs.is_enabled(),
        },
    )


def _create_form_filled_from_krs(request):
    """The create form again, with what the KRS register knows about the number
    typed; nothing is saved."""
    try:
        number = identifiers.clean_krs(request.GET.get("krs_lookup", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        number = ""
    found = {}
    if number and krs.is_enabled():
        try:
            found = krs.lookup(number)
        except krs.KrsLookupError:
            messages.warning(
                request,
                _("The KRS register does not answer at the moment. Fill in the form yourself."),
            )
        else:
            if found:
                messages.success(
                    request,
                    _("The form was filled in from the KRS register. Check the data and save."),
                )
            else:
                messages.warning(request, _("The KRS register has no entry with this number."))
    return _render_create_form(request, OrganizationForm(initial={**found, "krs": number}))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organization_edit(request, slug):
    organization = get_organization_for_member_or_404(request.user, slug)
    form = OrganizationForm(request.POST or None, request.FILES or None, organization=organization)
    can_submit = organization.status in SUBMITTABLE
    if request.method == "POST" and form.is_valid():
        submit = can_submit and "submit_for_approval" in request.POST
        identity_changed = organization.is_published and form.identity_changed()
        try:
            # Saving and sending for approval succeed or fail together.
            with transaction.atomic():
                services.organization_update(
                    organization=organization,
                    user=request.user,
                    data=form.profile_data(),
                    fields_of_activity=form.cleaned_data["fields_of_activity"],
                    target_groups=form.cleaned_data["target_groups"],
                    logo=form.cleaned_data["logo"],
                )
                if submit:
                    services.organization_submit(organization=organization, user=request.user)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            name = form.cleaned_data["name"] if not identity_changed else organization.name
            if submit:
                message = _("“%(name)s” has been saved and sent to the centre for approval.")
            elif identity_changed:
                message = _(
                    "The changes to “%(name)s” have been saved. The new name, legal form or "
                    "KRS number will appear once the centre approves it; the other changes "
                    "are already public."
                )
            else:
                message = _("The changes to “%(name)s” have been saved.")
            messages.success(request, message % {"name": name})
            return redirect("organizations:my_organizations")
    return render(
        request,
        "organizations/member_organization_form.html",
        {
            "form": form,
            "organization": organization,
            "pending_changes": _pending_identity(organization),
            "can_submit": can_submit,
        },
    )


@login_required
@require_POST
def organization_submit(request, slug):
    organization = get_organization_for_member_or_404(request.user, slug)
    try:
        services.organization_submit(organization=organization, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "“%(name)s” has been sent to the centre for approval. You will get an "
                "e-mail when it is published."
            )
            % {"name": organization.name},
        )
    return redirect("organizations:my_organizations")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def membership_request(request, slug):
    organization = get_object_or_404(Organization.objects.published(), slug=slug)
    existing = Membership.objects.filter(user=request.user, organization=organization).first()
    if existing is not None:
        if existing.status == Membership.Status.ACTIVE:
            message = _("You are already a member of “%(name)s”.")
        else:
            message = _(
                "You have already asked to join “%(name)s”. Its administrators will "
                "answer your request."
            )
        messages.info(request, message % {"name": organization.name})
        return redirect(organization)
    form = MembershipRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_request(
                organization=organization,
                user=request.user,
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:  # a second request sent at the same time
            messages.info(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "Your request to join “%(name)s” has been sent to its administrators. "
                    "You will get an e-mail when they accept it."
                )
                % {"name": organization.name},
            )
        return redirect(organization)
    return render(
        request,
        "organizations/member_membership_request.html",
        {"form": form, "organization": organization},
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def membership_list(request, slug):
    organization = get_organization_for_member_or_404(request.user, slug, admin_only=True)
    memberships = list(
        organization.memberships.select_related("user").order_by(
            "user__last_name", "user__first_name", "user__email"
        )
    )
    return render(
        request,
        "organizations/member_membership_list.html",
        {
            "organization": organization,
            "active": [m for m in memberships if m.status == Membership.Status.ACTIVE],
            "requested": [m for m in memberships if m.status == Membership.Status.PENDING],
        },
    )


def _membership_leave(request, slug, pk):
    """A person leaves an organisation, or withdraws their request to join."""
    membership = get_object_or_404(
        Membership.objects.select_related("organization", "user"),
        pk=pk,
        organization__slug=slug,
        user=request.user,
    )
    name = membership.organization.name
    try:
        services.membership_remove(membership=membership, by=request.user)
    except ValidationError:  # the only administrator cannot leave
        messages.error(
            request,
            _(
                "You are the only administrator of “%(name)s”. Make another member an "
                "administrator before you leave."
            )
            % {"name": name},
        )
    else:
        if membership.status == Membership.Status.PENDING:
            message = _("Your request to join “%(name)s” has been withdrawn.")
        else:
            message = _("You have left “%(name)s”.")
        messages.success(request, message % {"name": name})
    return redirect("organizations:my_organizations")


@login_required
@require_POST
def membership_update(request, slug, pk):
    """One administrator's action on one membership: approve | make_admin |
    make_editor | remove; or `leave`, by the member themself."""
    action = request.POST.get("action")
    if action == "leave":
        return _membership_leave(request, slug, pk)
    if action not in {"approve", "make_admin", "make_editor", "remove"}:
        raise BadRequest("Unknown action.")
    organization = get_organization_for_member_or_404(request.user, slug, admin_only=True)
    membership = get_object_or_404(organization.memberships.select_related("user"), pk=pk)
    membership.organization = organization
    values = {"person": _person(membership.user), "name": organization.name}
    is_active = membership.status == Membership.Status.ACTIVE
    try:
        if action == "approve":
            if is_active:
                raise ValidationError(_("%(person)s is already a member.") % values)
            services.membership_approve(membership=membership, by=request.user)
            message = _("%(person)s is now a member of “%(name)s”.")
        elif action == "remove":
            services.membership_remove(membership=membership, by=request.user)
            if is_active:
                message = _("%(person)s is no longer a member of “%(name)s”.")
            else:
                message = _("The request of %(person)s has been refused.")
        else:
            if not is_active:
                raise ValidationError(
                    _("Accept the request of %(person)s before you give them a role.") % values
                )
            if action == "make_admin":
                role, message = Membership.Role.ADMIN, _("%(person)s is now an administrator.")
            else:
                role, message = Membership.Role.EDITOR, _("%(person)s is now an editor.")
            services.membership_set_role(membership=membership, role=role, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, message % values)
    if membership.user_id == request.user.pk:
        # Administrators change their own membership here only by a crafted request;
        # afterwards they may no longer see the members' page.
        return redirect("organizations:my_organizations")
    return redirect("organizations:membership_list", slug=organization.slug)


@login_required
@require_http_methods(["GET", "HEAD"])
def organization_messages(request, slug):
    """Messages residents sent through the portal, shown for the retention period
    (they were also e-mailed), older ones hidden even before the purge deletes
    them; for the organisation's administrators."""
    organization = get_organization_for_member_or_404(request.user, slug, admin_only=True)
    return render(
        request,
        "organizations/member_messages.html",
        {
            "organization": organization,
            "contact_messages": organization.contact_messages.retained().order_by("-created_at"),
            "retention_days": settings.CONTACT_MESSAGE_RETENTION_DAYS,
        },
    )
