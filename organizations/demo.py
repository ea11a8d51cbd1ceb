"""Demo organisations: realistic-looking, clearly marked, and fast to create in bulk.

`seed_demo --orgs N` uses this to fill the directory for trying the portal out and
for the benchmark (5,000 organisations). Every organisation it makes is marked
`is_demo=True`, has a name ending in " (demo)", an address "ul. Przykładowa N (demo)"
and KRS numbers from a range kept for demo data (see `_krs`).

Speed: rows are written with `bulk_create` in batches, the many-to-many rows too,
and the search text is computed here with `organizations.search.organization_document`
(as `Organization.rebuild_search_document` does, the terms in the same order), so
creating N organisations takes a few dozen queries, not a few per organisation.
"""

import random
from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone
from stdnum.pl import nip, regon

from cwop_portal.dates import at
from cwop_portal.text import slugify_pl, unique_slug
from organizations.models import (
    District,
    FieldOfActivity,
    Membership,
    NewsPost,
    Organization,
    TargetGroup,
)
from organizations.search import organization_document

BATCH_SIZE = 500
DEMO_SEED = 2024
DEMO_SUFFIX = " (demo)"
LegalForm = Organization.LegalForm
Status = Organization.Status

# Shares of legal forms, roughly as among the NGOs of Białystok.
LEGAL_FORM_WEIGHTS = {
    LegalForm.ASSOCIATION: 55,
    LegalForm.FOUNDATION: 25,
    LegalForm.ORDINARY_ASSOCIATION: 10,
    LegalForm.INITIATIVE_GROUP: 6,
    LegalForm.OTHER: 4,
}
STATUS_WEIGHTS = {Status.PUBLISHED: 95, Status.PENDING: 3, Status.DRAFT: 2}

# How often a field is an organisation's main one (1 for any field not listed,
# including those staff add later).
FIELD_WEIGHTS = {
    "kultura-sztuka-dziedzictwo-narodowe": 8,
    "kultura-fizyczna-i-sport": 8,
    "nauka-edukacja-oswiata-i-wychowanie": 6,
    "dzieci-i-mlodziez-w-tym-wypoczynek": 6,
    "pomoc-spoleczna": 5,
    "osoby-z-niepelnosprawnosciami": 5,
    "ochrona-i-promocja-zdrowia": 5,
    "osoby-w-wieku-emerytalnym": 4,
    "ekologia-ochrona-zwierzat-i-dziedzictwa-przyrodniczego": 4,
    "rozwoj-wspolnot-i-spolecznosci-lokalnych": 4,
    "turystyka-i-krajoznawstwo": 3,
    "dzialalnosc-charytatywna": 3,
    "rodzina-macierzynstwo-rodzicielstwo-prawa-dziecka": 3,
    "tradycja-narodowa-i-swiadomosc-obywatelska": 3,
}

