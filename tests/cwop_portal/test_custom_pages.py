"""Pages staff add (issue 14): bilingual Markdown pages at their own addresses, linked
from the menu or the footer, with a history, at addresses that never shadow a page of
the portal (not even one an app adds later)."""

import re

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import LocalePrefixPattern, URLResolver, path, reverse
from django.utils import translation

from cwop_portal import page_services
from cwop_portal import urls as portal_urls
from cwop_portal.context_processors import site
from cwop_portal.models import CustomPage, CustomPageChange
from tests.forms import page_errors, post_form

ADD_URL = "/admin/cwop_portal/custompage/add/"


def make_page(**values):
    defaults = {
        "title_pl": "Strona",
        "slug": "strona",
        "body_pl": "Treść strony.",
        "is_published": True,
    }
    return CustomPage.objects.create(**{**defaults, **values})


def h1(html):
    (found,) = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    return found.strip()


def main_menu(html):
    return html[html.index('id="main-nav"') : html.index("</nav>")]


def footer(html):
    return html[html.index("<footer") :]


# --- The page itself ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_published_page_is_at_its_address_in_both_languages(client, world):
    page = world.custom_page

    polish = client.get("/nasze-projekty/")
    english = client.get("/en/nasze-projekty/")

    assert polish.status_code == english.status_code == 200
    assert h1(polish.content.decode()) == "Nasze projekty"
    assert "<strong>projekty</strong>" in polish.content.decode()
    assert h1(english.content.decode()) == "Our projects"
    assert "<strong>projects</strong>" in english.content.decode()
    with translation.override("en"):
        assert page.get_absolute_url() == "/en/nasze-projekty/"


@pytest.mark.django_db
def test_an_untranslated_page_shows_its_polish_text_marked_as_polish(client):
    make_page(title_pl="Wolontariat", slug="wolontariat", body_pl="Zapraszamy wolontariuszy.")

    html = client.get("/en/wolontariat/").content.decode()

    assert '<html lang="en">' in html
    assert '<h1 lang="pl">Wolontariat</h1>' in html
    assert '<div class="prose" lang="pl"><p>Zapraszamy wolontariuszy.</p></div>' in html
    polish = client.get("/wolontariat/").content.decode()
    assert "<h1>Wolontariat</h1>" in polish


@pytest.mark.django_db
def test_an_unpublished_page_is_not_found_but_staff_preview_it(client, world):
    make_page(slug="szkic", title_pl="Szkic strony", is_published=False)

    assert client.get("/szkic/").status_code == 404
    client.force_login(world.personas["ngo_member"])
    assert client.get("/szkic/").status_code == 404
    client.force_login(world.personas["staff"])
    response = client.get("/en/szkic/")
    assert response.status_code == 200
    assert "This page is not published" in response.content.decode()
    assert client.get("/nie-ma-takiej/").status_code == 404


@pytest.mark.django_db
def test_a_script_in_the_markdown_is_not_run(client):
    make_page(
        slug="zlosliwa",
        body_pl=(
            "Tekst <script>alert(1)</script>\n\n"
            '<img src=x onerror="alert(2)">\n\n'
            "[kliknij](javascript:alert(3)) i [Centrum](https://bialystok.pl)"
        ),
    )

    html = client.get("/zlosliwa/").content.decode()
    prose = html[html.index('class="prose"') : html.index("</article>")]

    assert "<script" not in prose
    assert "onerror" not in prose
    assert "<img" not in prose
    assert "javascript:" not in prose
    assert '<a href="https://bialystok.pl" rel="noopener noreferrer">Centrum</a>' in prose


@pytest.mark.django_db
def test_the_language_switch_keeps_the_reader_on_the_page(client, world):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/nasze-projekty/"})
    assert response["Location"] == "/en/nasze-projekty/"
    response = client.post("/i18n/setlang/", {"language": "pl", "next": "/en/nasze-projekty/"})
    assert response["Location"] == "/nasze-projekty/"


# --- Menu and footer ---------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_are_linked_from_the_menu_and_the_footer_in_the_active_language(client, world):
    make_page(
        title_pl="Projekty", title_en="Projects", slug="projekty", placement="menu", position=2
    )
    make_page(title_pl="Granty", title_en="Grants", slug="granty", placement="menu", position=1)
    make_page(title_pl="Szkic w menu", slug="szkic", placement="menu", is_published=False)
    make_page(title_pl="Bez linku", slug="bez-linku", placement="none")

    polish = client.get("/").content.decode()
    english = client.get("/en/").content.decode()

    menu = main_menu(polish)
    assert menu.index(">Dokumenty<") < menu.index(">Granty<") < menu.index(">Projekty<")
    assert 'href="/granty/"' in menu
    assert "Szkic w menu" not in polish
    assert "Bez linku" not in polish
    assert '<a href="/nasze-projekty/">Nasze projekty</a>' in footer(polish)
    assert "Nasze projekty" not in menu

    menu = main_menu(english)
    assert menu.index(">Documents<") < menu.index(">Grants<") < menu.index(">Projects<")
    assert 'href="/en/projekty/"' in menu
    assert '<a href="/en/nasze-projekty/">Our projects</a>' in footer(english)


