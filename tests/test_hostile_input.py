"""Hostile input in the address never gives a 5xx.

Anyone can type an address: a far-future week in the rooms' calendar, a NUL byte
(PostgreSQL refuses it in a query), a malformed `next`, a huge page number or a
3,000-character string must get a page, a message or a 4xx — never a 500, which
also e-mails the admins once per request.

Every page of the URL catalogue (tests/catalogue.py) gets hostile values in every
query parameter it reads (PAGE_PARAMETERS, kept honest by a test that records which
keys each view really reads) and in the generic ones every page might read one day
(`page`, `next`, `q`, a date, a start, a week), as a visitor and as a member; the
free-text path segments (tokens, file names, keys) and the numbers in paths get NUL
bytes, huge strings and huge numbers.
"""

import datetime
import itertools
import sys
import traceback
import uuid
from urllib.parse import quote

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import got_request_exception
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property

from tests.catalogue import ANONYMOUS, CATALOGUE, MEMBER, PERSONAS
from tests.factories import PASSWORD

# --- What a parameter holds, and the hostile values of each kind -----------------------
INT, DATE, WEEK, DATETIME, TIME, URL, TEXT, CHOICE, FLAG = (
    "int",
    "date",
    "week",
    "datetime",
    "time",
    "url",
    "text",
    "choice",
    "flag",
)


class Raw(str):
    """A value already percent-encoded (bytes that are not UTF-8 cannot be a str)."""


LONG = "a" * 3000
# Every parameter, whatever it holds, gets these.
ANY_KIND = [
    "\x00",
    LONG,
    Raw("%ff"),
    Raw("%c0%af"),  # an over-long encoding of "/"
    "",
]
HOSTILE = {
    INT: ["99999999999999999999", "-1", "0", "-99999999999999999999", "1e999", "NaN"],
    DATE: ["9999-12-31", "0001-01-01", "0000-00-00", "2026-02-30", "99999-01-01", "-1"],
    WEEK: ["9999-W52", "0001-W01", "0000-W00", "2026-W99", "9999-W53", "10000-W01"],
    DATETIME: [
        "9999-12-31T23:59",
        "0001-01-01T00:00",
        "9999-12-31T23:59:59-23:59",
        "0001-01-01T00:00+23:59",
        "2026-13-01T25:61",
        "9999-12-31",
    ],
    TIME: ["23:59:59.999999", "24:00", "-1:00", "99:99", "00:00+14:00", "9" * 30],
    URL: [
        "http://[",
        "//evil.example",
        "javascript:alert(1)",
        "https://evil.example/",
        "\\\\evil.example",
        "http://[::1]:99999/",
    ],
    TEXT: ["%", "' OR 1=1 --", "<script>alert(1)</script>", "\u202e\ufeff", "*" * 300, " "],
    CHOICE: ["../../etc/passwd", "é", "-", "__all__", "None", "0"],
    FLAG: ["on", "off", "2", "true", "-1", "[]"],
}
# A value of each kind a page accepts, for finding the keys it reads.
VALID = {
    INT: "2",
    DATE: "2026-06-01",
    WEEK: "2026-W23",
    DATETIME: "2026-06-02T10:00",
    TIME: "10:00",
    URL: "/",
    TEXT: "fundusze",
    CHOICE: "x",
    FLAG: "on",
}

# Parameters any page might read one day: every page gets hostile values in them.
GENERIC = {"page": INT, "next": URL, "q": TEXT, "date": DATE, "start": DATETIME, "tydzien": WEEK}