# What an organisation working in a field calls itself: "Stowarzyszenie <topic>",
# "Fundacja <topic>" (genitive). No topic outside the sport field contains "sport",
# so a search for "sport" finds exactly the sport organisations.
TOPICS = {
    "pomoc-spoleczna": ["Pomocy Społecznej", "Wzajemnej Pomocy", "Pomocy Potrzebującym"],
    "wspieranie-rodziny-i-systemu-pieczy-zastepczej": [
        "Wspierania Rodzin",
        "Rodzin Zastępczych",
        "Rodzicielstwa Zastępczego",
    ],
    "nieodplatna-pomoc-prawna-i-poradnictwo-obywatelskie": [
        "Poradnictwa Obywatelskiego",
        "Pomocy Prawnej",
    ],
    "integracja-i-reintegracja-zawodowa-i-spoleczna": [
        "Integracji Społecznej",
        "Aktywizacji Społecznej",
    ],
    "dzialalnosc-charytatywna": ["Dobroczynności", "Pomocy Charytatywnej"],
    "tradycja-narodowa-i-swiadomosc-obywatelska": [
        "Pamięci Historycznej",
        "Tradycji Narodowej",
        "Edukacji Obywatelskiej",
    ],
    "mniejszosci-narodowe-i-etniczne-oraz-jezyk-regionalny": [
        "Kultury Białoruskiej",
        "Dziedzictwa Tatarów Polskich",
        "Kultury Litewskiej",
        "Kultury Ukraińskiej",
    ],
    "integracja-cudzoziemcow": ["Integracji Cudzoziemców", "Pomocy Migrantom"],
    "ochrona-i-promocja-zdrowia": [
        "Promocji Zdrowia",
        "Profilaktyki Zdrowotnej",
        "Chorych na Cukrzycę",
    ],
    "osoby-z-niepelnosprawnosciami": [
        "Osób z Niepełnosprawnościami",
        "Wspierania Osób z Autyzmem",
        "Osób Niewidomych i Słabowidzących",
    ],
    "promocja-zatrudnienia": ["Aktywizacji Zawodowej", "Promocji Zatrudnienia"],
    "rowne-prawa-kobiet-i-mezczyzn": ["Równych Szans", "Praw Kobiet"],
    "osoby-w-wieku-emerytalnym": ["Aktywnych Seniorów", "Seniorów", "Złotego Wieku"],
    "rozwoj-gospodarczy-i-przedsiebiorczosc": ["Przedsiębiorczości", "Rozwoju Gospodarczego"],
    "technika-wynalazczosc-i-innowacyjnosc": [
        "Młodych Wynalazców",
        "Nowych Technologii",
        "Innowacji",
    ],
    "rozwoj-wspolnot-i-spolecznosci-lokalnych": [
        "Rozwoju Lokalnego",
        "Aktywnych Sąsiadów",
        "Mieszkańców",
    ],
    "nauka-edukacja-oswiata-i-wychowanie": [
        "Wspierania Edukacji",
        "Nauki i Edukacji",
        "Edukacji Ekologicznej",
    ],
    "dzieci-i-mlodziez-w-tym-wypoczynek": [
        "Dzieci i Młodzieży",
        "Wypoczynku Dzieci",
        "Młodych Liderów",
    ],
    "kultura-sztuka-dziedzictwo-narodowe": [
        "Kultury",
        "Sztuki Współczesnej",
        "Miłośników Teatru",
        "Muzyki Dawnej",
        "Dziedzictwa Podlasia",
    ],
    "kultura-fizyczna-i-sport": [
        "Kultury Fizycznej",
        "Sportu Amatorskiego",
        "Biegaczy",
        "Sportów Wodnych",
    ],
    "ekologia-ochrona-zwierzat-i-dziedzictwa-przyrodniczego": [
        "Ochrony Przyrody",
        "Ochrony Zwierząt",
        "Ekologii Miasta",
    ],
    "turystyka-i-krajoznawstwo": [
        "Turystyki i Krajoznawstwa",
        "Miłośników Podlasia",
        "Turystyki Rowerowej",
    ],
    "porzadek-i-bezpieczenstwo-publiczne": ["Bezpiecznego Miasta", "Bezpieczeństwa Publicznego"],
    "obronnosc-panstwa": ["Edukacji Obronnej", "Strzelectwa"],
    "wolnosci-i-prawa-czlowieka-rozwoj-demokracji": ["Praw Człowieka", "Rozwoju Demokracji"],
    "ratownictwo-i-ochrona-ludnosci": ["Ratownictwa", "Ratowników Wodnych"],
    "pomoc-ofiarom-katastrof-i-konfliktow": ["Pomocy Humanitarnej", "Pomocy Ofiarom Wojny"],
    "prawa-konsumentow": ["Praw Konsumentów", "Świadomych Konsumentów"],
    "integracja-europejska-i-wspolpraca-miedzynarodowa": [
        "Współpracy Międzynarodowej",
        "Integracji Europejskiej",
    ],
    "promocja-i-organizacja-wolontariatu": ["Wolontariatu", "Wolontariuszy"],
    "polonia-i-polacy-za-granica": ["Łączności z Polonią", "Pomocy Polakom na Wschodzie"],
    "kombatanci-i-osoby-represjonowane": ["Pamięci Sybiraków", "Kombatantów"],
    "promocja-polski-za-granica": ["Promocji Polski", "Promocji Regionu"],
    "rodzina-macierzynstwo-rodzicielstwo-prawa-dziecka": [
        "Wspierania Rodzicielstwa",
        "Praw Dziecka",
        "Rodziców",
    ],
    "przeciwdzialanie-uzaleznieniom-i-patologiom-spolecznym": [
        "Profilaktyki Uzależnień",
        "Trzeźwości",
    ],
    "rewitalizacja": ["Rewitalizacji", "Odnowy Osiedli"],
    "wspieranie-organizacji-pozarzadowych": [
        "Wspierania Organizacji Pozarządowych",
        "Rozwoju Trzeciego Sektora",
    ],
}
GENERIC_TOPICS = ["Inicjatyw Społecznych", "Aktywności Obywatelskiej", "Rozwoju Lokalnego"]

# "Stowarzyszenie Przyjaciół <friends of>"; "{district}" is the organisation's district.
FRIENDS_OF = {
    "kultura-sztuka-dziedzictwo-narodowe": ["Teatru", "Muzyki", "Książki"],
    "ekologia-ochrona-zwierzat-i-dziedzictwa-przyrodniczego": ["Zwierząt", "Przyrody"],
    "dzieci-i-mlodziez-w-tym-wypoczynek": ["Dzieci"],
    "nauka-edukacja-oswiata-i-wychowanie": ["Szkoły", "Nauki"],
    "turystyka-i-krajoznawstwo": ["Podlasia", "Ziemi Białostockiej"],
    "tradycja-narodowa-i-swiadomosc-obywatelska": ["Białegostoku", "Historii Białegostoku"],
    "osoby-w-wieku-emerytalnym": ["Seniorów"],
}
GENERIC_FRIENDS_OF = ["Osiedla {district}", "Białegostoku"]

NICKNAMES = [
    "Horyzont",
    "Razem",
    "Nadzieja",
    "Tęcza",
    "Promyk",
    "Przystań",
    "Kompas",
    "Żubr",
    "Iskra",
    "Wrzos",
    "Krok Dalej",
    "Otwarte Drzwi",
    "Dobry Start",
    "Zielony Kąt",
    "Sokół",
    "Bocian",
    "Latarnia",
    "Mozaika",
    "Pod Dębem",
    "Skrzydła",
    "Źródło",
    "Jutrzenka",
    "Niezapominajka",
    "Azymut",
    "Ostoja",
    "Pasieka",
    "Bursztyn",
    "Korzenie",
    "Wspólny Dom",
    "Uśmiech",
    "Płomyk",
    "Bez Barier",
    "Po Drodze",
    "Narew",
    "Biebrza",
    "Kalina",
    "Jarzębina",
    "Łąka",
    "Dąbrówka",
    "Świetlik",
    "Przyszłość",
    "Arka",
    "Słonecznik",
    "Wiatrak",
    "Zakątek",
    "Drogowskaz",
    "Pogodni",
    "Babie Lato",
    "Przyjazna Dłoń",
    "Sosna",
    "Ważka",
    "Dom pod Lipami",
    "Nowy Dzień",
    "Klucz",
    "Pełnia",
    "Zorza",
    "Most",
    "Cisy",
    "Młyn",
    "Nasz Dom",
]

