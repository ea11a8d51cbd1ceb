from django.urls import URLPattern, URLResolver, get_resolver

from tests.catalogue import CATALOGUE


def url_names(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's admin is checked by its own tests
            yield from url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_catalogue_covers_every_url():
    configured = set(url_names(get_resolver().url_patterns))
    catalogued = {e.name for e in CATALOGUE}
    assert configured - catalogued == set(), "add the new pages to tests/catalogue.py"
    assert catalogued - configured == set(), "remove pages that no longer exist"


def test_every_page_in_the_catalogue_is_listed_once():
    names = [e.name for e in CATALOGUE]
    assert len(names) == len(set(names))