# The query parameters each page reads (beyond GENERIC), by URL name.
# `test_the_list_of_parameters_matches_what_the_pages_read` holds this to the code.
ALLAUTH = {"next": URL}
PAGE_PARAMETERS = {
    "set_language": {"next": URL},
    "account_change_password": ALLAUTH,
    "account_reauthenticate": ALLAUTH,
    "account_login": ALLAUTH,
    "account_signup": {"next": URL, "email": TEXT},
    "account_logout": ALLAUTH,
    "account_inactive": ALLAUTH,
    "account_email_verification_sent": ALLAUTH,
    "account_reset_password": ALLAUTH,
    "account_reset_password_done": ALLAUTH,
    "account_reset_password_from_key": ALLAUTH,
    "account_reset_password_from_key_done": ALLAUTH,
    "account_confirm_email": ALLAUTH,
    "account_confirm_login_code": ALLAUTH,
    # cooperation: public consultations
    "cooperation:public_consultation_list": {
        "q": TEXT,
        "rok": CHOICE,
        "dziedzina": CHOICE,
        "stan": CHOICE,
        "sort": CHOICE,
        "page": INT,
    },
    "cooperation:public_consultation_detail": {"przepis": INT},
    "cooperation:team": {"page": INT},
    "organizations:organization_list": {
        "q": TEXT,
        "district": CHOICE,
        "field": CHOICE,
        "form": CHOICE,
        "group": CHOICE,
        "opp": FLAG,
        "volunteers": FLAG,
        "sort": CHOICE,
        "page": INT,
    },
    "organizations:organization_create": {"krs_lookup": TEXT},
    "organizations:news_list": {"kategoria": CHOICE, "organizacja": CHOICE, "page": INT},
    "organizations:organization_news": {"page": INT},
    "rooms:resource_list": {
        "kind": CHOICE,
        "capacity": INT,
        "equipment": CHOICE,
        "date": DATE,
        "time_from": TIME,
        "time_to": TIME,
    },
    "rooms:resource_detail": {"tydzien": WEEK},
    "rooms:booking_create": {"start": DATETIME},
    "consultations:consultation_list": {"temat": CHOICE, "doradca": CHOICE},
    "consultations:advisor_detail": {"temat": CHOICE},
    "consultations:appointment_book": {"start": DATETIME, "temat": CHOICE},
    "consultations:training_list": {"page": INT},
    "library:book_list": {
        "q": TEXT,
        "subject": CHOICE,
        "language": CHOICE,
        "available": FLAG,
        "sort": CHOICE,
        "page": INT,
    },
}


def parameters_of(entry):
    return {**GENERIC, **PAGE_PARAMETERS.get(entry.name, {})}


def encoded(value):
    return value if isinstance(value, Raw) else quote(value, safe="")


def query(pairs):
    return "&".join(f"{quote(key)}={encoded(value)}" for key, value in pairs)


def hostile_queries(entry, *, reaches_the_page):
    """Query strings for one page: every parameter set at once to each value any
    parameter may get, then each repeated, then all set to the hostile values of their
    kinds (cycled: one request per value); for a persona the page lets in, also each
    parameter the page reads alone with the values of its kind (a page may use one
    only when the others are absent)."""
    parameters = parameters_of(entry)
    for value in ANY_KIND:
        yield query((key, value) for key in parameters)
    yield query(
        pair
        for key, kind in parameters.items()
        for pair in ((key, HOSTILE[kind][0]), (key, "\x00"), (key, LONG))
    )
    rounds = max(len(values) for values in HOSTILE.values())
    for index in range(rounds):
        yield query(
            (key, HOSTILE[kind][index % len(HOSTILE[kind])]) for key, kind in parameters.items()
        )
    if reaches_the_page:
        for key, kind in PAGE_PARAMETERS.get(entry.name, {}).items():
            for value in HOSTILE[kind]:
                yield query([(key, value)])


# --- Who visits -----------------------------------------------------------------------
def visitors(entry):
    """A visitor and a member; a page neither may open (an advisor's own schedule)
    also by the first persona who may."""
    reaching = [p for p in PERSONAS if entry.statuses[p] == 200]
    chosen = [ANONYMOUS, MEMBER]
    if reaching and not set(reaching) & set(chosen):
        chosen.append(reaching[0])
    return chosen


def reaches_the_page(entry, persona):
    """Whether the page's own code runs for `persona` (not turned away with a 403,
    404 or 405, nor sent to log in while members are let in)."""
    status = entry.statuses[persona]
    if status in {403, 404, 405}:
        return False
    return not (persona == ANONYMOUS and status == 302 and entry.statuses[MEMBER] != 302)


def log_in(client, world, persona):
    client.logout()
    if persona != ANONYMOUS:
        client.force_login(world.personas[persona])


def url_of(entry, world, language="pl", **override):
    kwargs = {**(entry.kwargs(world) if entry.kwargs else {}), **override}
    with translation.override(language):
        return reverse(entry.name, kwargs=kwargs)


