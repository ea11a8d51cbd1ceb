"""Initial content of the staff-editable pages, in Polish and English.

Plain Markdown strings, loaded once into the database; afterwards the centre's staff
edit the pages in the admin. The Polish text of "O Centrum" follows the centre's own
page (shared/seed/000_427cea25293a0f80.txt). Headings start at ``##``: the page title
is the only top-level heading. Text in square brackets is a placeholder that the
centre's staff must complete; nothing in it is a fact about the centre.
"""

# ---------------------------------------------------------------------------
# Home page
# ---------------------------------------------------------------------------

HOME_TITLE_PL = "Centrum Współpracy Organizacji Pozarządowych"
HOME_TITLE_EN = "NGO Cooperation Centre"

HOME_LEAD_PL = (
    "Centrum Współpracy Organizacji Pozarządowych, prowadzone przez Miasto Białystok, "
    "wspiera białostockie organizacje pozarządowe i grupy inicjatywne: udostępnia im "
    "pomieszczenia, zapewnia doradztwo i promuje ich działalność."
)
HOME_LEAD_EN = (
    "The NGO Cooperation Centre, run by the City of Białystok, supports Białystok's "
    "non-governmental organisations and initiative groups: it provides them with premises, "
    "offers advice and promotes their work."
)

HOME_BODY_PL = """\
Centrum wspiera stowarzyszenia, stowarzyszenia zwykłe, fundacje oraz grupy inicjatywne, \
które przygotowują się do zarejestrowania organizacji.

## Pomieszczenia

- sale szkoleniowe,
- stanowisko pracy wyposażone w podstawowy sprzęt biurowy,
- adres do korespondencji dla organizacji,
- miejsce na tablicach i stojakach na informacje i ulotki organizacji.

## Doradztwo

- szkolenia prowadzone przez Centrum lub jego partnerów,
- indywidualne konsultacje, m.in. z zarządzania organizacją, wolontariatu, pozyskiwania \
funduszy, pisania wniosków i ofert na realizację zadań publicznych gminy, zakładania \
i rozwiązywania stowarzyszeń i fundacji, tworzenia statutów oraz organizacji zbiórek \
publicznych,
- konsultacje z zakresu prawa administracyjnego prowadzone przez studentów Wyższej Szkoły \
Administracji Publicznej,
- księgozbiór spraw społecznych, w tym publikacje o III sektorze,
- kontakt z Zespołem Konsultacyjnym Organizacji Pozarządowych działającym przy Prezydencie \
Miasta Białegostoku.

## Promocja

- baza adresowa białostockich organizacji społecznych,
- bezpłatne publikowanie wiadomości od organizacji pozarządowych na portalu miejskim \
[www.bialystok.pl](https://www.bialystok.pl),
- kontaktowanie mieszkańców Białegostoku z organizacjami.

Szczegółowy opis celów i oferty Centrum znajduje się na stronie „O Centrum”.
"""

HOME_BODY_EN = """\
The centre supports associations, ordinary associations, foundations and initiative groups \
preparing to register an organisation.

## Premises

- training rooms,
- a workstation with basic office equipment,
- a correspondence address for organisations,
- space on notice boards and leaflet stands for organisations' information and leaflets.

## Advice

- trainings run by the centre or its partners,
- individual consultations on, among other things, managing an organisation, volunteering, \
fundraising, writing applications and offers for carrying out the municipality's public \
tasks, founding and dissolving associations and foundations, drafting statutes and \
organising public collections,
- consultations on administrative law given by students of the Wyższa Szkoła Administracji \
Publicznej (College of Public Administration),
- a collection of books on social affairs, including publications about the third sector,
- contact with the NGO Consultation Team attached to the Mayor of Białystok.

## Promotion

- the address directory of Białystok's social organisations,
- free publication of news from non-governmental organisations on the city portal \
[www.bialystok.pl](https://www.bialystok.pl),
- putting Białystok residents in touch with organisations.

A detailed description of the centre's goals and offer is on the “About the centre” page.
"""

# ---------------------------------------------------------------------------
# About the centre
# ---------------------------------------------------------------------------

ABOUT_TITLE_PL = "O Centrum"
ABOUT_TITLE_EN = "About the centre"

