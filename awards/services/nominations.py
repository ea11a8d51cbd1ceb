"""Nominations: sent by residents, organisations (on their behalf) and schools while
an edition takes them, confirmed by e-mail when the nominator is not signed in with
that address, consented to by a parent or guardian for a young person, changed by
the nominator until the close, and checked formally by the centre's staff.

Whether the edition still takes nominations is decided by the DATABASE's clock with
the edition's row locked (as cooperation's remarks do): a nomination sent at the
closing second is judged by the time the database gives when it takes it.

Decided here:
- only the nominator kinds and nominee kinds the competition allows, and only a
  category of the edition nominated in;
- an organisation nominates through a signed-in ACTIVE member of a PUBLISHED
  organisation; a school names its institution;
- a nomination counts once confirmed (at once for a signed-in nominator using their
  own verified address, otherwise by the signed link e-mailed to them) and, for a
  young person, once a parent or guardian has consented: a signed form uploaded
  (counts from then) or the signed link e-mailed to the guardian after the
  confirmation;
- the nominator (their account, or the signed edit link) changes the nomination and
  its attachments until the close; then it is read-only;
- staff accept or reject (with a reason) only a nomination that counts; an accepted
  nomination the jury has scored, or that is awarded, is not rejected any more.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypedDict, cast

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from awards.models import (
    Category,
    Edition,
    Juror,
    Nomination,
    NominationAttachment,
    NominatorKind,
    NomineeKind,
    Score,
)
from cwop_portal.dates import database_now
from cwop_portal.emails import send_email_on_commit
from cwop_portal.history import change_record, changes_between, snapshot
from cwop_portal.images import clean_image_upload
from cwop_portal.validators import validate_document_file
from organizations.models import Membership, Organization

if TYPE_CHECKING:
    from cwop_portal.models import User

    AnyUser = User | AnonymousUser

SIGNING_SALT = "awards.nomination"
CONFIRM = "confirm"
CONSENT = "consent"
EDIT = "edit"
# The nominator's confirmation link works a week, the guardian's a month; the edit
# link has no time limit (after the close it shows the nomination read-only).
MAX_AGES = {
    CONFIRM: datetime.timedelta(days=7),
    CONSENT: datetime.timedelta(days=30),
    EDIT: None,
}
MAX_ATTACHMENTS = 5
IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "gif", "webp"}
CHECK_FIELDS = ["status", "rejection_reason", "checked_at", "checked_by", "updated_at"]
PERSON_KINDS = (NomineeKind.PERSON, NomineeKind.MINOR)

# What a nominator may change, kept in the history old → new.
EDITABLE_FIELDS = [
    "category",
    "nominee_kind",
    "nominee_first_name",
    "nominee_last_name",
    "nominee_name",
    "nominee_organization",
    "school",
    "school_class",
    "guardian_name",
    "guardian_email",
    "justification",
    "description",
    "achievements",
    "links",
    "nominator_name",
    "nominator_phone",
    "nominator_institution",
]
TEXT_LIMITS = {
    "nominee_first_name": 100,
    "nominee_last_name": 100,
    "nominee_name": 300,
    "school": 300,
    "school_class": 20,
    "guardian_name": 200,
    "guardian_email": 254,
    "justification": 5000,
    "description": 5000,
    "achievements": 5000,
    "links": 2000,
    "nominator_name": 200,
    "nominator_email": 254,
    "nominator_phone": 30,
    "nominator_institution": 300,
}


class NominationDetails(TypedDict, total=False):
    """The texts of a nomination form (and the directory's organisation nominated)."""

    nominee_first_name: str
    nominee_last_name: str
    nominee_name: str
    nominee_organization: Organization | None
    school: str
    school_class: str
    guardian_name: str
    guardian_email: str
    justification: str
    description: str
    achievements: str
    links: str
    nominator_name: str
    nominator_email: str
    nominator_phone: str
    nominator_institution: str


# --- States, as the nominator sees them -----------------------------------------------

UNCONFIRMED = "unconfirmed"
AWAITING_CONSENT = "awaiting_consent"
SUBMITTED = "submitted"
ACCEPTED = "accepted"
REJECTED = "rejected"
STATE_LABELS = {
    UNCONFIRMED: pgettext_lazy("nomination state", "awaiting the e-mail confirmation"),
    AWAITING_CONSENT: pgettext_lazy("nomination state", "awaiting the guardian's consent"),
    SUBMITTED: pgettext_lazy("nomination state", "awaiting the formal check"),
    ACCEPTED: pgettext_lazy("nomination state", "accepted"),
    REJECTED: pgettext_lazy("nomination state", "rejected"),
}
CLOSED_MESSAGE = gettext_lazy(
    "Nominations for this edition are closed: the nomination was not sent nor changed."
)


def nomination_state(nomination: Nomination) -> str:
    """One of UNCONFIRMED, AWAITING_CONSENT, SUBMITTED, ACCEPTED, REJECTED."""
    if nomination.confirmed_at is None:
        return UNCONFIRMED
    if nomination.is_minor and nomination.consent_at is None:
        return AWAITING_CONSENT
    if nomination.status == Nomination.Status.ACCEPTED:
        return ACCEPTED
    if nomination.status == Nomination.Status.REJECTED:
        return REJECTED
    return SUBMITTED


def nomination_state_label(nomination: Nomination) -> str:
    return str(STATE_LABELS[nomination_state(nomination)])


# --- Tokens ----------------------------------------------------------------------------


def _signer(purpose: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"{SIGNING_SALT}.{purpose}")


def nomination_token_make(nomination: Nomination, purpose: str = EDIT) -> str:
    """The signed token of the links in e-mails: CONFIRM (the nominator confirms,
    a week), CONSENT (the guardian consents, a month) or EDIT (see and change)."""
    return _signer(purpose).sign(str(nomination.public_id))


def nomination_token_read(token: str | None, purpose: str = EDIT) -> Nomination | None:
    """The nomination a token names, or None when it is tampered with, expired or
    names nothing (never an exception)."""
    try:
        value = _signer(purpose).unsign(str(token or ""), max_age=MAX_AGES[purpose])
        public_id = uuid.UUID(value)
    except (signing.BadSignature, ValueError):
        return None
    return (
        Nomination.objects.select_related("edition__competition", "category")
        .filter(public_id=public_id)
        .first()
    )


def nomination_token_valid(nomination: Nomination, token: str | None, purpose: str = EDIT) -> bool:
    found = nomination_token_read(token, purpose)
    return found is not None and found.pk == nomination.pk


def _link(name: str, token: str) -> str:
    return settings.SITE_URL + reverse(name, args=[token])


def nomination_edit_url(nomination: Nomination) -> str:
    """The whole address of the nominator's page of the nomination: their account's
    page when they have one, the signed edit link otherwise."""
    if nomination.nominator_user_id is not None:
        return settings.SITE_URL + reverse("awards:my_nomination", args=[nomination.public_id])
    return _link("awards:nomination_edit_link", nomination_token_make(nomination, EDIT))


# --- Time and access -------------------------------------------------------------------


def _require_open(
    edition: Edition, now: datetime.datetime | None
) -> tuple[Edition, datetime.datetime]:
    """Lock the edition and check that it takes nominations at the database's time
    (or `now`, when a caller gives it)."""
    locked = Edition.objects.select_related("competition").select_for_update().get(pk=edition.pk)
    moment = now or database_now()
    if locked.status != Edition.Status.PUBLISHED or moment < locked.nominations_open:
        raise ValidationError(_("This edition does not take nominations yet."), code="closed")
    if moment >= locked.nominations_close:
        raise ValidationError(str(CLOSED_MESSAGE), code="closed")
    return locked, moment


def nomination_organizations(user: AnyUser | None) -> list[Organization]:
    """The published organisations `user` is an active member of: those they may
    nominate on behalf of."""
    if user is None or not user.is_authenticated:
        return []
    return list(
        Organization.objects.published()
        .filter(memberships__user=user, memberships__status=Membership.Status.ACTIVE)
        .order_by("name", "pk")
    )


def _is_active_member(user: AnyUser | None, organization: Organization) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user,
        organization=organization,
        status=Membership.Status.ACTIVE,
        organization__status=Organization.Status.PUBLISHED,
    ).exists()


