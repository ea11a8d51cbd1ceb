"""Initial vocabularies of the directory: the fields of public benefit activity
(art. 4 sec. 1 of the Act on public benefit activity and volunteering), target
groups and the districts (osiedla) of Białystok.

The data is frozen here, not imported from the code: the migration must give the
same rows whenever it runs. Staff edit, reorder and add terms in the admin; the
migration never overwrites a row that is already there (matched by slug), and
undoing it deletes nothing.
"""

from django.db import migrations
from django.db.models import Q

# (slug, name_pl, name_en), in the order of the act; positions 10, 20, ...
FIELDS_OF_ACTIVITY = [
    ("pomoc-spoleczna", "Pomoc społeczna", "Social assistance"),
    (
        "wspieranie-rodziny-i-systemu-pieczy-zastepczej",
        "Wspieranie rodziny i systemu pieczy zastępczej",
        "Family support and foster care",
    ),
    (
        "nieodplatna-pomoc-prawna-i-poradnictwo-obywatelskie",
        "Nieodpłatna pomoc prawna i poradnictwo obywatelskie",
        "Free legal aid and civic advice",
    ),
    (
        "integracja-i-reintegracja-zawodowa-i-spoleczna",
        "Integracja i reintegracja zawodowa i społeczna",
        "Social and vocational reintegration of people at risk of exclusion",
    ),
    ("dzialalnosc-charytatywna", "Działalność charytatywna", "Charity"),
    (
        "tradycja-narodowa-i-swiadomosc-obywatelska",
        "Tradycja narodowa i świadomość obywatelska",
        "National tradition and civic awareness",
    ),
    (
        "mniejszosci-narodowe-i-etniczne-oraz-jezyk-regionalny",
        "Mniejszości narodowe i etniczne oraz język regionalny",
        "National and ethnic minorities and regional language",
    ),
    ("integracja-cudzoziemcow", "Integracja cudzoziemców", "Integration of foreigners"),
    ("ochrona-i-promocja-zdrowia", "Ochrona i promocja zdrowia", "Health protection and promotion"),
    ("osoby-z-niepelnosprawnosciami", "Osoby z niepełnosprawnościami", "People with disabilities"),
    ("promocja-zatrudnienia", "Promocja zatrudnienia", "Employment promotion"),
    (
        "rowne-prawa-kobiet-i-mezczyzn",
        "Równe prawa kobiet i mężczyzn",
        "Equal rights of women and men",
    ),
    ("osoby-w-wieku-emerytalnym", "Osoby w wieku emerytalnym", "Seniors"),
    (
        "rozwoj-gospodarczy-i-przedsiebiorczosc",
        "Rozwój gospodarczy i przedsiębiorczość",
        "Economic development and entrepreneurship",
    ),
    (
        "technika-wynalazczosc-i-innowacyjnosc",
        "Technika, wynalazczość i innowacyjność",
        "Technology, invention and innovation",
    ),
    (
        "rozwoj-wspolnot-i-spolecznosci-lokalnych",
        "Rozwój wspólnot i społeczności lokalnych",
        "Local community development",
    ),
    (
        "nauka-edukacja-oswiata-i-wychowanie",
        "Nauka, edukacja, oświata i wychowanie",
        "Science, higher education, education and upbringing",
    ),
    (
        "dzieci-i-mlodziez-w-tym-wypoczynek",
        "Dzieci i młodzież, w tym wypoczynek",
        "Children and young people, including holidays",
    ),
    (
        "kultura-sztuka-dziedzictwo-narodowe",
        "Kultura, sztuka, dziedzictwo narodowe",
        "Culture, art and cultural heritage",
    ),
    ("kultura-fizyczna-i-sport", "Kultura fizyczna i sport", "Physical culture and sport"),
    (
        "ekologia-ochrona-zwierzat-i-dziedzictwa-przyrodniczego",
        "Ekologia, ochrona zwierząt i dziedzictwa przyrodniczego",
        "Ecology, animal protection and natural heritage",
    ),
    ("turystyka-i-krajoznawstwo", "Turystyka i krajoznawstwo", "Tourism and sightseeing"),
    (
        "porzadek-i-bezpieczenstwo-publiczne",
        "Porządek i bezpieczeństwo publiczne",
        "Public order and safety",
    ),
    ("obronnosc-panstwa", "Obronność państwa", "National defence"),
    (
        "wolnosci-i-prawa-czlowieka-rozwoj-demokracji",
        "Wolności i prawa człowieka, rozwój demokracji",
        "Human rights, civil liberties and democracy",
    ),
    (
        "ratownictwo-i-ochrona-ludnosci",
        "Ratownictwo i ochrona ludności",
        "Rescue and civil protection",
    ),
    (
        "pomoc-ofiarom-katastrof-i-konfliktow",
        "Pomoc ofiarom katastrof i konfliktów",
        "Help for victims of disasters and wars",
    ),
    ("prawa-konsumentow", "Prawa konsumentów", "Consumer rights"),
    (
        "integracja-europejska-i-wspolpraca-miedzynarodowa",
        "Integracja europejska i współpraca międzynarodowa",
        "European integration and international cooperation",
    ),
    (
        "promocja-i-organizacja-wolontariatu",
        "Promocja i organizacja wolontariatu",
        "Promotion and organisation of volunteering",
    ),
    (
        "polonia-i-polacy-za-granica",
        "Polonia i Polacy za granicą",
        "Polish diaspora and Poles abroad",
    ),
    (
        "kombatanci-i-osoby-represjonowane",
        "Kombatanci i osoby represjonowane",
        "Veterans and victims of repression",
    ),
    ("promocja-polski-za-granica", "Promocja Polski za granicą", "Promotion of Poland abroad"),
    (
        "rodzina-macierzynstwo-rodzicielstwo-prawa-dziecka",
        "Rodzina, macierzyństwo, rodzicielstwo, prawa dziecka",
        "Family, motherhood, parenthood and children's rights",
    ),
    (
        "przeciwdzialanie-uzaleznieniom-i-patologiom-spolecznym",
        "Przeciwdziałanie uzależnieniom i patologiom społecznym",
        "Prevention of addiction and social pathologies",
    ),
    ("rewitalizacja", "Rewitalizacja", "Revitalisation"),
    (
        "wspieranie-organizacji-pozarzadowych",
        "Wspieranie organizacji pozarządowych",
        "Support for non-governmental organisations",
    ),
]