ABOUT_LEAD_PL = (
    "Centrum Współpracy Organizacji Pozarządowych wspiera merytorycznie, organizacyjnie "
    "i logistycznie białostockie organizacje pozarządowe i jest płaszczyzną ich współpracy "
    "z samorządem."
)
ABOUT_LEAD_EN = (
    "The NGO Cooperation Centre gives Białystok's non-governmental organisations substantive, "
    "organisational and logistical support and is a platform for their cooperation with "
    "local government."
)

ABOUT_BODY_PL = """\
Pełnomocnikiem Prezydenta Miasta Białegostoku ds. współpracy z organizacjami \
pozarządowymi jest Anna Pawłowska.

## Cele powołania Centrum

- wsparcie merytoryczne, organizacyjne i logistyczne białostockich organizacji \
pozarządowych,
- tworzenie płaszczyzny współpracy między jednostkami samorządowymi a organizacjami \
pozarządowymi,
- stworzenie miejsca pełniącego rolę centrum aktywności lokalnej i inkubatora inicjatyw \
obywatelskich,
- gromadzenie i udostępnianie informacji dotyczących III sektora, w tym możliwych źródeł \
finansowania działań,
- koordynacja działań dotyczących konsultowania działań Miasta, aktów prawa miejscowego \
z organizacjami pozarządowymi,
- koordynacja związana z przygotowaniem i realizacją Programu Współpracy Miasta Białystok \
z organizacjami pozarządowymi na dany rok,
- promocja pozytywnych postaw społecznych, w tym poprzez organizację konkursów „Społeczna \
Dusza” i Samorządowego Konkursu Nastolatków „Ośmiu Wspaniałych”.

## Adresaci działań Centrum

- stowarzyszenia,
- stowarzyszenia zwykłe,
- fundacje,
- grupy inicjatywne zmierzające do zarejestrowania organizacji.

## Co oferuje Centrum?

### Pomieszczenia Centrum

- możliwość korzystania z sal szkoleniowych,
- udostępnianie stanowiska pracy wyposażonego w podstawowy sprzęt biurowy,
- udostępnienie adresu do korespondencji,
- miejsce na tablicach i stojakach na informacje i ulotki organizacji.

### Doradztwo merytoryczne

- możliwość korzystania ze szkoleń realizowanych przez Centrum Współpracy Organizacji \
Pozarządowych lub partnerów,
- indywidualne konsultacje z zakresu zarządzania organizacjami pozarządowymi, porady \
specjalistów z zakresu wolontariatu, pozyskiwania funduszy, pisania wniosków i ofert na \
realizację zadań publicznych gminy, pracy metodą projektów, w zakresie prawnych procedur \
zakładania i rozwiązywania stowarzyszenia/fundacji, tworzenia statutów, organizacji zbiórek \
publicznych oraz obowiązków organizacji wobec organu nadzoru etc., pomoc w przygotowaniu \
materiałów promocyjnych,
- konsultacje z zakresu prawa administracyjnego prowadzone przez studentów Wyższej Szkoły \
Administracji Publicznej działających w kole naukowym – Centrum Informacji Administracyjnej,
- możliwość korzystania z księgozbioru spraw społecznych, w tym zawierającego informacje \
o III sektorze,
- kontakt z Zespołem Konsultacyjnym Organizacji Pozarządowych działającym przy Prezydencie \
Miasta Białegostoku.

### Promocja organizacji pozarządowych

- zamieszczenie bazy adresowej białostockich organizacji społecznych na portalu miejskim,
- bezpłatne umieszczanie wiadomości pochodzących od organizacji pozarządowych na portalu \
miejskim [www.bialystok.pl](https://www.bialystok.pl),
- kontaktowanie mieszkańców Białegostoku z poszczególnymi organizacjami.

## Informacja dodatkowa

Zarówno cele, jak i oferta mogą ewoluować w zależności od potrzeb, a także możliwości \
organizacji i grup współpracujących z Centrum.
"""

