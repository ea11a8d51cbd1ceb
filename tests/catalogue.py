"""Every page of the portal, for the checks that must cover all of them.

The permission matrix, the accessibility (axe) and HTML-validity checks and the
escaping check all take their pages from here. `test_catalogue_covers_every_url`
fails when a URL is added to the URL configuration without an entry here, so a
new page cannot be forgotten.

Each entry names a URL, how to build its arguments from the `world` fixture,
the status each persona gets, and what the response is (an HTML page, a file,
or a redirect-only endpoint).
"""

from dataclasses import dataclass, field

ANONYMOUS = "anonymous"
MEMBER = "ngo_member"
OTHER_MEMBER = "other_ngo_member"
ADVISOR = "advisor"
STAFF = "staff"
PERSONAS = [ANONYMOUS, MEMBER, OTHER_MEMBER, ADVISOR, STAFF]
SIGNED_IN = [MEMBER, OTHER_MEMBER, ADVISOR, STAFF]


def org_a(world):
    return {"slug": world.organization.slug}


def resource_a(world):
    return {"slug": world.resource.slug}


def booking_a(world):
    return {"pk": world.booking.pk}


def advisor_a(world):
    return {"slug": world.advisor.slug}


def appointment_token(world):
    from consultations.client_links import make_client_token

    return {"token": make_client_token(world.appointment)}


def training_a(world):
    return {"slug": world.training.slug}


def draft_post(world):
    return {"pk": world.news_post.pk}


def programme_year_a(world):
    return {"year": world.programme_year.year}


def everyone(status):
    return dict.fromkeys(PERSONAS, status)


def signed_in_only(status=200):
    return {ANONYMOUS: 302, **dict.fromkeys(SIGNED_IN, status)}


def anonymous_only(status_signed_in=302):
    return {ANONYMOUS: 200, **dict.fromkeys(SIGNED_IN, status_signed_in)}


@dataclass
class Entry:
    name: str
    statuses: dict
    kind: str = "html"  # "html", "file" or "endpoint"
    kwargs: object = None  # callable(world) -> dict of URL kwargs
    reason: str = ""  # why a page is checked in a particular way
    anonymous_redirect: str = "/konto/login/"  # where a 302 sends anonymous visitors
    tags: set = field(default_factory=set)


# Pages of one organisation's members (staff work in the admin instead).
MEMBERS_ONLY = {ANONYMOUS: 302, MEMBER: 200, OTHER_MEMBER: 404, ADVISOR: 404, STAFF: 404}

# An advisor's own schedule: nobody else's (staff use the admin).
ADVISOR_ONLY = {ANONYMOUS: 302, MEMBER: 404, OTHER_MEMBER: 404, ADVISOR: 200, STAFF: 404}


def consultation_a(world):
    return {"slug": world.public_consultation.slug}


def remark_a(world):
    return {"slug": world.public_consultation.slug, "pk": world.remark.pk}


def advisor_rule(world):
    return {"pk": world.advisor_rule.pk}


def competition_a(world):
    return {"slug": world.competition.slug}


def open_edition_a(world):
    return {"slug": world.competition.slug, "year": world.open_edition.year}


def voting_edition_a(world):
    return {"slug": world.other_competition.slug, "year": world.jury_edition.year}


def nomination_token(nomination_name, purpose):
    def kwargs(world):
        from awards.services.nominations import nomination_token_make

        return {"token": nomination_token_make(getattr(world, nomination_name), purpose)}

    return kwargs


def vote_token_a(world):
    from awards.services.votes import vote_token

    return {"token": vote_token(world.pending_vote)}


def jury_nomination_a(world):
    return {
        "edition_pk": world.jury_edition.pk,
        "public_id": world.accepted_nomination.public_id,
    }


# The nominator's own pages (the member nominated on behalf of the organisation).
NOMINATOR_ONLY = {ANONYMOUS: 302, MEMBER: 200, OTHER_MEMBER: 404, ADVISOR: 404, STAFF: 404}
# A juror's pages: the other organisation's member sits on the world's juries.
JUROR_ONLY = {ANONYMOUS: 302, MEMBER: 404, OTHER_MEMBER: 200, ADVISOR: 404, STAFF: 404}


