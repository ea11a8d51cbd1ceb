"""Writes to the pages staff add (`CustomPage`): the one way to save or delete one,
used by the admin and the commands alike.

A staff page lives at `/<slug>/` (and `/en/<slug>/`), an address no page of the
portal may lose to it: `address_problem` refuses a slug whose address any other
view answers, in any language, or that begins the addresses of another part of the
portal (the account's pages under "konto/", the admin, the static and media files,
a language's prefix). Its URL pattern is the last one of the URL configuration, so a
page an app adds later wins over a staff page saved before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import LocalePrefixPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils import translation
from django.utils.translation import gettext as _

from cwop_portal.history import change_record, changes_between, snapshot
from cwop_portal.models import CustomPage, User

CUSTOM_PAGE_VIEW = "custom_page"

# What a person edits, recorded in the history.
FIELDS = (
    "title_pl",
    "title_en",
    "slug",
    "lead_pl",
    "lead_en",
    "body_pl",
    "body_en",
    "placement",
    "position",
    "is_published",
    "is_demo",
)

# A slug: lowercase ASCII letters and digits in groups joined by single hyphens.
SLUG_FORMAT = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

# The literal start of a regular expression's pattern ("^media/(?P<path>…" → "media/").
_REGEX_LITERAL = re.compile(r"(?:[^\\.^$*+?{}\[\]|()]|\\[^A-Za-z0-9])*")


def _literal_start(pattern: Any) -> str:
    """The fixed text a URL pattern starts with, up to its first variable part."""
    text = str(pattern)
    if text.startswith("^"):  # a regular expression
        literal = _REGEX_LITERAL.match(text[1:])
        return re.sub(r"\\(.)", r"\1", literal.group(0)) if literal else ""
    return text.split("<", 1)[0]


def _first_segments(patterns: Iterable[Any], prefix: str = "") -> Iterator[str]:
    """The first path segment of every address the patterns serve, as far as it is
    fixed text (a pattern starting with a variable part gives none)."""
    for entry in patterns:
        if isinstance(entry.pattern, LocalePrefixPattern):
            # The languages' prefixes are taken as such; the addresses under them are
            # the same in every language but for the prefix.
            yield from _first_segments(entry.url_patterns, prefix)
            continue
        start = prefix + _literal_start(entry.pattern)
        if "/" in start:
            yield start.split("/", 1)[0]
        elif isinstance(entry, URLResolver):
            yield from _first_segments(entry.url_patterns, start)
        elif start and start == prefix + str(entry.pattern):  # a whole address: "healthz"
            yield start


def taken_first_segments() -> set[str]:
    """Every address segment the portal's own pages begin with, in every language,
    with the static and media folders and the languages' prefixes."""
    taken = {code for code, _name in settings.LANGUAGES}
    for url in (settings.STATIC_URL, settings.MEDIA_URL):
        taken.add(str(url).strip("/").split("/", 1)[0])
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            taken.update(_first_segments(get_resolver().url_patterns))
    taken.discard("")
    return taken


def _answered_by_another_view(slug: str) -> bool:
    """Whether `/<slug>/` (or `/<slug>`) in some language is another view's page."""
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            prefix = LocalePrefixPattern(prefix_default_language=False).language_prefix
            for path in (f"/{prefix}{slug}/", f"/{prefix}{slug}"):
                try:
                    match = resolve(path)
                except Resolver404:
                    continue
                if match.view_name != CUSTOM_PAGE_VIEW:
                    return True
    return False


def address_problem(slug: str) -> str | None:
    """Why a staff page cannot have the address `slug` (None: it can)."""
    if not SLUG_FORMAT.fullmatch(slug or ""):
        return _(
            "Use only lowercase letters without Polish characters, digits and single "
            "hyphens between them, e.g. “nasze-projekty”."
        )
    if slug in taken_first_segments() or _answered_by_another_view(slug):
        return _(
            "The address /%(slug)s/ belongs to another page of the portal; choose another one."
        ) % {"slug": slug}
    return None


def custom_page_validate(page: CustomPage) -> None:
    """Raise a ValidationError, by field, for what cannot be saved: the model's own
    rules (lengths, choices, a slug another staff page has) and the address."""
    errors: dict[str, list[str]] = {}
    try:
        page.full_clean()
    except ValidationError as error:
        errors = {field: list(messages) for field, messages in error.message_dict.items()}
    if "slug" not in errors:
        problem = address_problem(page.slug)
        if problem:
            errors["slug"] = [problem]
    if errors:
        raise ValidationError(errors)


def _check_user(user: User | None) -> None:
    if user is not None and not user.is_staff:
        raise PermissionDenied


@transaction.atomic
def custom_page_save(*, page: CustomPage, user: User | None) -> CustomPage:
    """Add (`page.pk` None) or save a staff page as `user` (None: a command) set
    it: checked (`custom_page_validate`; a slug that takes another page's address is
    an error on "slug"), saved with the row locked against a second editor, and
    recorded in its history ("created" with its values, or "changed" old → new; a
    save that changes nothing records nothing). The menu and the footer show the
    change at once."""
    _check_user(user)
    custom_page_validate(page)
    if page.pk is None:
        before = snapshot(CustomPage(), FIELDS)
        action = "created"
    else:
        stored = CustomPage.objects.select_for_update().filter(pk=page.pk).first()
        if stored is None:
            raise ValidationError(_("The page has been deleted meanwhile."))
        before = snapshot(stored, FIELDS)
        action = "changed"
    page.save()
    changes = changes_between(before, snapshot(page, FIELDS), FIELDS, model=CustomPage)
    if changes or action == "created":
        change_record(page, user=user, action=action, changes=changes)
    return page


@transaction.atomic
def custom_page_delete(*, page: CustomPage, user: User | None) -> None:
    """Delete a staff page (with its history); its links leave the menu and the
    footer at once. A page deleted meanwhile (a second click) is not an error."""
    _check_user(user)
    stored = CustomPage.objects.select_for_update().filter(pk=page.pk).first()
    if stored is not None:
        stored.delete()