def _has_verified_address(user: AnyUser | None, email: str) -> bool:
    if user is None or not user.is_authenticated or not email:
        return False
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def nomination_is_nominators(nomination: Nomination, user: AnyUser | None) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and nomination.nominator_user_id is not None
        and nomination.nominator_user_id == user.pk
    )


def nomination_may_download(nomination: Nomination, user: AnyUser | None) -> bool:
    """The nominator, the centre's staff, and the jurors of the edition whose
    categories include the nomination's may download its attachments."""
    if user is None or not user.is_authenticated:
        return False
    if nomination_is_nominators(nomination, user) or user.has_perm("awards.view_nomination"):
        return True
    for juror in Juror.objects.filter(edition_id=nomination.edition_id, user=user).prefetch_related(
        "categories"
    ):
        categories = {category.pk for category in juror.categories.all()}
        if not categories or nomination.category_id in categories:
            return True
    return False


# --- Checks ----------------------------------------------------------------------------


def _text(details: NominationDetails, name: str) -> str:
    value = cast(dict[str, Any], details).get(name) or ""
    return " ".join(str(value).split()) if name not in _MULTILINE else str(value).strip()


_MULTILINE = {"justification", "description", "achievements", "links"}


def _clean_details(
    edition: Edition,
    category: Category | None,
    nominee_kind: str,
    details: NominationDetails,
    errors: dict[str, list[str]],
) -> dict[str, Any]:
    """The nomination's fields from the form's, checked; a problem goes to `errors`
    under the field's name."""
    competition = edition.competition
    if category is None or category.edition_id != edition.pk:
        errors["category"] = [_("Choose one of this edition's categories.")]
    if nominee_kind not in competition.nominee_kinds:
        errors["nominee_kind"] = [_("This competition does not take nominations of this kind.")]
    values: dict[str, Any] = {name: _text(details, name) for name in TEXT_LIMITS}
    values["nominee_organization"] = details.get("nominee_organization")
    required = _("This field is required.")
    if nominee_kind in PERSON_KINDS:
        for name in ("nominee_first_name", "nominee_last_name"):
            if not values[name]:
                errors[name] = [required]
        values["nominee_name"] = ""
        values["nominee_organization"] = None
    else:
        if not values["nominee_name"]:
            errors["nominee_name"] = [required]
        values["nominee_first_name"] = values["nominee_last_name"] = ""
        if nominee_kind != NomineeKind.ORGANIZATION:
            values["nominee_organization"] = None
    if nominee_kind == NomineeKind.MINOR:
        for name in ("school", "guardian_name", "guardian_email"):
            if not values[name]:
                errors[name] = [
                    _("Needed for a young person: a parent or guardian must consent.")
                    if name == "guardian_email"
                    else required
                ]
        if values["guardian_email"] and "@" not in values["guardian_email"]:
            errors["guardian_email"] = [_("Enter a valid e-mail address.")]
    else:
        for name in ("school", "school_class", "guardian_name", "guardian_email"):
            values[name] = ""
    if not values["justification"]:
        errors["justification"] = [_("Say why you nominate them.")]
    for name, asked in (
        ("description", edition.ask_description),
        ("achievements", edition.ask_achievements),
        ("links", edition.ask_links),
    ):
        if not asked:
            values[name] = ""
    if not values["nominator_name"]:
        errors["nominator_name"] = [required]
    for name, limit in TEXT_LIMITS.items():
        if len(values[name]) > limit and name not in errors:
            errors[name] = [
                ngettext("At most %(count)d character.", "At most %(count)d characters.", limit)
                % {"count": limit}
            ]
    values["nominator_email"] = values["nominator_email"].lower()
    values["guardian_email"] = values["guardian_email"].lower()
    return values