# (slug, name_pl, name_en)
TARGET_GROUPS = [
    ("dzieci", "Dzieci", "Children"),
    ("mlodziez", "Młodzież", "Young people"),
    ("seniorzy", "Seniorzy", "Older people"),
    ("osoby-z-niepelnosprawnosciami", "Osoby z niepełnosprawnościami", "People with disabilities"),
    ("rodziny", "Rodziny", "Families"),
    ("migranci-i-uchodzcy", "Migranci i uchodźcy", "Migrants and refugees"),
    ("kobiety", "Kobiety", "Women"),
    (
        "osoby-w-kryzysie-bezdomnosci",
        "Osoby w kryzysie bezdomności",
        "People experiencing homelessness",
    ),
    ("osoby-bezrobotne", "Osoby bezrobotne", "Unemployed people"),
    ("organizacje-pozarzadowe", "Organizacje pozarządowe", "Non-governmental organisations"),
    ("mieszkancy-bialegostoku", "Mieszkańcy Białegostoku", "Residents of Białystok"),
    ("zwierzeta", "Zwierzęta", "Animals"),
]

# (slug, name): the osiedla of Białystok in Polish alphabetical order (Bagnówka since 2021).
DISTRICTS = [
    ("antoniuk", "Antoniuk"),
    ("bacieczki", "Bacieczki"),
    ("bagnowka", "Bagnówka"),
    ("bema", "Bema"),
    ("bialostoczek", "Białostoczek"),
    ("bojary", "Bojary"),
    ("centrum", "Centrum"),
    ("dojlidy", "Dojlidy"),
    ("dojlidy-gorne", "Dojlidy Górne"),
    ("dziesieciny-i", "Dziesięciny I"),
    ("dziesieciny-ii", "Dziesięciny II"),
    ("jaroszowka", "Jaroszówka"),
    ("kawaleryjskie", "Kawaleryjskie"),
    ("lesna-dolina", "Leśna Dolina"),
    ("mickiewicza", "Mickiewicza"),
    ("mlodych", "Młodych"),
    ("nowe-miasto", "Nowe Miasto"),
    ("piaski", "Piaski"),
    ("piasta-i", "Piasta I"),
    ("piasta-ii", "Piasta II"),
    ("przydworcowe", "Przydworcowe"),
    ("sienkiewicza", "Sienkiewicza"),
    ("skorupy", "Skorupy"),
    ("sloneczny-stok", "Słoneczny Stok"),
    ("starosielce", "Starosielce"),
    ("wygoda", "Wygoda"),
    ("wysoki-stoczek", "Wysoki Stoczek"),
    ("zawady", "Zawady"),
    ("zielone-wzgorza", "Zielone Wzgórza"),
]


def create_terms(apps, schema_editor):
    FieldOfActivity = apps.get_model("organizations", "FieldOfActivity")
    TargetGroup = apps.get_model("organizations", "TargetGroup")
    District = apps.get_model("organizations", "District")

    for model, rows in [(FieldOfActivity, FIELDS_OF_ACTIVITY), (TargetGroup, TARGET_GROUPS)]:
        for index, (slug, name_pl, name_en) in enumerate(rows, start=1):
            model.objects.get_or_create(
                slug=slug,
                defaults={"name_pl": name_pl, "name_en": name_en, "position": index * 10},
            )
    for index, (slug, name) in enumerate(DISTRICTS, start=1):
        # A district's name is unique too: one added by hand under another slug stays.
        if District.objects.filter(Q(slug=slug) | Q(name=name)).exists():
            continue
        District.objects.create(slug=slug, name=name, position=index * 10)


class Migration(migrations.Migration):
    dependencies = [("organizations", "0002_search_trigram_index")]

    operations = [migrations.RunPython(create_terms, migrations.RunPython.noop)]
