"""Awards' part of the `world` fixture (tests/conftest.py).

- `w.competition` ("Ośmiu Wspaniałych"-like, young people may be nominated by
  schools) with `w.open_edition` taking nominations now: categories
  `w.category` / `w.other_category`, criteria `w.criterion` (weight 2) and
  `w.other_criterion`, jurors `w.juror` (account `w.juror_user`) and
  `w.other_juror` (account `w.other_juror_user`, `w.category` only). The juror's
  account is the `other_ngo_member` persona's.
  Nominations there: `w.nomination` (the member's organisation nominates a person,
  confirmed, waiting for the formal check), `w.minor_nomination` (a school nominates a
  pupil, confirmed, the guardian's consent by e-mail still missing),
  `w.unconfirmed_nomination` (a resident without an account, not yet confirmed).
- `w.jury_edition` of `w.other_competition`: nominations closed, formal check done,
  jury scoring now, public vote open: `w.accepted_nomination` (scored by `w.jury_juror`,
  account `w.juror_user` too) and `w.conflicted_nomination` (the juror declared a
  conflict), `w.vote` (confirmed) and `w.pending_vote` (not confirmed).
- `w.past_edition` of `w.other_competition`: results approved and public,
  `w.laureate` (with a photo) and `w.mention`.
"""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from awards.models import (
    Category,
    Competition,
    Conflict,
    Criterion,
    Edition,
    Juror,
    Nomination,
    NominationAttachment,
    Score,
    Vote,
)
from cwop_portal.history import change_record
from tests.factories import UserFactory, png_file

DAY = datetime.timedelta(days=1)


def _edition(competition, year, *, opened, **extra):
    """An edition whose timeline starts at `opened` and runs on a week per step."""
    return Edition.objects.create(
        competition=competition,
        year=year,
        status=Edition.Status.PUBLISHED,
        rules_pl="Kandydatów zgłaszają szkoły i organizacje.",
        rules_en="Schools and organisations nominate the candidates.",
        nominations_open=opened,
        nominations_close=opened + 30 * DAY,
        formal_check_until=opened + 37 * DAY,
        jury_until=opened + 51 * DAY,
        announcement_at=opened + 58 * DAY,
        ceremony_at=opened + 65 * DAY,
        ceremony_place="Aula Centrum, ul. Sienkiewicza 54",
        **extra,
    )


def _nomination(edition, category, **fields):
    values = {
        "edition": edition,
        "category": category,
        "nominee_kind": "person",
        "nominee_first_name": "Halina",
        "nominee_last_name": "Wróblewska",
        "justification": "Od dwudziestu lat prowadzi świetlicę dla dzieci z osiedla.",
        "nominator_kind": "resident",
        "nominator_name": "Marek Zieliński",
        "nominator_email": "marek.zielinski@example.com",
        "privacy_consent": True,
        "confirmed_at": timezone.now() - DAY,
    }
    values.update(fields)
    return Nomination.objects.create(**values)


