"""Slugs from Polish text, for the addresses of organisations, news and files."""

from django.utils.text import slugify

_POLISH_L = str.maketrans("łŁ", "lL")  # the one Polish letter slugify would drop


def slugify_pl(text, *, max_length=100, fallback=""):
    """An ASCII slug of `text`: "Łódzka Fundacja" -> "lodzka-fundacja"."""
    return slugify(str(text).translate(_POLISH_L))[:max_length].strip("-") or fallback


def unique_slug(text, *, is_taken, max_length=100, fallback="", reserved=()):
    """The slug of `text`, with "-2", "-3"... appended while `is_taken(slug)`;
    `reserved` slugs (paths the site uses) are never given out."""
    base = slugify_pl(text, max_length=max_length, fallback=fallback)
    if base in reserved:
        base = f"{base}-1"
    slug, n = base, 2
    while is_taken(slug):
        slug, n = f"{base}-{n}", n + 1
    return slug