@pytest.mark.django_db
def test_the_menu_marks_the_current_page_and_an_untranslated_title(client):
    make_page(title_pl="Wolontariat", slug="wolontariat", placement="menu")

    html = client.get("/en/wolontariat/").content.decode()

    assert (
        '<a class="nav-link" href="/en/wolontariat/" aria-current="page" lang="pl">'
        "Wolontariat</a>" in main_menu(html)
    )


@pytest.mark.django_db
def test_the_menu_and_footer_change_as_soon_as_a_page_is_saved_or_deleted(client, world):
    staff = world.personas["staff"]
    assert "Nasze projekty" in footer(client.get("/").content.decode())  # now cached

    page = world.custom_page
    page.title_pl, page.placement = "Projekty Centrum", "menu"
    page_services.custom_page_save(page=page, user=staff)
    html = client.get("/").content.decode()
    assert "Projekty Centrum" in main_menu(html)
    assert "Nasze projekty" not in html

    page_services.custom_page_delete(page=page, user=staff)
    assert "Projekty Centrum" not in client.get("/").content.decode()


# --- Addresses that never shadow a page of the portal -------------------------------------

TAKEN = [
    "organizacje",
    "konto",
    "admin",
    "sale",
    "konsultacje-spoleczne",
    "wspolpraca",
    "en",
    "pl",
    "static",
    "media",
    "healthz",
    "kalendarz",
    "i18n",
    "o-centrum",
    "aktualnosci",
    "dokumenty",
    "biblioteka",
]


@pytest.mark.django_db
@pytest.mark.parametrize("slug", TAKEN)
def test_a_slug_another_page_uses_is_refused_on_the_slug_field(world, slug):
    page = CustomPage(title_pl="Podszywka", slug=slug, body_pl="Treść")

    with pytest.raises(ValidationError) as error:
        page_services.custom_page_save(page=page, user=world.personas["staff"])

    assert list(error.value.message_dict) == ["slug"]
    assert not CustomPage.objects.filter(slug=slug).exists()


@pytest.mark.django_db
def test_a_slug_another_staff_page_has_is_refused(world):
    page = CustomPage(title_pl="Druga", slug=world.custom_page.slug, body_pl="Treść")

    with pytest.raises(ValidationError) as error:
        page_services.custom_page_save(page=page, user=world.personas["staff"])

    assert list(error.value.message_dict) == ["slug"]
    assert CustomPage.objects.filter(slug=world.custom_page.slug).count() == 1


def later_app_page(request):
    return HttpResponse("the page of a later app")


def _with_a_later_app():
    """The portal's URL configuration after an app added "nasze-projekty/" to its own
    URLs (which come before the staff pages' pattern)."""
    patterns = []
    for entry in portal_urls.urlpatterns:
        if isinstance(entry, URLResolver) and isinstance(entry.pattern, LocalePrefixPattern):
            *apps, staff_pages = entry.url_patterns
            later = path("nasze-projekty/", later_app_page, name="later_app_page")
            entry = URLResolver(entry.pattern, [*apps, later, staff_pages])
        patterns.append(entry)
    return patterns


urlpatterns = _with_a_later_app()


def test_the_staff_pages_pattern_is_the_last_of_the_portals_pages():
    (i18n,) = [
        entry
        for entry in portal_urls.urlpatterns
        if isinstance(entry, URLResolver) and isinstance(entry.pattern, LocalePrefixPattern)
    ]
    assert i18n.url_patterns[-1].name == "custom_page"


@pytest.mark.django_db
def test_a_page_an_app_adds_later_wins_over_a_staff_page_saved_before(client, world, settings):
    assert client.get("/nasze-projekty/").status_code == 200  # the staff page

    settings.ROOT_URLCONF = __name__  # the app now has a page at that address

    for url in ("/nasze-projekty/", "/en/nasze-projekty/"):
        response = client.get(url)
        assert response.content == b"the page of a later app"
    # Nor can a staff page take the address now.
    page = world.custom_page
    page.title_pl = "Nasze projekty (2027)"
    with pytest.raises(ValidationError) as error:
        page_services.custom_page_save(page=page, user=world.personas["staff"])
    assert list(error.value.message_dict) == ["slug"]