ABOUT_BODY_EN = """\
The Mayor of Białystok's Plenipotentiary for Cooperation with Non-Governmental \
Organisations is Anna Pawłowska.

## Why the centre was established

- to give Białystok's non-governmental organisations substantive, organisational and \
logistical support,
- to create a platform for cooperation between local government units and \
non-governmental organisations,
- to create a place that serves as a local activity centre and an incubator of civic \
initiatives,
- to collect and share information about the third sector, including possible sources \
of funding,
- to coordinate the consultation of the City's activities and local law with \
non-governmental organisations,
- to coordinate the preparation and implementation of the yearly Cooperation Programme \
of the City of Białystok with non-governmental organisations,
- to promote positive social attitudes, including by organising the “Społeczna Dusza” \
competition and the “Ośmiu Wspaniałych” Local Government Teenagers' Competition.

## Who the centre is for

- associations (stowarzyszenia),
- ordinary associations (stowarzyszenia zwykłe),
- foundations (fundacje),
- initiative groups working towards registering an organisation.

## What does the centre offer?

### The centre's premises

- use of the training rooms,
- a workstation equipped with basic office equipment,
- a correspondence address,
- space on notice boards and stands for organisations' information and leaflets.

### Substantive advice

- trainings run by the NGO Cooperation Centre or its partners,
- individual consultations on managing non-governmental organisations; specialist advice \
on volunteering, fundraising, writing applications and offers for carrying out the \
municipality's public tasks, working with the project method, the legal procedures for \
founding and dissolving an association or foundation, drafting statutes, organising public \
collections, organisations' obligations towards the supervisory authority, etc.; help with \
preparing promotional materials,
- consultations on administrative law given by students of the Wyższa Szkoła Administracji \
Publicznej (College of Public Administration) who are members of the student research \
club “Centrum Informacji Administracyjnej” (Administrative Information Centre),
- use of the collection of books on social affairs, including information about the third \
sector,
- contact with the NGO Consultation Team (Zespół Konsultacyjny Organizacji Pozarządowych) \
attached to the Mayor of Białystok.

### Promoting non-governmental organisations

- the address directory of Białystok's social organisations published on the city portal,
- free publication of news from non-governmental organisations on the city portal \
[www.bialystok.pl](https://www.bialystok.pl),
- putting Białystok residents in touch with individual organisations.

## Additional information

Both the goals and the offer may evolve depending on needs and on the capabilities of the \
organisations and groups cooperating with the centre.
"""

# ---------------------------------------------------------------------------
# Privacy policy (GDPR / RODO art. 13 information clause)
# ---------------------------------------------------------------------------

PRIVACY_TITLE_PL = "Polityka prywatności"
PRIVACY_TITLE_EN = "Privacy policy"

PRIVACY_LEAD_PL = (
    "Wyjaśniamy, kto przetwarza Twoje dane osobowe w portalu Centrum Współpracy Organizacji "
    "Pozarządowych, w jakim celu i na jakiej podstawie, jakie masz prawa oraz jakich plików "
    "cookies używa portal."
)
PRIVACY_LEAD_EN = (
    "This page explains who processes your personal data on the NGO Cooperation Centre's "
    "portal, for what purpose and on what legal basis, what your rights are and which "
    "cookies the portal uses."
)