def attachment_clean(upload: File[Any]) -> File[Any]:
    """An attachment checked: an image re-encoded without metadata, a document
    checked as documents are (type, content, size)."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in IMAGE_EXTENSIONS:
        return clean_image_upload(upload, field_label="zalacznik")
    validate_document_file(upload)
    return upload


def _clean_attachments(
    uploads: Sequence[File[Any]], already: int, errors: dict[str, list[str]]
) -> list[File[Any]]:
    if already + len(uploads) > MAX_ATTACHMENTS:
        errors["attachments"] = [
            ngettext(
                "At most %(count)d attachment.", "At most %(count)d attachments.", MAX_ATTACHMENTS
            )
            % {"count": MAX_ATTACHMENTS}
        ]
        return []
    cleaned = []
    for upload in uploads:
        try:
            cleaned.append(attachment_clean(upload))
        except ValidationError as error:
            name = (upload.name or "").rsplit("/", 1)[-1]
            errors.setdefault("attachments", []).extend(
                f"{name}: {message}" for message in error.messages
            )
    return cleaned


def _clean_consent_file(upload: File[Any] | None, errors: dict[str, list[str]]) -> None:
    if upload is None:
        return
    try:
        validate_document_file(upload)
    except ValidationError as error:
        errors["consent_file"] = list(error.messages)


def _store_attachments(nomination: Nomination, files: Iterable[File[Any]]) -> list[str]:
    names = []
    for upload in files:
        name = (upload.name or "").rsplit("/", 1)[-1]
        attachment = NominationAttachment(nomination=nomination, title=name[:200])
        attachment.file.save(name, upload, save=False)
        attachment.save()
        names.append(str(attachment))
    return names


# --- E-mails ---------------------------------------------------------------------------


def _mail_context(nomination: Nomination) -> dict[str, Any]:
    return {
        "nomination": nomination,
        "edition": nomination.edition,
        "competition": nomination.edition.competition,
        "category": nomination.category,
    }


def _send_confirmation_request(nomination: Nomination, language: str) -> None:
    send_email_on_commit(
        "awards_nomination_confirm",
        {
            **_mail_context(nomination),
            "confirm_url": _link(
                "awards:nomination_confirm", nomination_token_make(nomination, CONFIRM)
            ),
            "max_age_days": MAX_AGES[CONFIRM].days,  # type: ignore[union-attr]
        },
        [nomination.nominator_email],
        language=language,
    )


def _send_receipt(nomination: Nomination, language: str) -> None:
    send_email_on_commit(
        "awards_nomination_received",
        {**_mail_context(nomination), "edit_url": nomination_edit_url(nomination)},
        [nomination.nominator_email],
        language=language,
    )


def _send_consent_request(nomination: Nomination, language: str) -> None:
    send_email_on_commit(
        "awards_nomination_consent",
        {
            **_mail_context(nomination),
            "consent_url": _link(
                "awards:nomination_consent", nomination_token_make(nomination, CONSENT)
            ),
            "max_age_days": MAX_AGES[CONSENT].days,  # type: ignore[union-attr]
        },
        [nomination.guardian_email],
        language=language,
        reply_to=nomination.nominator_email,
    )


def _after_confirmation(nomination: Nomination, language: str) -> None:
    """The nominator gets the receipt; the guardian of a young person, when the
    consent comes by e-mail, the request to consent."""
    _send_receipt(nomination, language)
    if nomination.is_minor and nomination.consent_at is None:
        _send_consent_request(nomination, language)


# --- Sending ---------------------------------------------------------------------------


@transaction.atomic
def nomination_submit(
    *,
    edition: Edition,
    category: Category | None,
    nominee_kind: str,
    nominator_kind: str,
    details: NominationDetails,
    privacy_consent: bool,
    user: AnyUser | None = None,
    nominator_organization: Organization | None = None,
    attachments: Sequence[File[Any]] = (),
    consent_file: File[Any] | None = None,
    consent_by_email: bool = False,
    language: str | None = None,
    now: datetime.datetime | None = None,
) -> Nomination:
    """Take a nomination while the edition takes them. It is confirmed at once when
    `user` is signed in and nominates with their own verified address; otherwise the
    nominator gets the link to confirm it. For a young person: `consent_file` (the
    signed form) or `consent_by_email` (the guardian gets a link once the nomination
    is confirmed). E-mails go out after the commit; a failed one loses nothing."""
    language = language or settings.LANGUAGE_CODE
    competition = edition.competition
    errors: dict[str, list[str]] = {}
    values = _clean_details(edition, category, nominee_kind, details, errors)
    if nominator_kind not in competition.nominator_kinds:
        errors["nominator_kind"] = [_("This competition does not take nominations from them.")]
    if nominator_kind == NominatorKind.ORGANIZATION:
        if nominator_organization is None or not _is_active_member(user, nominator_organization):
            errors["nominator_organization"] = [
                _(
                    "Sign in and choose a published organisation you are an active member "
                    "of: an organisation nominates through its members."
                )
            ]
    else:
        nominator_organization = None
    if nominator_kind == NominatorKind.SCHOOL and not values["nominator_institution"]:
        errors["nominator_institution"] = [_("Give the name of the school.")]
    if not values["nominator_email"] or "@" not in values["nominator_email"]:
        errors["nominator_email"] = [_("Enter a valid e-mail address.")]
    if not privacy_consent:
        errors["privacy_consent"] = [
            _("Tick this box to agree, otherwise we cannot take the nomination.")
        ]
    if nominee_kind == NomineeKind.MINOR:
        if consent_file is None and not consent_by_email:
            errors["consent_route"] = [
                _(
                    "Upload the consent form signed by the parent or guardian, or choose "
                    "to have them confirm by e-mail."
                )
            ]
        _clean_consent_file(consent_file, errors)
    else:
        consent_file, consent_by_email = None, False
    files = _clean_attachments(attachments, 0, errors) if edition.ask_attachments else []
    if errors:
        raise ValidationError(errors)

    edition, moment = _require_open(edition, now)
    user_row = user if user is not None and user.is_authenticated else None
    confirmed = _has_verified_address(user_row, values["nominator_email"])
    nomination = Nomination(
        edition=edition,
        category=category,
        nominee_kind=nominee_kind,
        nominator_kind=nominator_kind,
        nominator_user=user_row,
        nominator_organization=nominator_organization,
        privacy_consent=True,
        confirmed_at=moment if confirmed else None,
        created_at=moment,
        **values,
    )
    if consent_file is not None:
        nomination.consent_file.save(
            (consent_file.name or "zgoda").rsplit("/", 1)[-1], consent_file, save=False
        )
        nomination.consent_method = Nomination.ConsentMethod.UPLOAD
        nomination.consent_at = moment
    nomination.save()
    stored = _store_attachments(nomination, files)
    change_record(
        nomination,
        user=user_row,
        action="created",
        changes={
            "nominee_kind": nominee_kind,
            "nominator_kind": nominator_kind,
            "category": str(category),
            **({"attachments": {"added": stored}} if stored else {}),
        },
        at=moment,
    )
    if confirmed:
        change_record(nomination, user=user_row, action="confirmed", note="account", at=moment)
    if nomination.consent_at is not None:
        change_record(
            nomination,
            user=user_row,
            action="consent",
            changes={"consent_method": Nomination.ConsentMethod.UPLOAD.value},
            at=moment,
        )
    if confirmed:
        _after_confirmation(nomination, language)
    else:
        _send_confirmation_request(nomination, language)
    return nomination


@transaction.atomic
def nomination_confirm(
    *, nomination: Nomination, language: str | None = None, now: datetime.datetime | None = None
) -> Nomination:
    """The nominator confirms by the e-mailed link, until the close. Confirming
    again changes nothing."""
    language = language or settings.LANGUAGE_CODE
    _edition, moment = _require_open(nomination.edition, now)
    locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if locked.confirmed_at is not None:
        return locked
    locked.confirmed_at = moment
    locked.save(update_fields=["confirmed_at", "updated_at"])
    change_record(locked, user=None, action="confirmed", note="email", at=moment)
    _after_confirmation(locked, language)
    return locked


@transaction.atomic
def nomination_consent_give(
    *, nomination: Nomination, now: datetime.datetime | None = None
) -> Nomination:
    """A parent or guardian consents by the e-mailed link: the nomination counts
    from then. Taken until the formal check ends."""
    edition = Edition.objects.select_for_update().get(pk=nomination.edition_id)
    moment = now or database_now()
    locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if locked.consent_at is not None:
        return locked
    if not locked.is_minor or locked.confirmed_at is None:
        raise ValidationError(_("This nomination does not wait for a consent."), code="invalid")
    if moment >= edition.formal_check_until:
        raise ValidationError(
            _("It is too late to consent: the formal check of this edition has ended."),
            code="closed",
        )
    locked.consent_method = Nomination.ConsentMethod.EMAIL
    locked.consent_at = moment
    locked.save(update_fields=["consent_method", "consent_at", "updated_at"])
    change_record(
        locked,
        user=None,
        action="consent",
        changes={"consent_method": Nomination.ConsentMethod.EMAIL.value},
        at=moment,
    )
    return locked


# --- Changes by the nominator ----------------------------------------------------------


def _require_nominator(nomination: Nomination, user: AnyUser | None, token: str | None) -> None:
    if nomination_is_nominators(nomination, user):
        return
    if token and nomination_token_valid(nomination, token, EDIT):
        return
    raise ValidationError(
        _("Only the person who sent the nomination can change it."), code="forbidden"
    )


@transaction.atomic
def nomination_update(
    *,
    nomination: Nomination,
    user: AnyUser | None,
    category: Category | None,
    nominee_kind: str,
    details: NominationDetails,
    token: str | None = None,
    add_attachments: Sequence[File[Any]] = (),
    remove_attachments: Iterable[int] = (),
    consent_file: File[Any] | None = None,
    consent_by_email: bool = False,
    language: str | None = None,
    now: datetime.datetime | None = None,
) -> Nomination:
    """The nominator (signed in, or by the signed edit link `token`) changes the
    nomination until the close: the nominee, the texts, their own name, phone and
    school, attachments added or removed. The e-mail address and on whose behalf
    it was sent stay. A new guardian's address asks the new guardian to consent."""
    language = language or settings.LANGUAGE_CODE
    _require_nominator(nomination, user, token)
    edition = nomination.edition
    errors: dict[str, list[str]] = {}
    details = cast(NominationDetails, {**details, "nominator_email": nomination.nominator_email})
    values = _clean_details(edition, category, nominee_kind, details, errors)
    del values["nominator_email"]
    if nomination.nominator_kind == NominatorKind.SCHOOL and not values["nominator_institution"]:
        errors["nominator_institution"] = [_("Give the name of the school.")]
    removing = set(remove_attachments)
    kept = nomination.attachments.exclude(pk__in=removing).count()
    files = _clean_attachments(add_attachments, kept, errors) if edition.ask_attachments else []
    guardian_changed = values["guardian_email"] != nomination.guardian_email
    needs_consent = nominee_kind == NomineeKind.MINOR and (
        nomination.consent_at is None
        or (guardian_changed and nomination.consent_method == Nomination.ConsentMethod.EMAIL)
    )
    if nominee_kind == NomineeKind.MINOR:
        _clean_consent_file(consent_file, errors)
        if needs_consent and consent_file is None and not consent_by_email:
            errors["consent_route"] = [
                _(
                    "Upload the consent form signed by the parent or guardian, or choose "
                    "to have them confirm by e-mail."
                )
            ]
    if errors:
        raise ValidationError(errors)

    _locked_edition, moment = _require_open(edition, now)
    locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
    before = snapshot(locked, EDITABLE_FIELDS)
    locked.category = category
    locked.nominee_kind = nominee_kind
    for name, value in values.items():
        setattr(locked, name, value)
    update_fields = [*EDITABLE_FIELDS, "updated_at"]
    consent_note: str = ""
    if nominee_kind != NomineeKind.MINOR:
        if locked.consent_at is not None or locked.consent_file:
            locked.consent_at, locked.consent_method = None, Nomination.ConsentMethod.NONE
            locked.consent_file = ""
            update_fields += ["consent_at", "consent_method", "consent_file"]
    elif consent_file is not None:
        locked.consent_file.save(
            (consent_file.name or "zgoda").rsplit("/", 1)[-1], consent_file, save=False
        )
        locked.consent_method = Nomination.ConsentMethod.UPLOAD
        locked.consent_at = moment
        update_fields += ["consent_at", "consent_method", "consent_file"]
        consent_note = Nomination.ConsentMethod.UPLOAD.value
    elif needs_consent and locked.consent_at is not None:
        locked.consent_at, locked.consent_method = None, Nomination.ConsentMethod.NONE
        update_fields += ["consent_at", "consent_method"]
    changes: dict[str, Any] = changes_between(
        before, snapshot(locked, EDITABLE_FIELDS), EDITABLE_FIELDS, model=Nomination
    )
    removed = list(locked.attachments.filter(pk__in=removing))
    removed_names = [str(attachment) for attachment in removed]
    for attachment in removed:
        attachment.delete()
    added_names = _store_attachments(locked, files)
    rows: dict[str, list[str]] = {}
    if added_names:
        rows["added"] = added_names
    if removed_names:
        rows["deleted"] = removed_names
    if rows:
        changes["attachments"] = rows
    if changes or consent_note or "consent_at" in update_fields:
        locked.save(update_fields=list(dict.fromkeys(update_fields)))
    if changes:
        change_record(locked, user=user, action="changed", changes=changes, at=moment)
    if consent_note:
        change_record(
            locked, user=user, action="consent", changes={"consent_method": consent_note}, at=moment
        )
    if (
        nominee_kind == NomineeKind.MINOR
        and locked.consent_at is None
        and locked.confirmed_at is not None
        and (consent_by_email or guardian_changed)
    ):
        _send_consent_request(locked, language)
    return locked