HOSTILE_SLUGS = [
    "..",
    "admin",
    "a" * 300,
    "zażółć-gęślą",
    "ünïcödé",
    "O Nas",
    "o--nas",
    "-o-nas",
    "o/nas",
    "%2e%2e",
    "\x00",
    "",
]


@pytest.mark.django_db
@pytest.mark.parametrize("slug", HOSTILE_SLUGS)
def test_a_hostile_slug_in_the_admin_is_a_field_error(staff_client, slug):
    form = post_form(staff_client.get(ADD_URL), form_id="custompage_form")
    data = form.data(title_pl="Strona", slug=slug, body_pl="Treść", _save="Zapisz")

    response = staff_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors
    assert list(response.context["adminform"].form.errors) == ["slug"]
    assert not CustomPage.objects.filter(title_pl="Strona").exists()


@pytest.mark.django_db
def test_the_admin_takes_a_slug_in_capitals_as_lowercase(staff_client):
    form = post_form(staff_client.get(ADD_URL), form_id="custompage_form")
    data = form.data(title_pl="Granty", slug="Granty-2027", body_pl="Treść", _save="Zapisz")

    response = staff_client.post(ADD_URL, data)

    assert response.status_code == 302, page_errors(response)
    assert CustomPage.objects.get(title_pl="Granty").slug == "granty-2027"


# --- The rules in the database and the service --------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "values", [{"slug": ""}, {"title_pl": ""}, {"placement": "sidebar"}], ids=str
)
def test_the_database_refuses_a_page_without_address_title_or_a_valid_link(values):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_page(**values)


@pytest.mark.django_db
def test_only_staff_save_or_delete_pages(world):
    page = CustomPage(title_pl="Strona", slug="strona-czlonka", body_pl="Treść")
    member = world.personas["ngo_member"]
    with pytest.raises(PermissionDenied):
        page_services.custom_page_save(page=page, user=member)
    with pytest.raises(PermissionDenied):
        page_services.custom_page_delete(page=world.custom_page, user=member)
    assert not CustomPage.objects.filter(slug="strona-czlonka").exists()
    assert CustomPage.objects.filter(pk=world.custom_page.pk).exists()


@pytest.mark.django_db
def test_saving_a_page_deleted_meanwhile_is_refused_and_stores_nothing(world):
    page = CustomPage.objects.get(pk=world.custom_page.pk)
    CustomPage.objects.filter(pk=page.pk).delete()
    page.title_pl = "Zmieniony tytuł"

    with pytest.raises(ValidationError):
        page_services.custom_page_save(page=page, user=world.personas["staff"])

    assert not CustomPage.objects.exists()


@pytest.mark.django_db
def test_the_history_records_creation_and_each_change_old_to_new(world):
    staff = world.personas["staff"]
    page = CustomPage(title_pl="Granty", slug="granty", body_pl="Treść", placement="footer")
    page_services.custom_page_save(page=page, user=staff)
    page.is_published = True
    page.title_en = "Grants"
    page_services.custom_page_save(page=page, user=staff)
    page_services.custom_page_save(page=page, user=staff)  # nothing changed

    changed, created = page.changes.all()
    assert (created.action, created.user) == ("created", staff)
    assert created.changes["title_pl"] == ["", "Granty"]
    assert created.changes["placement"] == ["none", "footer"]
    assert (changed.action, changed.changes) == (
        "changed",
        {"title_en": ["", "Grants"], "is_published": [False, True]},
    )