PRIVACY_BODY_PL = """\
Zgodnie z art. 13 ust. 1 i 2 rozporządzenia Parlamentu Europejskiego i Rady (UE) 2016/679 \
z dnia 27 kwietnia 2016 r. w sprawie ochrony osób fizycznych w związku z przetwarzaniem \
danych osobowych i w sprawie swobodnego przepływu takich danych oraz uchylenia dyrektywy \
95/46/WE (ogólne rozporządzenie o ochronie danych, dalej „RODO”) informujemy, jak \
przetwarzamy Twoje dane osobowe w tym portalu.

## Administrator danych

Administratorem Twoich danych osobowych jest **Prezydent Miasta Białegostoku**, Urząd \
Miejski w Białymstoku, ul. Słonimska 1, 15-950 Białystok. W imieniu administratora portal \
prowadzi Centrum Współpracy Organizacji Pozarządowych. Z administratorem możesz się \
skontaktować listownie na podany wyżej adres.

## Inspektor ochrony danych

Administrator wyznaczył inspektora ochrony danych, którego dane kontaktowe publikuje Urząd \
Miejski w Białymstoku. Z inspektorem możesz się kontaktować we wszystkich sprawach \
dotyczących przetwarzania Twoich danych osobowych i korzystania z praw związanych z ich \
przetwarzaniem.

[Dane kontaktowe inspektora ochrony danych uzupełnia administrator portalu.]

## Cele i podstawy prawne przetwarzania

- **Konto w portalu** – założenie i prowadzenie konta oraz świadczenie za jego pośrednictwem \
usług Centrum (np. prowadzenie profilu organizacji, publikowanie aktualności). Podstawa \
prawna: art. 6 ust. 1 lit. b RODO (przetwarzanie niezbędne do świadczenia usługi, o którą \
prosisz, zakładając konto) oraz art. 6 ust. 1 lit. e RODO (wykonywanie zadania \
realizowanego w interesie publicznym – świadczenia usług Centrum na rzecz organizacji \
pozarządowych, w związku z art. 7 ust. 1 pkt 19 ustawy z dnia 8 marca 1990 r. \
o samorządzie gminnym oraz ustawą z dnia 24 kwietnia 2003 r. o działalności pożytku \
publicznego i o wolontariacie).
- **Wiadomości do organizacji pozarządowych** – przekazanie wiadomości, którą wysyłasz \
do organizacji przez formularz kontaktowy portalu. Podstawa prawna: Twoja zgoda (art. 6 \
ust. 1 lit. a RODO). Organizacja, do której piszesz, staje się odrębnym administratorem \
danych zawartych w otrzymanej wiadomości i sama odpowiada za ich dalsze przetwarzanie.
- **Rezerwacje, wypożyczenia i konsultacje** – obsługa rezerwacji sal, stanowiska pracy \
i miejsca na tablicach, wypożyczeń z księgozbioru oraz zapisów na konsultacje i szkolenia. \
Podstawa prawna: art. 6 ust. 1 lit. e RODO (wykonywanie zadania realizowanego w interesie \
publicznym).
- **Konsultacje społeczne projektów aktów Miasta** – przyjmowanie uwag zgłaszanych \
w imieniu organizacji (a gdy konsultacja na to pozwala – przez mieszkańców), wysyłanie \
zaproszeń i przypomnień o konsultacjach oraz przekazywanie wiadomości do Zespołu \
Konsultacyjnego Organizacji Pozarządowych. Podstawa prawna: art. 6 ust. 1 lit. e RODO \
w związku z art. 5 ust. 5 ustawy z dnia 24 kwietnia 2003 r. o działalności pożytku \
publicznego i o wolontariacie. W raporcie z konsultacji publikujemy treść uwagi i nazwę \
organizacji, w imieniu której ją zgłoszono – bez imienia, nazwiska i adresu e-mail osoby \
zgłaszającej; uwagi mieszkańców publikujemy z opisem „mieszkaniec”. Zaproszeń do konsultacji \
możesz nie otrzymywać – wyłączysz je w sekcji „Moje konto”.
- **Konkursy** (np. „Społeczna Dusza”, „Ośmiu Wspaniałych”) – przyjmowanie zgłoszeń \
kandydatów (dane zgłaszającego, kandydata, a w przypadku osoby niepełnoletniej – szkoły \
i rodzica lub opiekuna oraz jego zgody), ocena formalna, praca jury, ogłoszenie wyników \
oraz głosowanie publiczne. Podstawa prawna: Twoja zgoda (art. 6 ust. 1 lit. a RODO), \
a w zakresie ogłoszenia wyników – art. 6 ust. 1 lit. e RODO. Zgłoszenie widzą pracownicy \
Centrum i jurorzy jego kategorii. Z danych osoby niepełnoletniej publikujemy wyłącznie \
imię, inicjał nazwiska i szkołę.

## Odbiorcy danych

Twoje dane mogą otrzymać:

- podmioty świadczące usługi informatyczne (np. utrzymanie portalu i wysyłka poczty \
elektronicznej), które przetwarzają dane w imieniu administratora i na jego polecenie, \
na podstawie umowy powierzenia przetwarzania danych,
- organizacje pozarządowe, do których piszesz przez portal – w zakresie przesłanej \
wiadomości,
- organy i podmioty uprawnione do otrzymania danych na podstawie przepisów prawa.

## Okres przechowywania danych

- Dane konta przechowujemy do czasu jego usunięcia. Konto możesz w każdej chwili usunąć \
samodzielnie w sekcji „Moje konto” albo poprosić o to Centrum.
- Wiadomości przekazywane organizacjom przez formularz kontaktowy przechowujemy w portalu \
przez 90 dni od wysłania, a potem trwale je usuwamy. Kopia, którą organizacja otrzymała \
e-mailem, jest u niej – to organizacja decyduje, jak długo ją przechowuje.
- Wiadomości do Zespołu Konsultacyjnego przechowujemy w portalu przez 90 dni od wysłania, \
a potem trwale je usuwamy.
- Uwagi zgłoszone w konsultacjach społecznych są częścią dokumentacji konsultacji \
i przechowujemy je przez okres wynikający z przepisów o archiwizacji dokumentów.
- Zgłoszenia w konkursach są częścią dokumentacji konkursu i przechowujemy je przez okres \
wynikający z przepisów o archiwizacji dokumentów; wyniki (laureaci i wyróżnieni) pozostają \
w archiwum konkursu. Adresy e-mail osób głosujących w głosowaniu publicznym usuwamy po \
ogłoszeniu wyników – głosy liczą się dalej, już bez nich.
- Ewidencję korespondencji odbieranej w Centrum w imieniu organizacji (nadawca, data, \
imię i nazwisko osoby, która odebrała przesyłkę) przechowujemy przez 365 dni.
- Dokumentację rezerwacji, wypożyczeń, konsultacji i szkoleń przechowujemy przez okres \
wynikający z przepisów o archiwizacji dokumentów, w tym ustawy z dnia 14 lipca 1983 r. \
o narodowym zasobie archiwalnym i archiwach.

## Co dzieje się z danymi po usunięciu konta

Konta nie można usunąć, dopóki masz wypożyczone książki, jesteś jedynym administratorem \
organizacji widocznej w katalogu (lub czekającej na zatwierdzenie), masz konsultację, \
której nie można już odwołać przez internet, albo zasiadasz w jury konkursu, którego wyniki \
nie zostały jeszcze zatwierdzone – portal wskaże, co trzeba najpierw zrobić.

Razem z kontem usuwamy: Twoje imię i nazwisko, adresy e-mail i hasło, członkostwo \
w organizacjach, rezerwacje książek oraz wiadomości wysłane przez portal do organizacji \
z adresów przypisanych do konta. Nadchodzące konsultacje i zapisy na szkolenia zostają \
odwołane (doradca lub Centrum dostają o tym informację).

Bez Twojego imienia i nazwiska, adresu e-mail i numeru telefonu, przez okres wynikający \
z przepisów o archiwizacji dokumentów, zostają:

- rezerwacje sal, stanowiska pracy i miejsca na tablicach dokonane przez Ciebie w imieniu \
organizacji – jako rezerwacje tej organizacji,
- aktualności napisane przez Ciebie dla organizacji – jako aktualności tej organizacji,
- wypożyczenia książek (tytuł, egzemplarz, daty wypożyczenia i zwrotu),
- konsultacje: doradca, temat, termin, forma i to, czy się odbyły – bez Twojego pytania \
i notatek doradcy,
- zapisy na szkolenia: szkolenie, status zapisu i obecność,
- uwagi zgłoszone w konsultacjach społecznych (treść, organizacja, stanowisko Miasta) – \
jako część dokumentacji konsultacji,
- zgłoszenia kandydatów w konkursach i oddane głosy – jako część dokumentacji konkursu,
- historia zmian organizacji, rezerwacji i konsultacji – bez wskazania, że zmiany dokonało \
Twoje konto.

Treści wpisane w rezerwacjach i aktualnościach organizacji (np. cel rezerwacji) zostają \
bez zmian jako część dokumentacji organizacji. Ewidencja korespondencji jest usuwana \
po 365 dniach, jak opisano wyżej.

## Twoje prawa

Na zasadach określonych w RODO masz prawo do:

- dostępu do swoich danych i otrzymania ich kopii (art. 15 RODO),
- sprostowania danych (art. 16 RODO),
- usunięcia danych (art. 17 RODO),
- ograniczenia przetwarzania (art. 18 RODO),
- przenoszenia danych (art. 20 RODO) – w zakresie danych przetwarzanych na podstawie zgody \
lub w celu świadczenia usługi, o którą prosisz,
- wniesienia sprzeciwu wobec przetwarzania (art. 21 RODO) – w zakresie danych \
przetwarzanych w celu wykonania zadania realizowanego w interesie publicznym,
- cofnięcia zgody w dowolnym momencie – bez wpływu na zgodność z prawem przetwarzania, \
którego dokonano na podstawie zgody przed jej cofnięciem.

Aby skorzystać z tych praw, skontaktuj się z administratorem lub z inspektorem ochrony \
danych. W sekcji „Moje konto” możesz w każdej chwili samodzielnie pobrać swoje dane \
i usunąć konto.

## Prawo do wniesienia skargi

Jeśli uważasz, że przetwarzanie Twoich danych osobowych narusza przepisy RODO, masz prawo \
wnieść skargę do Prezesa Urzędu Ochrony Danych Osobowych, ul. Stawki 2, 00-193 Warszawa.

## Czy musisz podać dane

Podanie danych jest dobrowolne, ale niezbędne do założenia konta, dokonania rezerwacji, \
wypożyczenia książki, zapisu na konsultację lub szkolenie oraz wysłania wiadomości \
do organizacji.

## Zautomatyzowane podejmowanie decyzji

Twoje dane nie są wykorzystywane do zautomatyzowanego podejmowania decyzji, w tym \
do profilowania.

## Pliki cookies

Portal używa wyłącznie plików cookies niezbędnych do jego działania:

- pliku sesji – umożliwia logowanie i korzystanie z konta,
- pliku ochrony przed atakami CSRF – zabezpiecza wysyłane formularze,
- pliku z wybraną wersją językową – zapamiętuje wybrany język.

Portal nie używa narzędzi analitycznych ani statystycznych, nie osadza treści z innych \
serwisów i nie zapisuje plików cookies innych podmiotów. Niezbędne pliki cookies nie \
wymagają zgody, dlatego portal nie wyświetla prośby o zgodę na ich zapisanie. Możesz \
zablokować lub usunąć pliki cookies w ustawieniach przeglądarki, ale wtedy logowanie \
i wysyłanie formularzy nie będą działać.
"""