CATALOGUE = [
    Entry("home", everyone(200)),
    Entry("about", everyone(200)),
    Entry("privacy", everyone(200)),
    Entry("accessibility_statement", everyone(200)),
    Entry("document_list", everyone(200)),
    Entry(
        "document_download",
        everyone(200),
        kind="file",
        kwargs=lambda world: {
            "pk": world.document.pk,
            "filename": world.document.download_name,
        },
    ),
    Entry("healthz", everyone(200), kind="file"),
    Entry("set_language", everyone(302), kind="endpoint", reason="POST target of the switcher"),
    Entry("account_profile", signed_in_only()),
    Entry("account_data_export", signed_in_only(), kind="file"),
    Entry("account_delete", signed_in_only()),
    Entry("account_email", signed_in_only()),
    Entry("account_change_password", signed_in_only()),
    Entry(
        "account_set_password",
        signed_in_only(302),
        kind="endpoint",
        reason="people with a password are sent to the change-password page",
    ),
    Entry("account_reauthenticate", signed_in_only()),
    Entry("account_login", anonymous_only()),
    Entry("account_signup", anonymous_only()),
    Entry(
        "account_logout",
        {ANONYMOUS: 302, **dict.fromkeys(SIGNED_IN, 200)},
        reason="signed-in people confirm logging out with a POST",
        anonymous_redirect="/",
    ),
    Entry("account_inactive", everyone(200)),
    Entry("account_email_verification_sent", everyone(200)),
    Entry("account_reset_password", everyone(200)),
    Entry("account_reset_password_done", everyone(200)),
    Entry(
        "account_reset_password_from_key",
        everyone(200),
        kwargs=lambda world: {"uidb36": "0", "key": "invalid-key"},
        reason="an expired or invalid link shows its explanation page",
    ),
    Entry("account_reset_password_from_key_done", everyone(200)),
    Entry(
        "account_confirm_email",
        everyone(200),
        kwargs=lambda world: {"key": world.email_confirmation_key},
    ),
    # The directory (organizations)
    Entry("organizations:organization_list", everyone(200)),
    Entry("organizations:export_csv", everyone(200), kind="file"),
    Entry("organizations:export_json", everyone(200), kind="file"),
    Entry("organizations:organization_detail", everyone(200), kwargs=org_a),
    Entry("organizations:organization_contact", everyone(200), kwargs=org_a),
    Entry(
        "organizations:membership_request",
        {ANONYMOUS: 302, MEMBER: 302, OTHER_MEMBER: 200, ADVISOR: 200, STAFF: 200},
        kwargs=org_a,
        reason="a member of the organisation is sent back to its profile",
        anonymous_redirect="/konto/login/",
    ),
    Entry("organizations:my_organizations", signed_in_only()),
    Entry("organizations:organization_create", signed_in_only()),
    Entry(
        "organizations:organization_edit",
        {ANONYMOUS: 302, MEMBER: 200, OTHER_MEMBER: 404, ADVISOR: 404, STAFF: 404},
        kwargs=org_a,
        reason="members of the organisation only; staff use the admin",
    ),
    Entry(
        "organizations:membership_list",
        {ANONYMOUS: 302, MEMBER: 200, OTHER_MEMBER: 404, ADVISOR: 404, STAFF: 404},
        kwargs=org_a,
        reason="administrators of the organisation only; staff use the admin",
    ),
    Entry("organizations:news_list", everyone(200)),
    Entry(
        "organizations:news_detail",
        everyone(200),
        kwargs=lambda world: {"slug": world.published_post.slug},
    ),
    Entry(
        "organizations:news_attachment",
        everyone(200),
        kind="file",
        kwargs=lambda world: {
            "slug": world.published_post.slug,
            "pk": world.attachment.pk,
            "filename": world.attachment.download_name,
        },
    ),
    Entry("news_feeds:all", everyone(200), kind="file"),
    Entry(
        "news_feeds:category",
        everyone(200),
        kind="file",
        kwargs=lambda world: {"category": "funding"},
    ),
    Entry(
        "organizations:organization_news",
        MEMBERS_ONLY,
        kwargs=org_a,
        reason="members of the organisation only; staff use the admin",
    ),
    Entry(
        "organizations:news_create",
        MEMBERS_ONLY,
        kwargs=org_a,
        reason="members of the organisation only; staff use the admin",
    ),
    Entry("organizations:news_edit", MEMBERS_ONLY, kwargs=draft_post),
    Entry("organizations:news_delete", MEMBERS_ONLY, kwargs=draft_post),
    Entry(
        "organizations:news_submit",
        signed_in_only(405),
        kind="endpoint",
        kwargs=draft_post,
        reason="POST only",
    ),
    Entry(
        "organizations:organization_messages",
        {ANONYMOUS: 302, MEMBER: 200, OTHER_MEMBER: 404, ADVISOR: 404, STAFF: 404},
        kwargs=org_a,
        reason="administrators of the organisation only",
    ),
    Entry(
        "organizations:organization_submit",
        signed_in_only(405),
        kind="endpoint",
        kwargs=org_a,
        reason="POST only",
    ),
    Entry(
        "organizations:membership_update",
        signed_in_only(405),
        kind="endpoint",
        kwargs=lambda world: {"slug": world.organization.slug, "pk": world.membership.pk},
        reason="POST only",
    ),
    Entry("rooms:resource_list", everyone(200)),
    Entry("rooms:resource_detail", everyone(200), kwargs=resource_a),
    Entry("rooms:resource_ics", everyone(200), kind="file", kwargs=resource_a),
    Entry(
        "rooms:booking_create",
        {ANONYMOUS: 302, MEMBER: 200, OTHER_MEMBER: 200, ADVISOR: 403, STAFF: 403},
        kwargs=resource_a,
        reason="members of a published organisation book; others are told how to become one",
    ),
    Entry("rooms:my_bookings", signed_in_only()),
    Entry("rooms:booking_detail", MEMBERS_ONLY, kwargs=booking_a),
    Entry("rooms:booking_ics", MEMBERS_ONLY, kind="file", kwargs=booking_a),
    Entry(
        "rooms:booking_cancel",
        signed_in_only(405),
        kind="endpoint",
        kwargs=booking_a,
        reason="POST only",
    ),
    Entry(
        "rooms:calendar_feed_manage",
        signed_in_only(405),
        kind="endpoint",
        kwargs=org_a,
        reason="POST only",
    ),
    Entry("rooms:organization_mail", MEMBERS_ONLY, kwargs=org_a),
    Entry(
        "rooms_feed",
        everyone(200),
        kind="file",
        kwargs=lambda world: {"token": world.calendar_feed.token},
        reason="private feed: the secret token is the key",
    ),
    Entry("consultations:consultation_list", everyone(200)),
    Entry("consultations:advisor_detail", everyone(200), kwargs=advisor_a),
    Entry(
        "consultations:appointment_book",
        everyone(200),
        kwargs=advisor_a,
        reason="without ?start= it lists the free times to choose from",
    ),
    Entry(
        "consultations:appointment_confirm",
        everyone(200),
        kwargs=appointment_token,
        reason="personal link from an e-mail: the signed token is the key",
    ),
    Entry(
        "consultations:appointment_manage",
        everyone(200),
        kwargs=appointment_token,
        reason="personal link from an e-mail: the signed token is the key",
    ),
    Entry(
        "consultations:appointment_ics",
        everyone(200),
        kind="file",
        kwargs=appointment_token,
        reason="personal link from an e-mail: the signed token is the key",
    ),
    Entry("consultations:training_list", everyone(200)),
    Entry("consultations:training_detail", everyone(200), kwargs=training_a),
    Entry("consultations:training_feed", everyone(200), kind="file"),
    Entry("consultations:training_ics", everyone(200), kind="file", kwargs=training_a),
    Entry(
        "consultations:training_material",
        everyone(200),
        kind="file",
        kwargs=lambda world: {
            "slug": world.past_training.slug,
            "pk": world.training_material.pk,
            "filename": world.training_material.download_name,
        },
    ),
    Entry(
        "consultations:registration_confirm",
        everyone(200),
        kwargs=lambda world: {"token": world.registration_confirm_token},
        reason="personal link from an e-mail: the signed token is the key",
    ),
    Entry(
        "consultations:registration_manage",
        everyone(200),
        kwargs=lambda world: {"token": world.registration_manage_token},
        reason="personal link from an e-mail: the signed token is the key",
    ),
    Entry("consultations:advisor_schedule", ADVISOR_ONLY),
    Entry("consultations:advisor_rule_create", ADVISOR_ONLY),
    Entry("consultations:advisor_rule_edit", ADVISOR_ONLY, kwargs=advisor_rule),
    Entry("consultations:advisor_rule_delete", ADVISOR_ONLY, kwargs=advisor_rule),
    Entry("consultations:advisor_exception_create", ADVISOR_ONLY),
    Entry(
        "consultations:advisor_exception_delete",
        ADVISOR_ONLY,
        kwargs=lambda world: {"pk": world.advisor_exception.pk},
    ),
    Entry("library:book_list", everyone(200)),
    Entry("library:book_detail", everyone(200), kwargs=lambda world: {"slug": world.book.slug}),
    Entry("library:catalogue_xlsx", everyone(200), kind="file"),
    Entry("library:catalogue_csv", everyone(200), kind="file"),
    Entry(
        "library:book_reserve",
        signed_in_only(405),
        kind="endpoint",
        kwargs=lambda world: {"slug": world.book.slug},
        reason="POST only",
    ),
    Entry("library:my_library", signed_in_only()),
    Entry(
        "library:loan_renew",
        signed_in_only(405),
        kind="endpoint",
        kwargs=lambda world: {"pk": world.loan.pk},
        reason="POST only",
    ),
    Entry(
        "library:hold_cancel",
        signed_in_only(405),
        kind="endpoint",
        kwargs=lambda world: {"pk": world.hold.pk},
        reason="POST only",
    ),
    Entry(
        "account_confirm_login_code",
        everyone(302),
        kind="endpoint",
        reason="logging in by code is switched off; the page sends people to log in",
    ),
    # cooperation: public consultations
    Entry("cooperation:public_consultation_list", everyone(200)),
    Entry("cooperation:public_consultation_feed", everyone(200), kind="file"),
    Entry("cooperation:public_consultation_calendar", everyone(200), kind="file"),
    Entry("cooperation:public_consultation_detail", everyone(200), kwargs=consultation_a),
    Entry(
        "cooperation:public_consultation_file",
        everyone(200),
        kind="file",
        kwargs=lambda world: {
            "slug": world.public_consultation.slug,
            "filename": world.public_consultation.download_name,
        },
    ),
    Entry(
        "cooperation:remark_create",
        signed_in_only(405),
        kind="endpoint",
        kwargs=consultation_a,
        reason="POST only (the form is on the consultation's page)",
    ),
    Entry(
        "cooperation:remark_update",
        MEMBERS_ONLY,
        kwargs=remark_a,
        reason="the author and the organisation's members only",
    ),
    Entry(
        "cooperation:remark_withdraw",
        MEMBERS_ONLY,
        kwargs=remark_a,
        reason="the author and the organisation's members only",
    ),
    Entry(
        "cooperation:consultation_meeting_ics",
        everyone(200),
        kind="file",
        kwargs=lambda world: {
            "slug": world.public_consultation.slug,
            "pk": world.consultation_meeting.pk,
        },
    ),
    Entry("cooperation:consultation_alerts", signed_in_only()),
    # base: pages staff add
    Entry("custom_page", everyone(200), kwargs=lambda world: {"slug": world.custom_page.slug}),
    # cooperation: reports
    Entry(
        "cooperation:public_consultation_report",
        everyone(200),
        kwargs=lambda world: {"slug": world.reported_consultation.slug},
    ),
    Entry(
        "cooperation:public_consultation_report_csv",
        everyone(200),
        kind="file",
        kwargs=lambda world: {"slug": world.reported_consultation.slug},
    ),
    Entry(
        "cooperation:public_consultation_report_xlsx",
        everyone(200),
        kind="file",
        kwargs=lambda world: {"slug": world.reported_consultation.slug},
    ),
    # cooperation: team
    Entry("cooperation:team", everyone(200)),
    Entry("cooperation:team_contact", everyone(200)),
    Entry(
        "cooperation:team_document",
        everyone(200),
        kind="file",
        kwargs=lambda world: {
            "pk": world.team_meeting_document.pk,
            "filename": world.team_meeting_document.download_name,
        },
    ),
    Entry(
        "cooperation:team_meeting_ics",
        everyone(200),
        kind="file",
        kwargs=lambda world: {"pk": world.team_meeting.pk},
    ),
    # cooperation: programme
    Entry("cooperation:cooperation_home", everyone(200)),
    Entry("cooperation:programme_year", everyone(200), kwargs=programme_year_a),
    Entry("cooperation:programme_report_csv", everyone(200), kind="file", kwargs=programme_year_a),
    Entry("cooperation:programme_report_xlsx", everyone(200), kind="file", kwargs=programme_year_a),
    Entry(
        "cooperation:programme_document",
        everyone(404),
        kind="file",
        kwargs=lambda world: {"year": world.programme_year.year, "filename": "program.pdf"},
        reason="the world's year has no document (downloads: tests/cooperation/test_programme.py)",
    ),
    # awards: competitions, nominations, the jury, the public vote
    Entry("awards:competition_list", everyone(200)),
    Entry("awards:laureates", everyone(200)),
    Entry("awards:feed", everyone(200), kind="file"),
    Entry("awards:competition", everyone(200), kwargs=competition_a),
    Entry("awards:edition", everyone(200), kwargs=open_edition_a),
    Entry("awards:edition_ics", everyone(200), kind="file", kwargs=open_edition_a),
    Entry(
        "awards:edition_document",
        everyone(200),
        kind="file",
        kwargs=lambda world: {
            **open_edition_a(world),
            "kind": "regulamin",
            "filename": world.open_edition.regulations.name.rsplit("/", 1)[-1],
        },
    ),
    Entry("awards:nominate", everyone(200), kwargs=open_edition_a),
    Entry(
        "awards:nomination_confirm",
        everyone(200),
        kwargs=nomination_token("unconfirmed_nomination", "confirm"),
        reason="the link e-mailed to a nominator without an account",
    ),
    Entry(
        "awards:nomination_consent",
        everyone(200),
        kwargs=nomination_token("minor_nomination", "consent"),
        reason="the link e-mailed to a young nominee's parent or guardian",
    ),
    Entry(
        "awards:nomination_edit_link",
        everyone(200),
        kwargs=nomination_token("unconfirmed_nomination", "edit"),
        reason="the link e-mailed to a nominator without an account",
    ),
    Entry(
        "awards:nomination_attachment",
        {ANONYMOUS: 404, MEMBER: 200, OTHER_MEMBER: 200, ADVISOR: 404, STAFF: 200},
        kind="file",
        kwargs=lambda world: {
            "pk": world.nomination_attachment.pk,
            "filename": world.nomination_attachment.file.name.rsplit("/", 1)[-1],
        },
        reason="the nominator, the edition's jurors of its category and staff",
    ),
    Entry(
        "awards:nomination_consent_file",
        everyone(404),
        kind="file",
        kwargs=lambda world: {"pk": world.minor_nomination.pk, "filename": "zgoda.pdf"},
        reason="the world's consent is by e-mail (downloads: tests/awards/test_nominations*.py)",
    ),
    Entry("awards:my_nominations", signed_in_only()),
    Entry(
        "awards:my_nomination",
        NOMINATOR_ONLY,
        kwargs=lambda world: {"public_id": world.nomination.public_id},
        reason="the nominator only",
    ),
    Entry("awards:jury_home", signed_in_only()),
    Entry(
        "awards:jury_edition",
        JUROR_ONLY,
        kwargs=lambda world: {"edition_pk": world.jury_edition.pk},
        reason="the edition's jurors only",
    ),
    Entry(
        "awards:jury_nomination",
        JUROR_ONLY,
        kwargs=jury_nomination_a,
        reason="the edition's jurors only",
    ),
    Entry(
        "awards:jury_score",
        signed_in_only(405),
        kind="endpoint",
        kwargs=jury_nomination_a,
        reason="POST only (the form is on the nomination's jury page)",
    ),
    Entry(
        "awards:jury_conflict",
        signed_in_only(405),
        kind="endpoint",
        kwargs=jury_nomination_a,
        reason="POST only (the form is on the nomination's jury page)",
    ),
    Entry("awards:vote", everyone(200), kwargs=voting_edition_a),
    Entry(
        "awards:vote_confirm",
        everyone(200),
        kwargs=vote_token_a,
        reason="the link e-mailed to a voter",
    ),
]


def entry(name):
    return next(e for e in CATALOGUE if e.name == name)


def html_pages():
    return [e for e in CATALOGUE if e.kind == "html"]


# The personas whose view of every page the page-wide checks (axe, HTML validity,
# escaping) look at; a page only one other persona can open (an advisor's own
# schedule) is looked at as that persona.
CHECKED_PERSONAS = [ANONYMOUS, MEMBER, STAFF]


def page_visits():
    """(entry, persona) for every HTML page and each persona the checks use."""
    visits = []
    for e in html_pages():
        personas = [p for p in CHECKED_PERSONAS if e.statuses[p] == 200]
        if not personas:
            personas = [p for p in PERSONAS if e.statuses[p] == 200][:1]
        visits.extend((e, persona) for persona in personas)
    return visits
