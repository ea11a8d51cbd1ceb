"""A draft act's text split into provisions (the units remarks refer to).

The text is read line by line, as Polish legislative technique writes an act:

- "§ 1." (or "§ 1", "§ 1a.", "Art. 1.") starts a paragraph of the act;
- "1." or "ust. 1" inside it starts a numbered passage ("ustęp");
- "1)" or "pkt 1" starts a point, "a)" or "lit. a" a letter of a point;
- "Załącznik nr 2" starts an annex: the labels that follow begin with it (an annex
  numbers its paragraphs from 1 again);
- "Rozdział 3" (and the chapter's title on the next line) is a heading, left out;
- any other line continues the provision above it (a tiret, a wrapped line).

A unit on the same line as its parent ("§ 3. 1. Tekst…") is recognised too. Each
provision's text is its own wording only: a paragraph split into passages keeps the
words before its first passage (an introduction, "Priorytetami są:"), or is left out
when there are none. The text before the first § (the act's title, its legal basis)
becomes one provision labelled "Preambuła": remarks on the legal basis are made too.
A text without any § is split by its passages and points alone.

DOCX: the paragraphs of word/document.xml, with Word's automatic numbering ("§ 1.",
"1)") written out as the text shows it, read with the standard library but refusing
a document type declaration or an entity (the safety of defusedxml: no entity
expansion, no external resources) and parts too large to be a draft act.
"""

import dataclasses
import re
import zipfile
from typing import IO, NoReturn
from xml.etree import ElementTree
from xml.parsers import expat

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PREAMBLE_LABEL = "Preambuła"
MAX_TEXT_LENGTH = 2_000_000
MAX_PROVISIONS = 2_000
MAX_XML_BYTES = 30 * 1024 * 1024
LABEL_MAX_LENGTH = 100

_UNIT_NUMBER = r"\d{1,4}[a-z]?"
SECTION = re.compile(rf"^§\s*({_UNIT_NUMBER})\s*\.?(?:\s+|$)(.*)$", re.IGNORECASE)
ARTICLE = re.compile(rf"^Art\.\s*({_UNIT_NUMBER})\s*\.?(?:\s+|$)(.*)$", re.IGNORECASE)
PASSAGE = re.compile(
    rf"^(?:ust\.\s*({_UNIT_NUMBER})\.?|({_UNIT_NUMBER})\.(?!\d))(?:\s+|$)(.*)$", re.IGNORECASE
)
POINT = re.compile(rf"^(?:pkt\s*({_UNIT_NUMBER})\)?|({_UNIT_NUMBER})\))(?:\s+|$)(.*)$")
LETTER = re.compile(r"^(?:lit\.\s*([a-z]{1,2})\)?|([a-z]{1,2})\))(?:\s+|$)(.*)$")
ANNEX = re.compile(r"^Załącznik(?:\s+nr\s+(\d{1,3}))?\b", re.IGNORECASE)
CHAPTER = re.compile(r"^(?:Rozdział|DZIAŁ)\s+[\dIVXLC]+\.?\s*(.*)$", re.IGNORECASE)

WORD_NAMESPACE = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclasses.dataclass
class ParsedProvision:
    label: str
    text: str


@dataclasses.dataclass
class _Unit:
    label: str
    lines: list[str] = dataclasses.field(default_factory=list)
    has_children: bool = False

    def wording(self) -> str:
        return "\n".join(self.lines).strip()


def _match(pattern: re.Pattern[str], line: str) -> tuple[str, str] | None:
    found = pattern.match(line)
    if found is None:
        return None
    *numbers, rest = found.groups()
    number = next(n for n in numbers if n)
    return number, rest.strip()