PRIVACY_BODY_EN = """\
In accordance with Article 13(1) and (2) of Regulation (EU) 2016/679 of the European \
Parliament and of the Council of 27 April 2016 on the protection of natural persons with \
regard to the processing of personal data and on the free movement of such data, and \
repealing Directive 95/46/EC (General Data Protection Regulation, “GDPR”), we explain \
below how we process your personal data on this portal.

## Controller

The controller of your personal data is the **Mayor of the City of Białystok** \
(Prezydent Miasta Białegostoku), Białystok City Hall (Urząd Miejski w Białymstoku), \
ul. Słonimska 1, 15-950 Białystok. The NGO Cooperation Centre runs the portal on the \
controller's behalf. You can contact the controller by post at the address above.

## Data protection officer

The controller has designated a data protection officer, whose contact details are \
published by Białystok City Hall. You can contact the data protection officer on all \
matters relating to the processing of your personal data and the exercise of your rights \
in connection with that processing.

[The data protection officer's contact details are filled in by the portal's administrator.]

## Purposes and legal bases of processing

- **Portal account** – creating and maintaining your account and providing the centre's \
services through it (for example managing an organisation's profile or publishing news). \
Legal basis: Article 6(1)(b) GDPR (processing necessary to provide the service you request \
by creating an account) and Article 6(1)(e) GDPR (performance of a task carried out in the \
public interest – providing the centre's services to non-governmental organisations, in \
connection with Article 7(1)(19) of the Act of 8 March 1990 on municipal self-government \
and the Act of 24 April 2003 on public benefit activity and volunteering).
- **Messages to non-governmental organisations** – relaying a message you send to an \
organisation through the portal's contact form. Legal basis: your consent (Article \
6(1)(a) GDPR). The organisation you write to becomes a separate controller of the data \
contained in the message it receives and is itself responsible for any further processing.
- **Bookings, loans and consultations** – handling bookings of rooms, the workstation and \
notice-board space, loans from the book collection, and registrations for consultations \
and trainings. Legal basis: Article 6(1)(e) GDPR (performance of a task carried out in \
the public interest).
- **Public consultation of the City's draft acts** – receiving remarks sent on behalf of \
organisations (and, where a consultation allows it, by residents), sending invitations \
and reminders about consultations, and relaying messages to the NGO Consultation Team. \
Legal basis: Article 6(1)(e) GDPR in connection with Article 5(5) of the Act of 24 April \
2003 on public benefit activity and volunteering. The consultation report publishes the \
text of a remark and the name of the organisation it was sent for – without the name and \
e-mail address of the person who sent it; residents' remarks are published as “a \
resident”. You can stop the invitations to consultations in the “My account” section.
- **Competitions** (e.g. “Społeczna Dusza”, “Ośmiu Wspaniałych”) – receiving nominations \
(the data of the nominator and the nominee and, for a young person, of the school and of \
the parent or guardian and their consent), the formal check, the jury's work, the \
announcement of the results and the public vote. Legal basis: your consent (Article \
6(1)(a) GDPR) and, for the announcement of the results, Article 6(1)(e) GDPR. A \
nomination is seen by the centre's staff and the jurors of its category. Of a young \
person we publish only the first name, the initial of the surname and the school.

## Recipients of the data

Your data may be disclosed to:

- IT service providers (for example for maintaining the portal and sending e-mail) who \
process the data on the controller's behalf and on its instructions, under a data \
processing agreement,
- the non-governmental organisations you write to through the portal – to the extent of \
the message you send,
- bodies and entities entitled to receive the data under the law.

## Retention period

- Account data are kept until the account is deleted. You can delete your account \
yourself at any time in the “My account” section, or ask the centre to do it.
- Messages relayed to organisations through the contact form are kept on the portal for \
90 days after they are sent and then permanently deleted. The copy the organisation \
received by e-mail is with the organisation, which decides how long to keep it.
- Messages to the Consultation Team are kept on the portal for 90 days after they are \
sent and then permanently deleted.
- Remarks sent in public consultations are part of the consultation's records and are \
kept for the period required by the law on archiving documents.
- Nominations in competitions are part of the competition's records and are kept for the \
period required by the law on archiving documents; the results (laureates and mentions) \
stay in the competition's archive. The e-mail addresses of people who voted in a public \
vote are deleted once the results are announced – the votes still count, without them.
- The register of post received by the centre on behalf of organisations (the sender, the \
date, the name of the person who collected the item) is kept for 365 days.
- Records of bookings, loans, consultations and trainings are kept for the period \
required by the rules on archiving documents, including the Act of 14 July 1983 on the \
national archival resource and archives.

## What happens to your data when you delete your account

The account cannot be deleted while you have library books on loan, while you are the \
only administrator of an organisation listed in the directory (or waiting for approval), \
while you have a consultation that can no longer be cancelled online, or while you sit on \
the jury of a competition whose results are not yet approved – the portal tells you what \
to do first.

Deleted with the account: your name, e-mail addresses and password, your memberships of \
organisations, your library reservations, and the messages you sent to organisations \
through the portal from the addresses of your account. Your upcoming consultations and \
training registrations are cancelled (the advisor or the centre is told).

Kept without your name, e-mail address and phone number, for the period required by the \
rules on archiving documents:

- the bookings of rooms, the workstation and notice-board space you made on behalf of an \
organisation – as that organisation's bookings,
- the news you wrote for an organisation – as that organisation's news,
- library loans (title, copy, dates lent and returned),
- consultations: the advisor, topic, time, form and whether it took place – without your \
question and the advisor's notes,
- training registrations: the training, the status of the registration and attendance,
- remarks sent in public consultations (the text, the organisation, the City's position) – \
as part of the consultation's records,
- the nominations you made in competitions and your votes – as part of the competition's \
records,
- the history of changes to organisations, bookings and consultations – without showing \
that your account made them.

What was written in an organisation's bookings and news (for example the purpose of a \
booking) stays unchanged as part of the organisation's records. The register of post is \
deleted after 365 days, as described above.

## Your rights

Under the conditions laid down in the GDPR, you have the right to:

- access your data and obtain a copy of it (Article 15 GDPR),
- rectification of your data (Article 16 GDPR),
- erasure of your data (Article 17 GDPR),
- restriction of processing (Article 18 GDPR),
- data portability (Article 20 GDPR) – for data processed on the basis of consent or to \
provide a service you request,
- object to processing (Article 21 GDPR) – for data processed for the performance of a \
task carried out in the public interest,
- withdraw your consent at any time, without affecting the lawfulness of processing based \
on consent before its withdrawal.

To exercise these rights, contact the controller or the data protection officer. In the \
“My account” section you can download your data and delete your account yourself at any \
time.

## Right to lodge a complaint

If you consider that the processing of your personal data infringes the GDPR, you have \
the right to lodge a complaint with the President of the Personal Data Protection Office \
(Prezes Urzędu Ochrony Danych Osobowych), ul. Stawki 2, 00-193 Warszawa.

## Do you have to provide your data

Providing your data is voluntary, but it is necessary to create an account, make a \
booking, borrow a book, register for a consultation or training, or send a message to \
an organisation.

## Automated decision-making

Your data are not used for automated decision-making, including profiling.

## Cookies

The portal uses only cookies that are strictly necessary for it to work:

- a session cookie – keeps you logged in,
- a CSRF protection cookie – secures the forms you submit,
- a language cookie – remembers the language you chose.

The portal uses no analytics or statistics tools, embeds no content from other websites \
and sets no third-party cookies. Strictly necessary cookies do not require consent, so \
the portal does not ask for consent to store them. You can block or delete cookies in \
your browser settings, but logging in and submitting forms will then not work.
"""