# The likeliest target groups of an organisation by its main field.
TARGET_HINTS = {
    "pomoc-spoleczna": ["osoby-w-kryzysie-bezdomnosci", "rodziny"],
    "wspieranie-rodziny-i-systemu-pieczy-zastepczej": ["rodziny", "dzieci"],
    "nieodplatna-pomoc-prawna-i-poradnictwo-obywatelskie": ["mieszkancy-bialegostoku"],
    "integracja-i-reintegracja-zawodowa-i-spoleczna": ["osoby-bezrobotne"],
    "dzialalnosc-charytatywna": ["rodziny", "osoby-w-kryzysie-bezdomnosci"],
    "tradycja-narodowa-i-swiadomosc-obywatelska": ["mieszkancy-bialegostoku", "mlodziez"],
    "mniejszosci-narodowe-i-etniczne-oraz-jezyk-regionalny": ["mieszkancy-bialegostoku"],
    "integracja-cudzoziemcow": ["migranci-i-uchodzcy"],
    "ochrona-i-promocja-zdrowia": ["seniorzy", "mieszkancy-bialegostoku"],
    "osoby-z-niepelnosprawnosciami": ["osoby-z-niepelnosprawnosciami"],
    "promocja-zatrudnienia": ["osoby-bezrobotne", "mlodziez"],
    "rowne-prawa-kobiet-i-mezczyzn": ["kobiety"],
    "osoby-w-wieku-emerytalnym": ["seniorzy"],
    "rozwoj-gospodarczy-i-przedsiebiorczosc": ["mlodziez", "mieszkancy-bialegostoku"],
    "technika-wynalazczosc-i-innowacyjnosc": ["mlodziez", "dzieci"],
    "rozwoj-wspolnot-i-spolecznosci-lokalnych": ["mieszkancy-bialegostoku"],
    "nauka-edukacja-oswiata-i-wychowanie": ["dzieci", "mlodziez"],
    "dzieci-i-mlodziez-w-tym-wypoczynek": ["dzieci", "mlodziez"],
    "kultura-sztuka-dziedzictwo-narodowe": ["mieszkancy-bialegostoku", "mlodziez"],
    "kultura-fizyczna-i-sport": ["dzieci", "mlodziez"],
    "ekologia-ochrona-zwierzat-i-dziedzictwa-przyrodniczego": [
        "zwierzeta",
        "mieszkancy-bialegostoku",
    ],
    "turystyka-i-krajoznawstwo": ["mieszkancy-bialegostoku", "seniorzy"],
    "porzadek-i-bezpieczenstwo-publiczne": ["mieszkancy-bialegostoku"],
    "obronnosc-panstwa": ["mlodziez"],
    "wolnosci-i-prawa-czlowieka-rozwoj-demokracji": ["migranci-i-uchodzcy", "kobiety"],
    "ratownictwo-i-ochrona-ludnosci": ["mieszkancy-bialegostoku"],
    "pomoc-ofiarom-katastrof-i-konfliktow": ["migranci-i-uchodzcy"],
    "prawa-konsumentow": ["seniorzy", "mieszkancy-bialegostoku"],
    "integracja-europejska-i-wspolpraca-miedzynarodowa": ["mlodziez"],
    "promocja-i-organizacja-wolontariatu": ["mlodziez", "organizacje-pozarzadowe"],
    "polonia-i-polacy-za-granica": ["rodziny"],
    "kombatanci-i-osoby-represjonowane": ["seniorzy"],
    "promocja-polski-za-granica": ["mieszkancy-bialegostoku"],
    "rodzina-macierzynstwo-rodzicielstwo-prawa-dziecka": ["rodziny", "kobiety", "dzieci"],
    "przeciwdzialanie-uzaleznieniom-i-patologiom-spolecznym": ["mlodziez", "rodziny"],
    "rewitalizacja": ["mieszkancy-bialegostoku"],
    "wspieranie-organizacji-pozarzadowych": ["organizacje-pozarzadowe"],
}

# Terms whose first word is a proper noun keep their capital inside a sentence.
_PROPER_FIRST_WORDS = {"Polonia", "Polski", "Białystok", "Białegostoku"}

INTRO_SENTENCES = [
    "Jesteśmy organizacją z osiedla **{district}** w Białymstoku, działamy od {year} roku.",
    "Od {year} roku działamy w Białymstoku, przede wszystkim na osiedlu **{district}**.",
    "Działamy od {year} roku na osiedlu **{district}** i w całym Białymstoku.",
]
FIELD_SENTENCES = [
    "Zajmujemy się takimi obszarami jak: {fields}.",
    "Obszary naszej działalności to: {fields}.",
    "Najważniejsze dla nas są: {fields}.",
]
GROUP_SENTENCES = [
    "Odbiorcy naszych działań to: {groups}.",
    "Z naszego wsparcia korzystają: {groups}.",
    "Nasze działania kierujemy do takich grup jak: {groups}.",
]
VOLUNTEERING = [
    "Szukamy wolontariuszy do pomocy przy wydarzeniach plenerowych.",
    "Potrzebujemy osób, które pomogą prowadzić nasze media społecznościowe.",
    "Zapraszamy wolontariuszy do pomocy w popołudniowych zajęciach.",
    "Szukamy osób do pomocy w zbiórkach i kwestach.",
    "Przyda się pomoc w biurze, dwie godziny w tygodniu.",
    "Szukamy wolontariuszy z prawem jazdy do rozwożenia paczek.",
    "Potrzebujemy tłumaczy języka ukraińskiego i angielskiego.",
]