# --- The formal check (staff) ----------------------------------------------------------


def _locked(nomination: Nomination) -> Nomination:
    return (
        Nomination.objects.select_for_update()
        .select_related("edition__competition", "category")
        .get(pk=nomination.pk)
    )


def _require_counting(nomination: Nomination) -> None:
    if not nomination.counts:
        raise ValidationError(
            _(
                "This nomination does not count yet: it has not been confirmed, or a "
                "young person's parent or guardian has not consented."
            ),
            code="not_counting",
        )


@transaction.atomic
def nomination_accept(*, nomination: Nomination, user: User) -> Nomination:
    """Staff accept a nomination that counts; the nominator is e-mailed."""
    locked = _locked(nomination)
    _require_counting(locked)
    if locked.status == Nomination.Status.ACCEPTED:
        return locked
    before = snapshot(locked, ["status", "rejection_reason"])
    moment = timezone.now()
    locked.status = Nomination.Status.ACCEPTED
    locked.rejection_reason = ""
    locked.checked_at, locked.checked_by = moment, user
    locked.save(
        update_fields=["status", "rejection_reason", "checked_at", "checked_by", "updated_at"]
    )
    change_record(
        locked,
        user=user,
        action="approved",
        changes=changes_between(before, locked, ["status", "rejection_reason"]),
        at=moment,
    )
    send_email_on_commit(
        "awards_nomination_accepted",
        {**_mail_context(locked), "edit_url": nomination_edit_url(locked)},
        [locked.nominator_email],
        language=settings.LANGUAGE_CODE,
    )
    return locked