def split_text(text: str) -> list[ParsedProvision]:
    """The provisions of an act's text, in order (see the module's description)."""
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationError(
            {"text": [_("The text is too long for one act (at most 2,000,000 characters).")]}
        )
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    lines = [line for line in lines if line]
    has_sections = any(SECTION.match(line) or ARTICLE.match(line) for line in lines)

    units: list[_Unit] = []
    preamble = _Unit(PREAMBLE_LABEL)
    annex = ""
    section: _Unit | None = None
    passage: _Unit | None = None
    point: _Unit | None = None
    current: _Unit | None = None
    in_heading = False
    in_annex_preamble = False

    def prefixed(label: str) -> str:
        return f"{annex} {label}".strip()

    def start(label: str, parent: _Unit | None, rest: str) -> _Unit:
        if parent is not None:
            parent.has_children = True
        unit = _Unit(label[:LABEL_MAX_LENGTH])
        units.append(unit)
        if rest:
            unit.lines.append(rest)
        return unit

    for line in lines:
        if in_heading:
            # The chapter's title, unless the next unit starts at once.
            in_heading = False
            if not (SECTION.match(line) or ARTICLE.match(line)):
                continue
        if (found := ANNEX.match(line)) is not None:
            annex = f"Załącznik nr {found.group(1)}" if found.group(1) else "Załącznik"
            section = passage = point = current = None
            in_annex_preamble = True
            continue
        if CHAPTER.match(line):
            in_heading = not CHAPTER.match(line).group(1)  # type: ignore[union-attr]
            continue
        parsed = _match(SECTION, line)
        marker = "§ "
        if parsed is None and (parsed := _match(ARTICLE, line)) is not None:
            marker = "Art. "
        if parsed is not None:
            number, rest = parsed
            section = start(prefixed(f"{marker}{number}"), None, "")
            passage = point = None
            current = section
            in_annex_preamble = False
            # "§ 3. 1. Tekst": the first passage on the paragraph's line.
            if (inner := _match(PASSAGE, rest)) is not None:
                passage = start(f"{section.label} ust. {inner[0]}", section, inner[1])
                current = passage
            elif rest:
                section.lines.append(rest)
            continue
        if in_annex_preamble or (has_sections and section is None):
            if not annex:
                preamble.lines.append(line)
            continue
        base = section.label if section is not None else prefixed("")
        if (parsed := _match(PASSAGE, line)) is not None:
            passage = start(f"{base} ust. {parsed[0]}".strip(), section, parsed[1])
            point = None
            current = passage
            if (inner := _match(POINT, passage.wording())) is not None:
                passage.lines = []
                point = start(f"{passage.label} pkt {inner[0]}", passage, inner[1])
                current = point
            continue
        if (parsed := _match(POINT, line)) is not None:
            parent = passage or section
            label = parent.label if parent is not None else base
            point = start(f"{label} pkt {parsed[0]}".strip(), parent, parsed[1])
            current = point
            continue
        if (parsed := _match(LETTER, line)) is not None and (point or passage or section):
            parent = point or passage or section
            current = start(f"{parent.label} lit. {parsed[0]}", parent, parsed[1])  # type: ignore[union-attr]
            continue
        if current is not None:
            current.lines.append(line)
        elif not annex:
            preamble.lines.append(line)

    result = []
    if preamble.wording():
        result.append(ParsedProvision(PREAMBLE_LABEL, preamble.wording()))
    result += [
        ParsedProvision(unit.label, unit.wording())
        for unit in units
        if unit.wording() or not unit.has_children
    ]
    if len(result) > MAX_PROVISIONS:
        raise ValidationError(
            {"text": [_("An act of more than 2,000 provisions cannot be split here.")]}
        )
    return result


# --- DOCX ------------------------------------------------------------------------------


def _refuse_declarations(data: bytes, field: str) -> None:
    head = data.upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise ValidationError(
            {field: [_("The document declares a document type or entities; it is not read.")]}
        )


class _Refused(ValueError):
    """A document type or an entity declared: the document is not read."""


def _refuse(*args: object) -> NoReturn:
    raise _Refused


def _parse(data: bytes) -> ElementTree.Element:
    """The XML `data` as an element tree, read by expat with every document type,
    entity declaration and external reference refused (as defusedxml does)."""
    builder = ElementTree.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")

    def name(text: str) -> str:
        return "{" + text if "}" in text else text

    parser.StartElementHandler = lambda tag, attributes: builder.start(
        name(tag), {name(key): value for key, value in attributes.items()}
    )
    parser.EndElementHandler = lambda tag: builder.end(name(tag))
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.Parse(data, True)
    return builder.close()


def _read_part(archive: zipfile.ZipFile, name: str, field: str) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_XML_BYTES:
        raise ValidationError({field: [_("The document is too large to be read.")]})
    with archive.open(info) as handle:
        data = handle.read(MAX_XML_BYTES + 1)
    if len(data) > MAX_XML_BYTES:
        raise ValidationError({field: [_("The document is too large to be read.")]})
    _refuse_declarations(data, field)
    return data


