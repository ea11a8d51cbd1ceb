"""A draft act's text split into provisions: § , ust., pkt and lit. as Polish acts
write them, pasted or read from a DOCX file (safely)."""

import io
import zipfile
from xml.sax.saxutils import escape

import pytest
from django.core.exceptions import ValidationError

from cooperation.provisions import PREAMBLE_LABEL, docx_text, split_docx, split_text

RESOLUTION = """UCHWAŁA NR XV/123/26
RADY MIASTA BIAŁYSTOK
z dnia 30 listopada 2026 r.
w sprawie przyjęcia „Programu współpracy Miasta Białystok z organizacjami pozarządowymi na rok 2027”

Na podstawie art. 18 ust. 2 pkt 15 ustawy z dnia 8 marca 1990 r. o samorządzie gminnym
(Dz. U. z 2024 r. poz. 1465) oraz art. 5a ust. 1 ustawy z dnia 24 kwietnia 2003 r.
o działalności pożytku publicznego i o wolontariacie uchwala się, co następuje:

§ 1. Przyjmuje się „Program współpracy Miasta Białystok z organizacjami
pozarządowymi na rok 2027”.
§ 2. 1. Celem głównym programu jest rozwój współpracy.
2. Celami szczegółowymi programu są:
1) wzmocnienie potencjału organizacji pozarządowych;
2) zwiększenie udziału mieszkańców:
a) w konsultacjach społecznych,
b) w wolontariacie;
3) poprawa jakości usług publicznych.
§ 3
Priorytetowymi zadaniami są:
pkt 1 wspieranie wolontariatu,
pkt 2 aktywizacja seniorów.
Rozdział 2
Formy współpracy
§ 4. ust. 1 Współpraca ma charakter finansowy i pozafinansowy.
ust. 2 Współpraca pozafinansowa obejmuje:
– konsultowanie projektów aktów prawa miejscowego,
– tworzenie zespołów doradczych.
§ 5. Wykonanie uchwały powierza się Prezydentowi Miasta Białystok.
§ 6. Uchwała wchodzi w życie z dniem 1 stycznia 2027 r.
"""


def as_dict(provisions):
    return {p.label: p.text for p in provisions}


def test_a_resolution_is_split_into_its_paragraphs_passages_points_and_letters():
    provisions = split_text(RESOLUTION)
    labels = [p.label for p in provisions]
    assert labels == [
        PREAMBLE_LABEL,
        "§ 1",
        "§ 2 ust. 1",
        "§ 2 ust. 2",
        "§ 2 ust. 2 pkt 1",
        "§ 2 ust. 2 pkt 2",
        "§ 2 ust. 2 pkt 2 lit. a",
        "§ 2 ust. 2 pkt 2 lit. b",
        "§ 2 ust. 2 pkt 3",
        "§ 3",
        "§ 3 pkt 1",
        "§ 3 pkt 2",
        "§ 4 ust. 1",
        "§ 4 ust. 2",
        "§ 5",
        "§ 6",
    ]
    text = as_dict(provisions)
    # Each provision has its own wording only; wrapped lines join it.
    assert text["§ 1"] == (
        "Przyjmuje się „Program współpracy Miasta Białystok z organizacjami\n"
        "pozarządowymi na rok 2027”."
    )
    assert text["§ 2 ust. 2"] == "Celami szczegółowymi programu są:"
    assert text["§ 2 ust. 2 pkt 2"] == "zwiększenie udziału mieszkańców:"
    assert text["§ 2 ust. 2 pkt 2 lit. b"] == "w wolontariacie;"
    assert text["§ 3"] == "Priorytetowymi zadaniami są:"
    assert text["§ 3 pkt 2"] == "aktywizacja seniorów."
    assert text["§ 4 ust. 2"].endswith("– tworzenie zespołów doradczych.")
    # The chapter's heading belongs to no provision.
    assert not any("Formy współpracy" in value for value in text.values())
    # The preamble keeps the legal basis ("art. 18 ust. 2 pkt 15" is no provision).
    assert "art. 18 ust. 2 pkt 15" in text[PREAMBLE_LABEL]
    assert text[PREAMBLE_LABEL].startswith("UCHWAŁA NR XV/123/26")


def test_a_paragraph_split_into_passages_without_words_of_its_own_is_left_out():
    labels = [p.label for p in split_text("§ 7.\n1. Pierwszy.\n2. Drugi.")]
    assert labels == ["§ 7 ust. 1", "§ 7 ust. 2"]


def test_articles_annexes_and_numbers_with_letters():
    text = """Ustawa
Art. 1. Przepis ogólny.
Art. 2a. 1. Wstawiony artykuł.
Załącznik nr 1 do uchwały nr XV/123/26
Program współpracy na rok 2027
§ 1. Program określa cele.
§ 1a. Dodany paragraf.
"""
    assert [(p.label, p.text) for p in split_text(text)] == [
        (PREAMBLE_LABEL, "Ustawa"),
        ("Art. 1", "Przepis ogólny."),
        ("Art. 2a ust. 1", "Wstawiony artykuł."),
        ("Załącznik nr 1 § 1", "Program określa cele."),
        ("Załącznik nr 1 § 1a", "Dodany paragraf."),
    ]


def test_a_text_without_paragraphs_is_split_by_its_passages_and_points():
    text = "Stanowisko zespołu\n1. Zespół opiniuje projekt.\n2. Zespół wnosi o:\n1) zmianę terminu;"
    assert [p.label for p in split_text(text)] == [
        PREAMBLE_LABEL,
        "ust. 1",
        "ust. 2",
        "ust. 2 pkt 1",
    ]