class ServerErrors:
    """Requests that answered with a 5xx, each with the exception behind it."""

    def __init__(self):
        self.found = []
        self._exception = None
        got_request_exception.connect(self._caught)

    def _caught(self, sender, request=None, **kwargs):
        self._exception = "".join(traceback.format_exception_only(*sys.exc_info()[:2])).strip()

    def get(self, client, url, persona, page):
        self._exception = None
        response = client.get(url)
        if response.status_code >= 500:
            self.found.append((page, self._exception, response.status_code, persona, url))
        return response

    def close(self):
        got_request_exception.disconnect(self._caught)

    def report(self):
        """One line per page and exception, with the first address that caused it."""
        kinds = {}
        for page, exception, status, persona, url in self.found:
            kinds.setdefault((page, exception), []).append(f"{status} {persona} GET {url[:200]}")
        lines = [
            f"{page}: {exception} ({len(urls)}×), e.g. {urls[0]}"
            for (page, exception), urls in kinds.items()
        ]
        return f"{len(self.found)} requests answered with a 5xx:\n" + "\n".join(lines)


@pytest.fixture
def server_errors(client):
    client.raise_request_exception = False
    errors = ServerErrors()
    yield errors
    errors.close()


# --- The fuzz tests ---------------------------------------------------------------------
@pytest.mark.django_db
def test_hostile_query_parameters_never_give_a_server_error(client, world, server_errors):
    requests = 0
    for entry in CATALOGUE:
        for persona in visitors(entry):
            log_in(client, world, persona)
            # A member reads the portal in English, a visitor in Polish.
            path = url_of(entry, world, "pl" if persona == ANONYMOUS else "en")
            reaches = reaches_the_page(entry, persona)
            for query_string in hostile_queries(entry, reaches_the_page=reaches):
                server_errors.get(client, f"{path}?{query_string}", persona, entry.name)
                requests += 1
    assert requests > 2000
    assert not server_errors.found, server_errors.report()


def hostile_path_values(value):
    """Values for a path segment: numbers get huge ones, text NUL bytes and huge strings."""
    if isinstance(value, int):
        return [Raw("99999999999999999999"), Raw("9223372036854775808"), Raw("0")]
    if isinstance(value, uuid.UUID):  # a well-formed one that names nothing, or not one
        return [Raw(str(uuid.UUID(int=0))), Raw(str(value).upper()), Raw(str(value)[:-1] + "g")]
    return [
        Raw("%00"),
        Raw(quote(str(value), safe="") + "%00"),
        Raw("a" * 3000),
        Raw("%ff"),
        Raw(quote(str(value), safe="") + "%20"),
    ]


MARKER_INT, MARKER_TEXT = 738291, "zzmarkerzz"
MARKER_UUID = uuid.UUID("73829173-8291-4738-8291-738291738291")


@pytest.mark.django_db
def test_hostile_path_segments_never_give_a_server_error(client, world, server_errors):
    requests = 0
    for entry in CATALOGUE:
        if not entry.kwargs:
            continue
        for key, value in entry.kwargs(world).items():
            if isinstance(value, uuid.UUID):
                marker = MARKER_UUID
            else:
                marker = MARKER_INT if isinstance(value, int) else MARKER_TEXT
            path = url_of(entry, world, **{key: marker})
            for hostile in hostile_path_values(value):
                url = path.replace(str(marker), encoded(hostile), 1)
                for persona in visitors(entry):
                    log_in(client, world, persona)
                    server_errors.get(client, url, persona, entry.name)
                    requests += 1
    # The private calendar feed's token: the address of defect 3 of issue #12.
    server_errors.get(client, "/kalendarz/%00.ics", ANONYMOUS, "rooms_feed")
    assert requests > 100
    assert not server_errors.found, server_errors.report()


# --- The list of parameters is the code's ------------------------------------------------
_read = set()