def _to_roman(number: int) -> str:
    values = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC")]
    values += [(50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for value, letters in values:
        while number >= value:
            out += letters
            number -= value
    return out


def _number_text(number: int, number_format: str) -> str:
    if number_format == "lowerLetter":
        return chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)
    if number_format == "upperLetter":
        return chr(ord("A") + (number - 1) % 26) * ((number - 1) // 26 + 1)
    if number_format == "lowerRoman":
        return _to_roman(number).lower()
    if number_format == "upperRoman":
        return _to_roman(number)
    if number_format in ("bullet", "none"):
        return ""
    return str(number)


class _Numbering:
    """Word's automatic numbering: what a numbered paragraph's number reads."""

    def __init__(self, data: bytes | None) -> None:
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if data is None:
            return
        root = _parse(data)
        w = WORD_NAMESPACE
        abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
        for element in root.iter(f"{w}abstractNum"):
            levels = {}
            for level in element.iter(f"{w}lvl"):
                start = level.find(f"{w}start")
                number_format = level.find(f"{w}numFmt")
                text = level.find(f"{w}lvlText")
                levels[int(level.get(f"{w}ilvl", "0"))] = (
                    int(start.get(f"{w}val", "1")) if start is not None else 1,
                    number_format.get(f"{w}val", "decimal") if number_format is not None else "",
                    text.get(f"{w}val", "") if text is not None else "",
                )
            abstract[element.get(f"{w}abstractNumId", "")] = levels
        for element in root.iter(f"{w}num"):
            reference = element.find(f"{w}abstractNumId")
            if reference is not None:
                self.levels[element.get(f"{w}numId", "")] = abstract.get(
                    reference.get(f"{w}val", ""), {}
                )

    def label(self, number_id: str, level: int) -> str:
        levels = self.levels.get(number_id)
        if not levels or level not in levels:
            return ""
        counters = self.counters.setdefault(number_id, {})
        counters[level] = counters.get(level, levels[level][0] - 1) + 1
        for deeper in [key for key in counters if key > level]:
            del counters[deeper]
        if levels[level][1] in ("bullet", "none"):
            return ""
        text = levels[level][2]
        for index, (start, number_format, _text) in sorted(levels.items()):
            if f"%{index + 1}" in text:
                value = counters.get(index, start)
                text = text.replace(f"%{index + 1}", _number_text(value, number_format))
        return text


def docx_text(upload: IO[bytes], *, field: str = "docx") -> str:
    """The text of a DOCX file, a paragraph a line."""
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ValidationError({field: [_("This is not a DOCX file.")]}) from error
    with archive:
        try:
            document = _read_part(archive, "word/document.xml", field)
            if document is None:
                raise ValidationError({field: [_("This is not a DOCX file.")]})
            numbering = _Numbering(_read_part(archive, "word/numbering.xml", field))
            root = _parse(document)
            return _paragraphs(root, numbering)
        except (_Refused, expat.ExpatError, zipfile.BadZipFile, ValueError, EOFError) as error:
            raise ValidationError({field: [_("The DOCX file cannot be read.")]}) from error


def _paragraphs(root: ElementTree.Element, numbering: _Numbering) -> str:
    w = WORD_NAMESPACE
    paragraphs = []
    for paragraph in root.iter(f"{w}p"):
        parts = []
        properties = paragraph.find(f"{w}pPr/{w}numPr")
        if properties is not None:
            number_id = properties.find(f"{w}numId")
            level = properties.find(f"{w}ilvl")
            if number_id is not None:
                prefix = numbering.label(
                    number_id.get(f"{w}val", ""),
                    int(level.get(f"{w}val", "0")) if level is not None else 0,
                )
                if prefix:
                    parts.append(prefix + " ")
        for element in paragraph.iter():
            if element.tag == f"{w}t" and element.text:
                parts.append(element.text)
            elif element.tag in (f"{w}tab", f"{w}br"):
                parts.append(" ")
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs)


def split_docx(upload: IO[bytes], *, field: str = "docx") -> list[ParsedProvision]:
    """The provisions of a DOCX file's text."""
    return split_text(docx_text(upload, field=field))