def create_demo_organizations(count, *, rng_seed=DEMO_SEED, stdout=None):
    """Create `count` demo organisations; return how many were created.

    The same seed gives the same organisations (slugs and KRS numbers may get
    other suffixes if some are already taken). Terms and districts come from the
    database (the initial data of migration 0003 or what staff made of it).
    """
    if count <= 0:
        return 0
    rng = random.Random(rng_seed)  # noqa: S311 - demo data, reproducible on purpose
    fields = list(FieldOfActivity.objects.order_by("position", "pk"))
    groups = list(TargetGroup.objects.order_by("position", "pk"))
    districts = list(District.objects.order_by("position", "pk"))
    groups_by_slug = {group.slug: group for group in groups}
    # One query each for what must stay unique.
    taken_slugs = set(Organization.objects.values_list("slug", flat=True))
    taken_krs = set(Organization.objects.filter(krs__startswith="99").values_list("krs", flat=True))
    now = timezone.now()

    planned = []  # (organization, updated_at, fields, groups)
    for index in range(count):
        planned.append(
            _plan_organization(
                rng,
                index=index,
                now=now,
                fields=fields,
                groups=groups,
                groups_by_slug=groups_by_slug,
                districts=districts,
                taken_slugs=taken_slugs,
                taken_krs=taken_krs,
            )
        )

    field_link = Organization.fields_of_activity.through
    group_link = Organization.target_groups.through
    field_column = Organization.fields_of_activity.field.m2m_reverse_field_name() + "_id"
    group_column = Organization.target_groups.field.m2m_reverse_field_name() + "_id"

    with transaction.atomic():
        for start in range(0, len(planned), BATCH_SIZE):
            batch = planned[start : start + BATCH_SIZE]
            organizations = [organization for organization, *_rest in batch]
            Organization.objects.bulk_create(organizations, batch_size=BATCH_SIZE)
            if any(organization.pk is None for organization in organizations):
                # A database that cannot return the new keys from a bulk insert.
                pks = dict(
                    Organization.objects.filter(
                        slug__in=[organization.slug for organization in organizations]
                    ).values_list("slug", "pk")
                )
                for organization in organizations:
                    organization.pk = pks[organization.slug]
            field_link.objects.bulk_create(
                [
                    field_link(organization_id=organization.pk, **{field_column: term.pk})
                    for organization, _updated, org_fields, _groups in batch
                    for term in org_fields
                ],
                batch_size=BATCH_SIZE,
            )
            group_link.objects.bulk_create(
                [
                    group_link(organization_id=organization.pk, **{group_column: term.pk})
                    for organization, _updated, _fields, org_groups in batch
                    for term in org_groups
                ],
                batch_size=BATCH_SIZE,
            )
            # `updated_at` is auto_now: bulk_create stamped "now"; give back the
            # planned past dates (bulk_update leaves auto_now alone).
            for organization, updated_at, _fields, _groups in batch:
                organization.updated_at = updated_at
            Organization.objects.bulk_update(organizations, ["updated_at"], batch_size=BATCH_SIZE)
            if stdout is not None and count > BATCH_SIZE:
                stdout.write(f"  {start + len(batch)}/{count} demo organisations")
    return count


def assign_demo_admins(users):
    """Make each user an active admin of one demo organisation (the first ones by
    creation), so demo accounts see "My organisations". Returns the (user,
    organisation) pairs that changed."""
    organizations = list(Organization.objects.filter(is_demo=True).order_by("pk")[: len(users)])
    changed = []
    for user, organization in zip(users, organizations, strict=False):
        membership, created = Membership.objects.get_or_create(
            user=user,
            organization=organization,
            defaults={"role": Membership.Role.ADMIN, "status": Membership.Status.ACTIVE},
        )
        if not created and (
            membership.role != Membership.Role.ADMIN
            or membership.status != Membership.Status.ACTIVE
        ):
            membership.role = Membership.Role.ADMIN
            membership.status = Membership.Status.ACTIVE
            membership.save(update_fields=["role", "status"])
            created = True
        if created:
            changed.append((user, organization))
    return changed


# The demo representatives' accounts: their addresses' domain, and names (a woman's
# and a man's form of each surname).
REPRESENTATIVE_DOMAIN = "demo.example.org"
REPRESENTATIVE_FIRST_NAMES = (
    ["Anna", "Katarzyna", "Małgorzata", "Agnieszka", "Ewa", "Joanna", "Magdalena", "Monika"],
    ["Piotr", "Krzysztof", "Tomasz", "Paweł", "Marcin", "Michał", "Jan", "Łukasz"],
)
REPRESENTATIVE_SURNAMES = [
    ("Kowalska", "Kowalski"),
    ("Wiśniewska", "Wiśniewski"),
    ("Wójcik", "Wójcik"),
    ("Kamińska", "Kamiński"),
    ("Lewandowska", "Lewandowski"),
    ("Zielińska", "Zieliński"),
    ("Szymańska", "Szymański"),
    ("Woźniak", "Woźniak"),
    ("Dąbrowska", "Dąbrowski"),
    ("Kozłowska", "Kozłowski"),
    ("Jankowska", "Jankowski"),
    ("Mazur", "Mazur"),
    ("Krawczyk", "Krawczyk"),
    ("Piotrowska", "Piotrowski"),
    ("Grabowska", "Grabowski"),
    ("Pawłowska", "Pawłowski"),
]