# ---------------------------------------------------------------------------
# Accessibility statement (deklaracja dostępności) – editable sections
# ---------------------------------------------------------------------------

A11Y_NON_COMPLIANT_PL = """\
- Dokumenty udostępnione do pobrania (np. pliki DOC i XLS) mogą nie być w pełni dostępne \
cyfrowo. Jeśli potrzebujesz dostępnej wersji dokumentu, skontaktuj się z Centrum.
- Treści dodawane przez organizacje pozarządowe (aktualności, opisy organizacji) mogą nie \
mieć odpowiednich tekstów alternatywnych, mimo że portal wymaga ich podawania. Jeśli \
napotkasz taką treść, zgłoś to Centrum.
"""

A11Y_NON_COMPLIANT_EN = """\
- Documents published for download (for example DOC and XLS files) may not be fully \
accessible. If you need an accessible version of a document, please contact the centre.
- Content added by non-governmental organisations (news, organisation descriptions) may \
lack adequate text alternatives, even though the portal requires them. If you come across \
such content, please let the centre know.
"""

A11Y_EXEMPTIONS_PL = ""
A11Y_EXEMPTIONS_EN = ""

A11Y_KEYBOARD_PL = """\
W portalu działają standardowe skróty klawiaturowe przeglądarki internetowej. Po pierwszym \
naciśnięciu klawisza Tab pojawia się odnośnik „Przejdź do treści głównej”, który pozwala \
pominąć menu. Portal nie ma własnych skrótów klawiaturowych.
"""