def test_a_number_in_the_text_is_no_provision():
    provisions = split_text("§ 1. Kwota wynosi\n1.500 zł rocznie.")
    assert [(p.label, p.text) for p in provisions] == [("§ 1", "Kwota wynosi\n1.500 zł rocznie.")]


def test_empty_and_hostile_texts():
    assert split_text("") == []
    assert split_text("\x00\r\n  \t") == []
    assert [p.label for p in split_text("§ 1. A\x00B\r\n§ 2. C")] == ["§ 1", "§ 2"]
    with pytest.raises(ValidationError) as error:
        split_text("§ 1. " + "a" * 2_000_001)
    assert "text" in error.value.error_dict
    with pytest.raises(ValidationError):
        split_text("\n".join(f"§ {n}. Przepis." for n in range(1, 2100)))
    long_label = split_text("§ 1.\n" + "".join(f"{n}) x\n" for n in range(1, 3)))
    assert all(len(p.label) <= 100 for p in long_label)


# --- DOCX --------------------------------------------------------------------------------

WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def paragraph(text, numbered=None):
    numbering = ""
    if numbered is not None:
        numbering = (
            f'<w:pPr><w:numPr><w:ilvl w:val="{numbered}"/><w:numId w:val="1"/></w:numPr></w:pPr>'
        )
    return f'<w:p>{numbering}<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def docx_file(paragraphs, *, numbering=None, document=None):
    """A minimal DOCX: `paragraphs` (text, or (text, numbering level)), or the
    `document` XML as given."""
    body = "".join(
        paragraph(*item) if isinstance(item, tuple) else paragraph(item) for item in paragraphs
    )
    body = f'<w:document xmlns:w="{WORD}"><w:body>{body}</w:body></w:document>'
    xml = document if document is not None else '<?xml version="1.0"?>' + body
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", xml)
        if numbering:
            archive.writestr("word/numbering.xml", numbering)
    buffer.seek(0)
    return buffer


def level(index, number_format, text):
    return (
        f'<w:lvl w:ilvl="{index}"><w:start w:val="1"/><w:numFmt w:val="{number_format}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
    )


NUMBERING = (
    f'<?xml version="1.0"?><w:numbering xmlns:w="{WORD}"><w:abstractNum w:abstractNumId="7">'
    + level(0, "decimal", "§ %1.")
    + level(1, "decimal", "%2)")
    + level(2, "lowerLetter", "%3)")
    + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num></w:numbering>'
)


def test_a_docx_is_read_with_words_automatic_numbering():
    upload = docx_file(
        [
            "Uchwała Nr XV/123/26",
            ("Przyjmuje się program.", 0),
            ("Priorytetami są:", 0),
            ("wolontariat;", 1),
            ("seniorzy:", 1),
            ("kluby seniora,", 2),
            ("uniwersytety trzeciego wieku.", 2),
            ("Uchwała wchodzi w życie po 14 dniach.", 0),
        ],
        numbering=NUMBERING,
    )
    assert [(p.label, p.text) for p in split_docx(upload)] == [
        (PREAMBLE_LABEL, "Uchwała Nr XV/123/26"),
        ("§ 1", "Przyjmuje się program."),
        ("§ 2", "Priorytetami są:"),
        ("§ 2 pkt 1", "wolontariat;"),
        ("§ 2 pkt 2", "seniorzy:"),
        ("§ 2 pkt 2 lit. a", "kluby seniora,"),
        ("§ 2 pkt 2 lit. b", "uniwersytety trzeciego wieku."),
        ("§ 3", "Uchwała wchodzi w życie po 14 dniach."),
    ]


def test_a_docx_with_typed_numbers_and_runs_split_across_a_paragraph():
    document = (
        f'<w:document xmlns:w="{WORD}"><w:body>'
        "<w:p><w:r><w:t>§ 1. Pierwsza </w:t></w:r><w:r><w:t>część</w:t></w:r>"
        "<w:r><w:tab/><w:t>dalej.</w:t></w:r></w:p>"
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>2. W tabeli.</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
        "</w:body></w:document>"
    )
    assert docx_text(docx_file([], document=document)) == "§ 1. Pierwsza część dalej.\n2. W tabeli."


@pytest.mark.parametrize(
    "document",
    [
        # "Billion laughs": entities that expand exponentially.
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><w:document>&lol2;</w:document>',
        # An external entity (a file of the server).
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<w:document>&x;</w:document>",
        '<?xml version="1.0"?><!doctype d><w:document/>',
    ],
)
def test_a_docx_declaring_entities_or_a_document_type_is_refused(document):
    with pytest.raises(ValidationError) as error:
        split_docx(docx_file([], document=document))
    assert "docx" in error.value.error_dict


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"PK\x03\x04 not really a zip",
        b"%PDF-1.4 a pdf",
    ],
)
def test_what_is_not_a_docx_is_an_error_on_the_file(content):
    with pytest.raises(ValidationError) as error:
        split_docx(io.BytesIO(content))
    assert "docx" in error.value.error_dict


def test_a_docx_without_its_document_or_with_broken_xml_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/other.xml", "<x/>")
    with pytest.raises(ValidationError):
        split_docx(buffer)
    with pytest.raises(ValidationError):
        split_docx(docx_file([], document="<w:document><unclosed>"))
    bad_numbering = NUMBERING.replace('w:val="1"/><w:numFmt', 'w:val="x"/><w:numFmt', 1)
    with pytest.raises(ValidationError):
        split_docx(docx_file([("Tekst", 0)], numbering=bad_numbering))


def test_a_declaration_the_byte_check_misses_is_refused_by_the_parser():
    """In UTF-16 the bytes of "<!DOCTYPE" differ: the parser refuses it itself."""
    document = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'
    with pytest.raises(ValidationError) as error:
        split_docx(docx_file([], document=document.encode("utf-16")))
    assert "docx" in error.value.error_dict