def assign_demo_representatives():
    """Give every demo organisation that is published or waiting for approval and has
    no active administrator a demo representative as its administrator, as a real
    organisation has: messages residents send it reach someone (an organisation
    nobody administers cannot be contacted). The representatives' accounts are demo
    accounts without a password (nobody logs in as them). Returns how many."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    User = get_user_model()
    orphans = list(
        Organization.objects.filter(is_demo=True, status__in=[Status.PUBLISHED, Status.PENDING])
        .exclude(
            memberships__role=Membership.Role.ADMIN,
            memberships__status=Membership.Status.ACTIVE,
            memberships__user__is_active=True,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    unusable = make_password(None)
    for start in range(0, len(orphans), BATCH_SIZE):
        batch = orphans[start : start + BATCH_SIZE]
        organization_of = {}  # e-mail -> the organisation's pk
        for pk in batch:
            rng = random.Random(DEMO_SEED + pk)  # noqa: S311 - demo data, not security
            form = rng.randrange(2)  # 0: a woman, 1: a man
            first = rng.choice(REPRESENTATIVE_FIRST_NAMES[form])
            last = rng.choice(REPRESENTATIVE_SURNAMES)[form]
            email = f"{slugify_pl(first)}.{slugify_pl(last)}.{pk}@{REPRESENTATIVE_DOMAIN}"
            organization_of[email] = (pk, first, last)
        User.objects.bulk_create(
            [
                User(email=email, first_name=first, last_name=last, password=unusable, is_demo=True)
                for email, (_pk, first, last) in organization_of.items()
            ],
            batch_size=BATCH_SIZE,
        )
        users = list(User.objects.filter(email__in=list(organization_of)))
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user=user, email=user.email, verified=True, primary=True)
                for user in users
            ],
            batch_size=BATCH_SIZE,
        )
        Membership.objects.bulk_create(
            [
                Membership(
                    user=user,
                    organization_id=organization_of[user.email][0],
                    role=Membership.Role.ADMIN,
                    status=Membership.Status.ACTIVE,
                )
                for user in users
            ],
            batch_size=BATCH_SIZE,
        )
    return len(orphans)


def _plan_organization(
    rng, *, index, now, fields, groups, groups_by_slug, districts, taken_slugs, taken_krs
):
    legal_form = _weighted(rng, LEGAL_FORM_WEIGHTS)
    # The first ones are published: the demo accounts become their admins.
    status = Status.PUBLISHED if index < 2 else _weighted(rng, STATUS_WEIGHTS)
    district = rng.choice(districts) if districts else None
    district_name = district.name if district else "Centrum"

    org_fields = _pick_fields(rng, fields)
    main_slug = org_fields[0].slug if org_fields else ""
    org_groups = _pick_groups(rng, main_slug, groups, groups_by_slug)

    # Prefer a name nobody has yet; after a few tries a "-2" slug will do.
    for _attempt in range(8):
        name = _name(rng, legal_form, main_slug, district_name) + DEMO_SUFFIX
        if slugify_pl(name, fallback="organizacja") not in taken_slugs:
            break
    short_name = _acronym(name) if rng.random() < 0.3 else ""
    slug = _unique_slug(name, taken_slugs)

    created_at = now - timedelta(days=rng.randint(30, 8 * 365), minutes=rng.randint(0, 1439))
    year_founded = rng.randint(min(1989, created_at.year), created_at.year)
    # Data confirmed within the last year; the last update on that day or later.
    confirmed_at = max(created_at, now - timedelta(days=rng.randint(0, 364), hours=12))
    updated_at = confirmed_at + (now - confirmed_at) * rng.random() * 0.3

    krs = (
        _krs(rng, taken_krs)
        if legal_form in (LegalForm.ASSOCIATION, LegalForm.FOUNDATION)
        else None
    )
    has_tax_ids = legal_form != LegalForm.INITIATIVE_GROUP and rng.random() < 0.55
    is_opp = (
        legal_form in (LegalForm.ASSOCIATION, LegalForm.FOUNDATION)
        and year_founded <= now.year - 2
        and rng.random() < 0.13
    )
    volunteers = rng.random() < 0.3
    website = rng.random() < 0.5
    email_local = slug.removesuffix("-demo")[:40].strip("-") or "kontakt"

    organization = Organization(
        name=name,
        short_name=short_name,
        slug=slug,
        legal_form=legal_form,
        krs=krs,
        ordinary_register_number=(
            f"DEMO-{rng.randint(1, 300)}/{year_founded}"
            if legal_form == LegalForm.ORDINARY_ASSOCIATION
            else ""
        ),
        nip=_nip(rng) if has_tax_ids else "",
        regon=_regon(rng) if has_tax_ids else "",
        is_opp=is_opp,
        district=district,
        street_address=f"ul. Przykładowa {rng.randint(1, 120)}{DEMO_SUFFIX}",
        postal_code=f"15-{rng.randint(1, 999):03d}",
        phone=f"+48 85 000 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}{DEMO_SUFFIX}"
        if rng.random() < 0.6
        else "",
        public_email=f"{email_local}@example.org",
        show_email=rng.random() < 0.4,
        website=f"https://www.example.org/{slug}/" if website else "",
        description=_description(rng, district_name, year_founded, org_fields, org_groups),
        year_founded=year_founded,
        is_looking_for_volunteers=volunteers,
        volunteering_description=rng.choice(VOLUNTEERING) if volunteers else "",
        data_confirmed_on=timezone.localdate(confirmed_at),
        status=status,
        submitted_at=created_at if status != Status.DRAFT else None,
        published_at=(
            created_at + timedelta(days=rng.randint(0, 14)) if status == Status.PUBLISHED else None
        ),
        created_at=created_at,
        is_demo=True,
    )
    # The terms in their Meta ordering, as Organization.rebuild_search_document reads them.
    organization.search_document = organization_document(
        organization,
        fields=sorted(org_fields, key=_term_order),
        target_groups=sorted(org_groups, key=_term_order),
    )
    return organization, updated_at, org_fields, org_groups


def _weighted(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _pick_fields(rng, fields):
    if not fields:
        return []
    main = rng.choices(fields, weights=[FIELD_WEIGHTS.get(f.slug, 1) for f in fields])[0]
    others = [f for f in fields if f.pk != main.pk]
    extra = rng.choices([0, 1, 2, 3], weights=[35, 35, 20, 10])[0]
    return [main, *rng.sample(others, min(extra, len(others)))]


def _pick_groups(rng, main_slug, groups, groups_by_slug):
    if not groups:
        return []
    wanted = rng.choices([1, 2, 3], weights=[40, 40, 20])[0]
    picked = [groups_by_slug[s] for s in TARGET_HINTS.get(main_slug, []) if s in groups_by_slug]
    picked = picked[:wanted]
    rest = [g for g in groups if g not in picked]
    picked += rng.sample(rest, min(wanted - len(picked), len(rest)))
    return sorted(picked, key=_term_order)


def _term_order(term):
    return (term.position, term.name_pl)


def _name(rng, legal_form, main_slug, district):
    topic = rng.choice(TOPICS.get(main_slug, GENERIC_TOPICS))
    nick = f"„{rng.choice(NICKNAMES)}”"
    place = rng.choice(["", "", " w Białymstoku", f" Osiedla {district}", " Białegostoku"])
    friends = rng.choice(FRIENDS_OF.get(main_slug, []) + GENERIC_FRIENDS_OF)
    if legal_form == LegalForm.ASSOCIATION:
        patterns = [
            f"Stowarzyszenie {topic}{place}",
            f"Stowarzyszenie {topic} {nick}",
            f"Towarzystwo {topic}{place}",
            f"Białostockie Stowarzyszenie {topic}",
            f"Podlaskie Stowarzyszenie {topic}",
            f"Stowarzyszenie Przyjaciół {friends.format(district=district)}",
        ]
        if main_slug == "kultura-fizyczna-i-sport":
            patterns += [
                f"Klub Sportowy {nick} Białystok",
                f"Uczniowski Klub Sportowy {nick}",
                f"Białostocki Klub Sportowy {nick}",
            ]
    elif legal_form == LegalForm.FOUNDATION:
        patterns = [
            f"Fundacja {topic}{place}",
            f"Fundacja {nick}",
            f"Fundacja {topic} {nick}",
            f"Białostocka Fundacja {topic}",
            f"Fundacja na rzecz {topic}{place}",
        ]
    elif legal_form == LegalForm.ORDINARY_ASSOCIATION:
        patterns = [
            f"Stowarzyszenie zwykłe {nick}",
            f"Stowarzyszenie zwykłe {topic}{place}",
            f"Stowarzyszenie zwykłe Przyjaciół {friends.format(district=district)}",
        ]
        if main_slug == "osoby-w-wieku-emerytalnym":
            patterns.append(f"Klub Seniora {nick}")
    elif legal_form == LegalForm.INITIATIVE_GROUP:
        patterns = [
            f"Grupa inicjatywna {nick}",
            f"Sąsiedzka grupa inicjatywna Osiedla {district}",
            f"Grupa inicjatywna {topic}",
        ]
    else:
        patterns = [
            f"Spółdzielnia Socjalna {nick}",
            f"Koło Gospodyń Wiejskich {nick}",
            f"Parafialny Zespół Caritas Osiedla {district}",
        ]
    return rng.choice(patterns)


def _acronym(name):
    """'Stowarzyszenie Promocji Zdrowia (demo)' -> 'SPZ'."""
    words = name.removesuffix(DEMO_SUFFIX).replace("„", " ").replace("”", " ").split()
    return "".join(word[0] for word in words if word[0].isupper())[:8]


def _unique_slug(name, taken):
    slug = unique_slug(name, is_taken=taken.__contains__, fallback="organizacja")
    taken.add(slug)
    return slug


def _krs(rng, taken):
    # Demo KRS numbers start with "99": far above the numbers the register has
    # given out (about 0001 100 000 by 2024), so they are recognisably demo data.
    while True:
        krs = f"99{rng.randint(0, 10**8 - 1):08d}"
        if krs not in taken:
            taken.add(krs)
            return krs


def _nip(rng):
    """A valid NIP from a Białystok tax office (542, 966); check digit by stdnum."""
    while True:
        body = rng.choice(["542", "966"]) + f"{rng.randint(0, 999999):06d}"
        # With a 0 in the check position stdnum's checksum is the needed check digit;
        # 10 cannot be a digit: such numbers are never issued, draw again.
        check = nip.checksum(body + "0")
        if check < 10:
            return body + str(check)


def _regon(rng):
    """A valid 9-digit REGON of the Podlaskie voivodeship (prefix 20)."""
    body = "20" + f"{rng.randint(0, 999999):06d}"
    return body + regon.calc_check_digit(body)


def _in_sentence(term_name):
    first_word = term_name.split(maxsplit=1)[0] if term_name else ""
    if not term_name or first_word in _PROPER_FIRST_WORDS:
        return term_name
    return term_name[0].lower() + term_name[1:]


def _description(rng, district, year, org_fields, org_groups):
    sentences = [rng.choice(INTRO_SENTENCES).format(district=district, year=year)]
    if org_fields:
        fields_text = "; ".join(_in_sentence(f.name_pl) for f in org_fields)
        sentences.append(rng.choice(FIELD_SENTENCES).format(fields=fields_text))
    if org_groups:
        groups_text = ", ".join(_in_sentence(g.name_pl) for g in org_groups)
        sentences.append(rng.choice(GROUP_SENTENCES).format(groups=groups_text))
    return " ".join(sentences)


# --- the `seed_demo` hook (see cwop_portal/management/commands/seed_demo.py) ---

# A small directory for `make run`; the benchmark asks for 5,000.
DEFAULT_DEMO_ORGANIZATIONS = 40


def add_demo_arguments(parser):
    parser.add_argument(
        "--orgs",
        type=int,
        default=DEFAULT_DEMO_ORGANIZATIONS,
        metavar="N",
        help=(
            "How many demo organisations the directory should have "
            f"(default {DEFAULT_DEMO_ORGANIZATIONS}); only the missing ones are created."
        ),
    )


def seed_demo(*, options, stdout):
    """Top the demo organisations up to --orgs, give each demo member one, and write
    the demo news once."""
    from django.contrib.auth import get_user_model
    from django.core.management.base import CommandError

    wanted = options.get("orgs", DEFAULT_DEMO_ORGANIZATIONS)
    if wanted < 0:
        raise CommandError("--orgs must be 0 or more.")
    existing = Organization.objects.filter(is_demo=True).count()
    missing = max(0, wanted - existing)
    if missing:
        stdout.write(
            f"Demo organisations: creating {missing} (there were {existing}, wanted {wanted})."
        )
        # Another seed for each top-up, so added organisations differ from earlier ones.
        create_demo_organizations(missing, rng_seed=DEMO_SEED + existing, stdout=stdout)
    else:
        stdout.write(f"Demo organisations: {existing} already there, none created.")
    # The demo member accounts only (not the representatives, nor other modules'
    # demo accounts such as the competitions' jurors).
    from cwop_portal.management.commands.seed_demo import DEMO_MEMBERS

    members = list(
        get_user_model()
        .objects.filter(is_demo=True, email__in=[email for email, *_names in DEMO_MEMBERS])
        .order_by("pk")
    )
    for user, organization in assign_demo_admins(members):
        stdout.write(f"{user.email} is now an administrator of {organization.name}.")
    represented = assign_demo_representatives()
    if represented:
        stdout.write(
            f"Demo representatives: {represented} demo organisations got an administrator "
            "(demo accounts without a password), so residents' messages reach someone."
        )
    seed_demo_news(stdout=stdout)


# --- Demo news -------------------------------------------------------------------------
#
# A dozen posts, as a visitor of the news pages should find them: published posts of
# demo organisations in every category (funding calls with a deadline still open and
# one already passed, events with a date and place), two posts of the centre itself,
# one post waiting for approval and one scheduled for later. Dates are relative to
# the day `seed_demo` runs. Each is marked `is_demo` and its title ends in " (demo)".
#
# `org`: index into the published demo organisations (the first ones are those the
# demo member accounts administer), None for the centre. `days`: publication date in
# days from today (negative: in the past). `deadline` and `event`: days from today.
DEMO_NEWS = [
    {
        "org": None,
        "category": "centre",
        "days": -2,
        "title": "Konsultacje projektu programu współpracy Miasta z organizacjami",
        "lead": "Zapraszamy organizacje pozarządowe do zgłaszania uwag do projektu "
        "rocznego programu współpracy Miasta Białystok z organizacjami.",
        "body": "Projekt programu jest dostępny w Centrum i na stronie Urzędu Miejskiego.\n\n"
        "## Jak zgłosić uwagi\n\n"
        "- na formularzu konsultacyjnym, w siedzibie Centrum,\n"
        "- podczas otwartego spotkania konsultacyjnego w sali szkoleniowej.\n\n"
        "Uwagi zbieramy przez 30 dni od dnia publikacji ogłoszenia.",
    },
    {
        "org": None,
        "category": "funding",
        "days": -6,
        "deadline": 21,
        "title": "Otwarty konkurs ofert na zadania z zakresu kultury fizycznej",
        "lead": "Prezydent Miasta Białegostoku ogłasza otwarty konkurs ofert na realizację "
        "zadań publicznych z zakresu wspierania i upowszechniania kultury fizycznej.",
        "body": "W konkursie mogą startować organizacje pozarządowe i podmioty wymienione "
        "w art. 3 ust. 3 ustawy o działalności pożytku publicznego i o wolontariacie.\n\n"
        "## Konsultacje\n\n"
        "Doradcy Centrum pomagają przygotować ofertę: zapisz się na konsultację "
        "indywidualną.",
    },
    {
        "org": 0,
        "category": "announcement",
        "days": -1,
        "title": "Szukamy wolontariuszy do zbiórki żywności",
        "lead": "W przyszły weekend prowadzimy zbiórkę żywności w sklepach na osiedlu. "
        "Potrzebujemy osób, które poświęcą dwie–trzy godziny.",
        "body": "Wolontariusze dostaną identyfikatory i krótkie przeszkolenie.\n\n"
        "**Zgłoszenia** przyjmujemy mailowo i telefonicznie do czwartku.",
    },
    {
        "org": 0,
        "category": "announcement",
        "status": "submitted",
        "title": "Zbiórka książek dla świetlicy osiedlowej",
        "lead": "Zbieramy książki dla dzieci i młodzieży do naszej świetlicy: powieści, "
        "komiksy i lektury szkolne w dobrym stanie.",
        "body": "Książki można przynosić do naszej siedziby od poniedziałku do piątku.",
    },
    {
        "org": 1,
        "category": "funding",
        "days": -3,
        "deadline": 10,
        "title": "Mikrogranty na działania sąsiedzkie – nabór wniosków",
        "lead": "Grupy mieszkańców mogą otrzymać do 5000 zł na wspólne działania dla "
        "swojej okolicy: pikniki, warsztaty, sprzątanie podwórek.",
        "body": "## Kto może złożyć wniosek\n\n"
        "- grupy co najmniej trzech pełnoletnich mieszkańców Białegostoku,\n"
        "- organizacje pozarządowe działające na rzecz osiedla.\n\n"
        "Wzór wniosku udostępniamy w naszej siedzibie.",
    },
    {
        "org": 2,
        "category": "funding",
        "days": -40,
        "deadline": -5,
        "title": "Fundusz Inicjatyw Młodzieżowych – nabór zakończony",
        "lead": "Dziękujemy za zgłoszenia do Funduszu Inicjatyw Młodzieżowych. Wyniki "
        "ogłosimy w ciągu trzech tygodni.",
        "body": "Wpłynęło 27 wniosków od grup młodzieżowych z całego miasta.",
    },
    {
        "org": 3,
        "category": "funding",
        "days": -60,
        "deadline": -30,
        "title": "Granty na projekty ekologiczne w szkołach",
        "lead": "Szkoły i organizacje mogły ubiegać się o dofinansowanie projektów "
        "edukacji ekologicznej dla uczniów.",
        "body": "Nabór jest zakończony; kolejną edycję zapowiemy wiosną.",
    },
    {
        "org": 1,
        "category": "event",
        "days": -4,
        "event": 12,
        "event_time": (15, 0),
        "event_place": "Skwer przy ul. Przykładowej 5 (demo)",
        "title": "Piknik sąsiedzki na osiedlu",
        "lead": "Zapraszamy całe rodziny na piknik: gry dla dzieci, kiermasz wypieków "
        "i koncert lokalnych zespołów.",
        "body": "## Program\n\n"
        "- 15:00 – otwarcie i gry podwórkowe,\n"
        "- 17:00 – kiermasz wypieków,\n"
        "- 18:30 – koncert.\n\n"
        "Wstęp wolny.",
    },
    {
        "org": 4,
        "category": "event",
        "days": -20,
        "event": -7,
        "event_time": (10, 0),
        "event_place": "Centrum Współpracy Organizacji Pozarządowych, sala szkoleniowa",
        "title": "Warsztaty pierwszej pomocy dla seniorów",
        "lead": "Ratownicy medyczni pokazali, jak udzielić pierwszej pomocy i jak wezwać "
        "pomoc. Dziękujemy wszystkim uczestnikom!",
        "body": "Kolejne warsztaty planujemy jesienią.",
    },
    {
        "org": 2,
        "category": "announcement",
        "days": -9,
        "title": "Bezpłatne dyżury prawnika dla mieszkańców",
        "lead": "W każdy pierwszy wtorek miesiąca prawnik wolontariusz udziela bezpłatnych "
        "porad w naszej siedzibie.",
        "body": "Na dyżur warto się zapisać telefonicznie. Porady dotyczą m.in. spraw "
        "mieszkaniowych, spadkowych i konsumenckich.",
    },
    {
        "org": 3,
        "category": "announcement",
        "days": -14,
        "title": "Nowa siedziba stowarzyszenia",
        "lead": "Od przyszłego miesiąca spotykamy się w nowej siedzibie, bliżej centrum "
        "miasta i bez barier architektonicznych.",
        "body": "Nowy adres podamy na naszym profilu w katalogu organizacji.",
    },
    {
        "org": 0,
        "category": "event",
        "days": 5,
        "event": 20,
        "event_time": (18, 0),
        "event_place": "Sala parafialna, ul. Przykładowa 12 (demo)",
        "title": "Koncert charytatywny chóru seniorów",
        "lead": "Zapraszamy na koncert chóru seniorów i młodzieży z osiedlowej świetlicy. "
        "Zbieramy datki na wakacyjny wyjazd dzieci.",
        "body": "Po koncercie zapraszamy na herbatę i domowe ciasta.",
    },
]
NEWS_HOURS = (9, 11, 13, 16)  # publication hours of the demo posts, in turn


def _news_slug(title):
    base = slugify_pl(title, max_length=200, fallback="aktualnosc")
    taken = set(NewsPost.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    return unique_slug(title, is_taken=taken.__contains__, max_length=200, fallback="aktualnosc")


def create_demo_news(organizations, *, now=None):
    """Create the DEMO_NEWS posts (those of an organisation only when there are
    organisations to give them to); return them."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    posts = []
    for index, spec in enumerate(DEMO_NEWS):
        org_index = spec["org"]
        if org_index is not None and not organizations:
            continue
        title = spec["title"] + DEMO_SUFFIX
        status = spec.get("status", NewsPost.Status.PUBLISHED)
        post = NewsPost(
            organization=None
            if org_index is None
            else organizations[org_index % len(organizations)],
            title=title,
            slug=_news_slug(title),
            category=spec["category"],
            lead=spec["lead"],
            body=spec["body"],
            status=status,
            is_demo=True,
        )
        hour = NEWS_HOURS[index % len(NEWS_HOURS)]
        if status == NewsPost.Status.PUBLISHED:
            post.published_at = at(today + timedelta(days=spec["days"]), time(hour))
            post.created_at = min(post.published_at, now) - timedelta(hours=20)
            if org_index is not None:
                post.submitted_at = post.created_at + timedelta(hours=2)
        else:  # waiting for approval since yesterday
            post.created_at = now - timedelta(days=1, hours=3)
            post.submitted_at = now - timedelta(days=1)
        if "deadline" in spec:
            post.funding_deadline = today + timedelta(days=spec["deadline"])
        if "event" in spec:
            post.event_starts_at = at(
                today + timedelta(days=spec["event"]), time(*spec["event_time"])
            )
            post.event_place = spec["event_place"]
        post.full_clean(exclude=["slug"])  # the model's rules and constraints, as the services
        posts.append(post)
    NewsPost.objects.bulk_create(posts)
    return posts


def seed_demo_news(*, stdout):
    """Create the demo news once: if demo posts exist already, create none."""
    existing = NewsPost.objects.filter(is_demo=True).count()
    if existing:
        stdout.write(f"Demo news: {existing} demo posts already there, none created.")
        return []
    # The first published demo organisations: the demo members administer the first ones.
    organizations = list(
        Organization.objects.filter(is_demo=True, status=Status.PUBLISHED).order_by("pk")[:5]
    )
    if not organizations:
        stdout.write("Demo news: no published demo organisation to write them, none created.")
        return []
    posts = create_demo_news(organizations)
    stdout.write(f"Demo news: created {len(posts)} demo posts.")
    return posts