class RecordingQueryDict(QueryDict):
    """request.GET that notes which keys a view asks for (not those it copies whole)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._recording = True

    def _note(self, key):
        if getattr(self, "_recording", False):
            _read.add(key)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)

    def getlist(self, key, default=None):
        self._note(key)
        return super().getlist(key, default)


@pytest.fixture
def recorded_reads(monkeypatch):
    def get(request):
        return RecordingQueryDict(
            request.environ.get("QUERY_STRING", ""), encoding=request._encoding
        )

    recording = cached_property(get)
    recording.__set_name__(WSGIRequest, "GET")
    monkeypatch.setattr(WSGIRequest, "GET", recording)
    _read.clear()
    yield _read
    _read.clear()


def sample_query(parameters):
    pairs = [(key, VALID[kind]) for key, kind in parameters.items()]
    return query([*pairs, ("unknown", "1")])


@pytest.mark.django_db
def test_the_list_of_parameters_matches_what_the_pages_read(client, world, recorded_reads):
    """A page that starts reading a new parameter must be listed in PAGE_PARAMETERS
    (so the fuzz test gives it hostile values); a listed one it no longer reads goes."""
    unlisted, unread = {}, {}
    for entry in CATALOGUE:
        listed = PAGE_PARAMETERS.get(entry.name, {})
        read = set()
        reaching = [p for p in PERSONAS if entry.statuses[p] == 200] or [ANONYMOUS]
        for persona in dict.fromkeys([reaching[0], MEMBER]):
            log_in(client, world, persona)
            path = url_of(entry, world)
            for query_string in ("", sample_query(listed), sample_query(parameters_of(entry))):
                recorded_reads.clear()
                client.get(f"{path}?{query_string}" if query_string else path)
                read |= recorded_reads
        read.discard("unknown")
        if read - set(listed):
            unlisted[entry.name] = sorted(read - set(listed))
        if set(listed) - read:
            unread[entry.name] = sorted(set(listed) - read)
    assert not unlisted, f"pages read parameters missing from PAGE_PARAMETERS: {unlisted}"
    assert not unread, f"PAGE_PARAMETERS lists parameters the pages do not read: {unread}"


def test_the_listed_pages_exist_in_the_catalogue():
    assert set(PAGE_PARAMETERS) <= {entry.name for entry in CATALOGUE}


def test_each_kind_has_far_dates_nul_bytes_and_huge_numbers():
    """The values the issue names are among those sent (a guard against trimming them)."""
    assert {"9999-12-31", "0001-01-01"} <= set(HOSTILE[DATE])
    assert {"9999-W52", "0000-W00", "2026-W99"} <= set(HOSTILE[WEEK])
    assert "9999-12-31T23:59" in HOSTILE[DATETIME]
    assert {"http://[", "//evil.example"} <= set(HOSTILE[URL])
    assert {"99999999999999999999", "-1"} <= set(HOSTILE[INT])
    assert "\x00" in ANY_KIND and LONG in ANY_KIND and "%ff" in ANY_KIND
    assert len(list(itertools.chain(*HOSTILE.values()))) >= 50


# --- Defect 3 of issue #12, as a visitor notices it ----------------------------------------
def en(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.mark.django_db
def test_a_week_far_in_the_future_shows_the_last_week_the_calendar_shows(client, world):
    response = client.get(
        en("rooms:resource_detail", slug=world.resource.slug), {"tydzien": "9999-W52"}
    )
    assert response.status_code == 200
    assert response.context["monday"] == datetime.date(2100, 12, 27)
    page = response.content.decode()
    assert "The week in the address (tydzien) is outside the years the calendar shows" in page
    assert "(2000–2100)" in page
    # No link beyond the last week; the way back is there.
    assert "Next week" not in page
    assert "?tydzien=2100-W51" in page


@pytest.mark.django_db
@pytest.mark.parametrize("week", ["0001-W01", "1999-W52"])
def test_a_week_far_in_the_past_shows_the_first_week_the_calendar_shows(client, world, week):
    response = client.get(en("rooms:resource_detail", slug=world.resource.slug), {"tydzien": week})
    assert response.status_code == 200
    assert response.context["monday"] == datetime.date(2000, 1, 3)
    page = response.content.decode()
    assert "outside the years the calendar shows" in page
    assert "Previous week" not in page
    assert "?tydzien=2000-W02" in page


@pytest.mark.django_db
def test_a_week_inside_the_years_shown_has_no_message_and_both_links(client, world):
    response = client.get(
        en("rooms:resource_detail", slug=world.resource.slug), {"tydzien": "2100-W51"}
    )
    page = response.content.decode()
    assert response.context["monday"] == datetime.date(2100, 12, 20)
    assert "outside the years" not in page and "not understood" not in page
    assert "?tydzien=2100-W50" in page and "?tydzien=2100-W52" in page


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_the_rooms_filter_says_a_date_outside_the_years_shown_cannot_be_used(client, world, day):
    response = client.get(en("rooms:resource_list"), {"date": day})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Some filters could not be used" in page
    assert "Choose a date in the years 2000–2100." in page
    assert world.resource in response.context["resources"]  # the other filters still apply


@pytest.mark.django_db
@pytest.mark.parametrize(
    "start", ["9999-12-31T23:59", "0001-01-01T00:00", "9999-12-31T23:59:59-23:59", "jutro"]
)
def test_the_booking_form_says_a_start_it_cannot_use_and_leaves_the_time_empty(
    client, world, start
):
    client.force_login(world.personas[MEMBER])
    response = client.get(en("rooms:booking_create", slug=world.resource.slug), {"start": start})
    assert response.status_code == 200
    assert messages_of(response) == [
        "The start time in the address (start) could not be used; "
        "choose the date and time in the form."
    ]
    form = response.context["form"]
    assert "date" not in form.initial and "start_time" not in form.initial


@pytest.mark.django_db
def test_the_booking_form_takes_the_start_from_the_calendar_in_local_time(client, world):
    client.force_login(world.personas[MEMBER])
    response = client.get(
        en("rooms:booking_create", slug=world.resource.slug), {"start": "2030-06-04T08:00+00:00"}
    )
    form = response.context["form"]
    # 08:00 UTC is 10:00 in Białystok in summer.
    assert form.initial["date"] == datetime.date(2030, 6, 4)
    assert form.initial["start_time"] == datetime.time(10, 0)
    assert messages_of(response) == []


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["%00", "x%00y", "a" * 3000, "%ff"])
def test_a_private_calendar_address_with_a_nul_byte_or_a_huge_token_is_not_found(
    client, world, token
):
    assert client.get(f"/kalendarz/{token}.ics").status_code == 404
    assert client.get(world.calendar_feed.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_the_language_switch_ignores_a_next_address_it_cannot_parse(client):
    response = client.get("/i18n/setlang/?next=http://%5B")
    assert (response.status_code, response["Location"]) == (302, "/")
    response = client.get("/i18n/setlang/", HTTP_REFERER="http://[")
    assert (response.status_code, response["Location"]) == (302, "/")
    response = client.post("/i18n/setlang/?next=http://%5B", {"language": "en", "next": "http://["})
    assert (response.status_code, response["Location"]) == (302, "/en/")
    assert client.cookies["django_language"].value == "en"


@pytest.mark.django_db
def test_the_language_switch_still_returns_to_the_page_in_the_new_language(client, world):
    url = en("rooms:resource_detail", slug=world.resource.slug)
    response = client.post("/i18n/setlang/", {"language": "pl", "next": url})
    assert response["Location"] == f"/sale/{world.resource.slug}/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "persona", "status"),
    [
        ("account_login", ANONYMOUS, 200),
        ("account_signup", ANONYMOUS, 200),
        ("account_reset_password", ANONYMOUS, 200),
        ("account_logout", MEMBER, 200),
        ("account_login", MEMBER, 302),
    ],
)
@pytest.mark.parametrize("next_url", ["http://[", "//evil.example", "http://[::1]:99999/"])
def test_account_pages_ignore_a_next_address_that_is_malformed_or_elsewhere(
    client, world, name, persona, status, next_url
):
    log_in(client, world, persona)
    response = client.get(en(name), {"next": next_url})
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == en("account_profile")


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path("account_login", "account_logout")
def test_logging_in_and_out_with_a_malformed_next_goes_to_the_usual_pages(client, ngo_member):
    response = client.post(
        en("account_login") + "?next=http://%5B",
        {"login": ngo_member.email, "password": PASSWORD, "next": "http://["},
    )
    assert (response.status_code, response["Location"]) == (302, en("account_profile"))
    assert client.session["_auth_user_id"] == str(ngo_member.pk)
    ngo_member.refresh_from_db()
    assert ngo_member.last_login is not None
    response = client.post(en("account_logout"), {"next": "http://["})
    assert (response.status_code, response["Location"]) == (302, en("home"))
    assert "_auth_user_id" not in client.session