@transaction.atomic
def nomination_reject(*, nomination: Nomination, user: User, reason: str) -> Nomination:
    """Staff reject a nomination that counts, with the reason e-mailed to the
    nominator. An accepted nomination the jury has scored, or that is awarded, is
    not rejected."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for the rejection.")]})
    locked = _locked(nomination)
    _require_counting(locked)
    if locked.status == Nomination.Status.ACCEPTED and (
        locked.award or Score.objects.filter(nomination=locked).exists()
    ):
        raise ValidationError(
            _(
                "This nomination has been scored by the jury or awarded: it can no longer "
                "be rejected."
            ),
            code="scored",
        )
    before = snapshot(locked, ["status", "rejection_reason"])
    moment = timezone.now()
    locked.status = Nomination.Status.REJECTED
    locked.rejection_reason = reason
    locked.checked_at, locked.checked_by = moment, user
    locked.save(
        update_fields=["status", "rejection_reason", "checked_at", "checked_by", "updated_at"]
    )
    change_record(
        locked,
        user=user,
        action="rejected",
        changes=changes_between(before, locked, ["status", "rejection_reason"]),
        note=reason,
        at=moment,
    )
    send_email_on_commit(
        "awards_nomination_rejected",
        {**_mail_context(locked), "reason": reason, "edit_url": nomination_edit_url(locked)},
        [locked.nominator_email],
        language=settings.LANGUAGE_CODE,
    )
    return locked


@transaction.atomic
def nomination_consent_upload(
    *, nomination: Nomination, file: File[Any] | UploadedFile, user: User
) -> Nomination:
    """Staff (any time) or the nominator (until the close) upload the consent form
    signed by a young person's parent or guardian: the nomination counts from then
    (once confirmed)."""
    errors: dict[str, list[str]] = {}
    _clean_consent_file(file, errors)
    if errors:
        raise ValidationError(errors)
    is_staff = user.is_authenticated and user.has_perm("awards.change_nomination")
    if not is_staff:
        if not nomination_is_nominators(nomination, user):
            raise ValidationError(
                _("Only the nominator or the centre's staff can upload the consent."),
                code="forbidden",
            )
        _edition, moment = _require_open(nomination.edition, None)
    else:
        moment = timezone.now()
    locked = _locked(nomination)
    if not locked.is_minor:
        raise ValidationError(
            {"consent_file": [_("Only a young person's nomination needs a guardian's consent.")]}
        )
    locked.consent_file.save((file.name or "zgoda").rsplit("/", 1)[-1], file, save=False)
    locked.consent_method = Nomination.ConsentMethod.UPLOAD
    locked.consent_at = moment
    locked.save(update_fields=["consent_file", "consent_method", "consent_at", "updated_at"])
    change_record(
        locked,
        user=user,
        action="consent",
        changes={"consent_method": Nomination.ConsentMethod.UPLOAD.value},
        at=moment,
    )
    return locked