def build(w):
    now = timezone.now()
    year = timezone.localdate().year
    staff = w.personas["staff"]
    member = w.personas["ngo_member"]
    # The other organisation's member sits on two juries (the catalogue's personas
    # include a juror this way); `w.other_juror_user` is on one.
    w.juror_user = w.personas["other_ngo_member"]
    w.other_juror_user = UserFactory(
        email="juror2@example.com", first_name="Paweł", last_name="Nowicki"
    )

    w.competition = Competition.objects.create(
        name_pl="Ośmiu Wspaniałych",
        name_en="The Magnificent Eight",
        slug="osmiu-wspanialych",
        description_pl="Konkurs dla młodzieży, która pomaga innym.",
        nominated_by_residents=True,
        nominated_by_organizations=True,
        nominated_by_schools=True,
        nominee_person=True,
        nominee_minor=True,
    )
    w.open_edition = _edition(w.competition, year, opened=now - 5 * DAY)
    w.open_edition.regulations.save("regulamin.pdf", ContentFile(b"%PDF-1.4 regulamin"), save=True)
    w.category = Category.objects.create(
        edition=w.open_edition, name_pl="Szkoły podstawowe", name_en="Primary schools", position=1
    )
    w.other_category = Category.objects.create(
        edition=w.open_edition, name_pl="Szkoły średnie", name_en="Secondary schools", position=2
    )
    w.criterion = Criterion.objects.create(
        edition=w.open_edition, name_pl="Zaangażowanie", name_en="Commitment", weight=2
    )
    w.other_criterion = Criterion.objects.create(
        edition=w.open_edition, name_pl="Wpływ na otoczenie", name_en="Impact", weight=1
    )
    w.juror = Juror.objects.create(edition=w.open_edition, user=w.juror_user, is_chair=True)
    w.other_juror = Juror.objects.create(edition=w.open_edition, user=w.other_juror_user)
    w.other_juror.categories.add(w.category)
    w.nomination = _nomination(
        w.open_edition,
        w.category,
        nominator_kind="organization",
        nominator_user=member,
        nominator_organization=w.organization,
        nominator_name=member.get_full_name() or member.email,
        nominator_email=member.email,
    )
    NominationAttachment.objects.create(
        nomination=w.nomination,
        title="Rekomendacja",
        file=ContentFile(b"%PDF-1.4 rekomendacja", name="rekomendacja.pdf"),
    )
    w.nomination_attachment = w.nomination.attachments.get()
    change_record(w.nomination, user=member, action="created", changes={})
    w.minor_nomination = _nomination(
        w.open_edition,
        w.category,
        nominee_kind="minor",
        nominee_first_name="Zuzanna",
        nominee_last_name="Malinowska",
        school="Szkoła Podstawowa nr 12 w Białymstoku",
        school_class="7b",
        guardian_name="Agnieszka Malinowska",
        guardian_email="agnieszka.malinowska@example.com",
        nominator_kind="school",
        nominator_name="Ewa Sadowska",
        nominator_institution="Szkoła Podstawowa nr 12 w Białymstoku",
        nominator_email="sekretariat@sp12.example.com",
    )
    w.unconfirmed_nomination = _nomination(
        w.open_edition,
        w.other_category,
        nominee_first_name="Stanisław",
        nominee_last_name="Jabłoński",
        nominator_name="Joanna Lis",
        nominator_email="joanna.lis@example.com",
        confirmed_at=None,
    )

    w.other_competition = Competition.objects.create(
        name_pl="Społeczna Dusza",
        name_en="Social Soul",
        slug="spoleczna-dusza",
        nominee_person=True,
        nominee_organization=True,
        nominee_initiative=True,
    )
    w.jury_edition = _edition(
        w.other_competition,
        year,
        opened=now - 40 * DAY,
        public_vote=True,
        vote_opens=now - 2 * DAY,
        vote_closes=now + 5 * DAY,
    )
    w.jury_category = Category.objects.create(
        edition=w.jury_edition, name_pl="Osoba", name_en="Person"
    )
    w.jury_criterion = Criterion.objects.create(
        edition=w.jury_edition, name_pl="Działania na rzecz innych", weight=1, max_score=5
    )
    w.jury_juror = Juror.objects.create(edition=w.jury_edition, user=w.juror_user)
    accepted = {"status": "accepted", "checked_at": now - 3 * DAY, "checked_by": staff}
    w.accepted_nomination = _nomination(w.jury_edition, w.jury_category, **accepted)
    w.conflicted_nomination = _nomination(
        w.jury_edition,
        w.jury_category,
        nominee_first_name="Krzysztof",
        nominee_last_name="Wasilewski",
        **accepted,
    )
    Score.objects.create(
        juror=w.jury_juror, nomination=w.accepted_nomination, criterion=w.jury_criterion, value=4
    )
    Conflict.objects.create(juror=w.jury_juror, nomination=w.conflicted_nomination, note="Sąsiad")
    w.vote = Vote.objects.create(
        category=w.jury_category,
        nomination=w.accepted_nomination,
        email="glosujacy@example.com",
        network="192.0.2.0/24",
        confirmed_at=now - DAY,
    )
    w.pending_vote = Vote.objects.create(
        category=w.jury_category,
        nomination=w.conflicted_nomination,
        email="niepotwierdzony@example.com",
        network="192.0.2.0/24",
    )

    w.past_edition = _edition(
        w.other_competition,
        year - 1,
        opened=now - 400 * DAY,
        results_approved_at=now - 300 * DAY,
        results_approved_by=staff,
    )
    w.past_category = Category.objects.create(edition=w.past_edition, name_pl="Organizacja")
    w.laureate = _nomination(
        w.past_edition,
        w.past_category,
        nominee_kind="organization",
        nominee_first_name="",
        nominee_last_name="",
        nominee_name="Fundacja Pomocy Sąsiedzkiej",
        award="laureate",
        result_description_pl="Za prowadzenie banku żywności.",
        photo_alt_pl="Członkowie fundacji przy regałach z żywnością",
        **accepted,
    )
    w.laureate.photo.save("laureat.png", ContentFile(png_file().read()), save=True)
    w.mention = _nomination(w.past_edition, w.past_category, award="mention", **accepted)