# --- The admin, as production runs it ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path(
    "admin:cwop_portal_custompage_add",
    "admin:cwop_portal_custompage_change",
    "admin:cwop_portal_custompage_delete",
    "admin:cwop_portal_custompage_changelist:delete_selected",
)
def test_staff_add_edit_unpublish_and_delete_a_page_in_the_admin(client, world):
    staff = world.personas["staff"]
    client.force_login(staff)

    # Add: published, in the menu.
    form = post_form(client.get(ADD_URL), form_id="custompage_form")
    data = form.data(
        title_pl="Granty dla organizacji",
        title_en="Grants for NGOs",
        slug="granty",
        body_pl="## Granty\n\nLista **grantów**.",
        placement="menu",
        is_published="on",
        _save="Zapisz",
    )
    response = client.post(ADD_URL, data)
    assert response.status_code == 302, page_errors(response)
    page = CustomPage.objects.get(slug="granty")
    assert (page.title_en, page.placement, page.is_published) == ("Grants for NGOs", "menu", True)
    assert list(page.changes.values_list("action", "user")) == [("created", staff.pk)]
    assert "Granty dla organizacji" in main_menu(client.get("/").content.decode())
    assert client.get("/granty/").status_code == 200

    # Edit: the page as rendered, unpublished and retitled.
    url = reverse("admin:cwop_portal_custompage_change", args=[page.pk])
    change_page = client.get(url)
    assert 'href="/admin/r/' in change_page.content.decode()  # "view on site"
    form = post_form(change_page, form_id="custompage_form")
    data = form.data(title_pl="Granty 2027", is_published=None, _save="Zapisz")
    response = client.post(url, data)
    assert response.status_code == 302, page_errors(response)
    page.refresh_from_db()
    assert (page.title_pl, page.is_published) == ("Granty 2027", False)
    record = page.changes.first()
    assert (record.action, record.user_id) == ("changed", staff.pk)
    assert record.changes == {
        "title_pl": ["Granty dla organizacji", "Granty 2027"],
        "is_published": [True, False],
    }
    client.logout()
    assert client.get("/granty/").status_code == 404
    assert "Granty" not in main_menu(client.get("/").content.decode())
    client.force_login(staff)

    # A clashing address in the change form: an error on the field, nothing saved.
    form = post_form(client.get(url), form_id="custompage_form")
    response = client.post(url, form.data(slug="organizacje", _save="Zapisz"))
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["slug"]
    page.refresh_from_db()
    assert page.slug == "granty"

    # Delete from its page, and another with "delete selected".
    response = client.post(
        reverse("admin:cwop_portal_custompage_delete", args=[page.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not CustomPage.objects.filter(pk=page.pk).exists()
    assert not CustomPageChange.objects.filter(page_id=page.pk).exists()
    other = world.custom_page
    response = client.post(
        reverse("admin:cwop_portal_custompage_changelist"),
        {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not CustomPage.objects.filter(pk=other.pk).exists()
    assert "Nasze projekty" not in footer(client.get("/").content.decode())


@pytest.mark.django_db
def test_the_admin_list_and_change_page_show_the_address_and_the_history(staff_client, world):
    html = staff_client.get("/admin/cwop_portal/custompage/").content.decode()
    assert '<a href="/nasze-projekty/">/nasze-projekty/</a>' in html

    url = reverse("admin:cwop_portal_custompage_change", args=[world.custom_page.pk])
    html = staff_client.get(url).content.decode()
    history = html[html.index('id="changes-group"') :]
    assert "— → Nasze projekty" in history


# --- Query budget --------------------------------------------------------------------------


@pytest.mark.django_db
def test_with_an_empty_cache_the_contact_details_and_links_cost_one_query(
    rf, world, django_assert_num_queries
):
    make_page(title_pl="Żółta łódź", slug="zolta-lodz", placement="menu", position=3)
    make_page(title_pl="Ósemka", title_en="Eight", slug="osemka", placement="menu", position=3)
    cache.clear()
    # Django asks SQLite once per connection whether it has JSON: not the page's query.
    assert connection.features.supports_json_field

    with django_assert_num_queries(1):
        context = site(rf.get("/"))
    with django_assert_num_queries(0):
        again = site(rf.get("/"))

    assert context["site_settings"].city == again["site_settings"].city == "Białystok"
    for links in (context["custom_pages"], again["custom_pages"]):
        assert [link.slug for link in links["menu"]] == ["osemka", "zolta-lodz"]
        assert [link.title for link in links["footer"]] == ["Nasze projekty"]
    with translation.override("en"):
        assert [link.title for link in context["custom_pages"]["menu"]] == ["Eight", "Żółta łódź"]
        assert context["custom_pages"]["menu"][1].language == "pl"


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_pages_cost_the_same_queries_with_many_staff_pages(client, world):
    few = [queries_of(client, url) for url in ("/nasze-projekty/", "/", "/en/nasze-projekty/")]
    CustomPage.objects.bulk_create(
        CustomPage(
            title_pl=f"Strona {n}",
            slug=f"strona-{n}",
            body_pl="Treść",
            placement=["menu", "footer", "none"][n % 3],
            position=n,
            is_published=True,
        )
        for n in range(300)
    )
    CustomPage.navigation_changed()  # bulk_create calls no save()
    many = [queries_of(client, url) for url in ("/nasze-projekty/", "/", "/en/nasze-projekty/")]

    assert many == few
    assert max(many) <= 10
    html = client.get("/").content.decode()
    assert "Strona 297" in main_menu(html)
    assert "Strona 298" in footer(html)


@pytest.mark.django_db
def test_staff_find_their_changes_of_pages_in_download_my_data(client, world):
    client.force_login(world.personas["staff"])

    data = client.get("/konto/moje-dane.json").json()["data"]

    (entry,) = data["account"]["custom_page_history_entries"]
    assert (entry["page"], entry["action"], entry["by_you"]) == (
        world.custom_page.pk,
        "created",
        True,
    )