A11Y_KEYBOARD_EN = """\
Standard web browser keyboard shortcuts work on the portal. The first press of the Tab key \
shows the “Skip to main content” link, which lets you bypass the menu. The portal has no \
keyboard shortcuts of its own.
"""

A11Y_BUILDING_PL = """\
[Opis dostępności architektonicznej siedziby Centrum – wejścia do budynku, podjazdów, \
wind, toalet, pętli indukcyjnej oraz wstępu z psem asystującym – uzupełniają pracownicy \
Centrum.]

Zgodnie z art. 20a ustawy z dnia 27 sierpnia 1997 r. o rehabilitacji zawodowej i społecznej \
oraz zatrudnianiu osób niepełnosprawnych osoba z niepełnosprawnością korzystająca z pomocy \
psa asystującego ma prawo wejść z nim do budynku.
"""

A11Y_BUILDING_EN = """\
[The description of the architectural accessibility of the centre's premises – the \
entrance, ramps, lifts, toilets, induction loop and admission of assistance dogs – is \
filled in by the centre's staff.]

Under Article 20a of the Act of 27 August 1997 on vocational and social rehabilitation and \
employment of persons with disabilities, a person with a disability who is assisted by an \
assistance dog has the right to enter the building with the dog.
"""

A11Y_SIGN_LANGUAGE_PL = """\
Osoby głuche i słabosłyszące mogą kontaktować się z Centrum pisemnie, w szczególności \
pocztą elektroniczną na adres podany w danych kontaktowych w tej deklaracji.

Zgodnie z ustawą z dnia 19 sierpnia 2011 r. o języku migowym i innych środkach \
komunikowania się osoba uprawniona może skorzystać z pomocy tłumacza polskiego języka \
migowego (PJM). Chęć skorzystania z tej pomocy należy zgłosić co najmniej 3 dni robocze \
przed planowanym kontaktem z Centrum, z wyjątkiem sytuacji nagłych.

[Sposób zgłoszenia oraz formę pomocy tłumacza (np. tłumacz obecny na miejscu lub tłumacz \
online) uzupełniają pracownicy Centrum.]
"""

A11Y_SIGN_LANGUAGE_EN = """\
Deaf and hard-of-hearing persons may contact the centre in writing, in particular by \
e-mail at the address given in the contact details of this statement.

Under the Act of 19 August 2011 on sign language and other means of communication, an \
eligible person may use the assistance of a Polish Sign Language (PJM) interpreter. The \
request must be made at least 3 working days before the planned contact with the centre, \
except in emergencies.

[How to make the request and the form of interpreting (for example an interpreter on site \
or an online interpreter) are filled in by the centre's staff.]
"""

A11Y_ADDITIONAL_PL = ""
A11Y_ADDITIONAL_EN = ""
