"""Search that copes with Polish: diacritics and word endings.

A searchable row keeps a `search_document`: its searchable text lower-cased,
without diacritics ("Łódź" -> "lodz"), one space between words and a space in
front, so a word's beginning is " word". A query word is reduced to its stem
(common Polish endings cut off: "edukacja" -> "edukac", "seniorów" -> "senior")
and must begin a word of the document. The same Python code builds documents and
queries, so SQLite and PostgreSQL answer alike; on PostgreSQL a trigram index
serves the LIKE lookups (each app's migration adds one for its documents).
"""

import re
import unicodedata

from django.db.models import Q

_NON_WORD = re.compile(r"[^0-9a-z]+")
_DIACRITICS = str.maketrans({"ł": "l", "Ł": "l"})  # ł has no decomposition

# Inflectional endings, longest first; a stem keeps at least MIN_STEM letters.
_ENDINGS = sorted(
    [
        "owie",
        "ami",
        "ach",
        "ów",
        "om",
        "ie",
        "iej",
        "ego",
        "emu",
        "ymi",
        "imi",
        "ych",
        "ich",
        "owi",
        "zy",
        "ą",
        "ę",
        "ia",
        "ii",
        "ji",
        "ja",
        "cja",
        "cji",
        "a",
        "e",
        "i",
        "o",
        "u",
        "y",
    ],
    key=len,
    reverse=True,
)
MIN_STEM = 4


def normalize(text):
    """Lower-case ASCII words separated by single spaces."""
    text = (text or "").translate(_DIACRITICS).lower()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.split(text)).strip()


def build_document(*parts):
    """The stored search text of a row, from its searchable parts: ' word word word'."""
    words = normalize(" ".join(p for p in parts if p)).split()
    return " " + " ".join(words) if words else ""


def stem(word):
    for ending in _ENDINGS:
        ending_ascii = normalize(ending)
        if word.endswith(ending_ascii) and len(word) - len(ending_ascii) >= MIN_STEM:
            return word[: -len(ending_ascii)]
    return word


def query_stems(query, limit=8):
    """The stems of the query's words (at most `limit`, each at least 2 letters)."""
    stems = []
    for word in normalize(query).split():
        if len(word) >= 2 and (s := stem(word)) not in stems:
            stems.append(s)
    return stems[:limit]


def matching(query):
    """A filter for the rows whose `search_document` has a word beginning with every
    query word's stem; an empty filter (every row) when the query has no words."""
    condition = Q()
    for word_stem in query_stems(query):
        condition &= Q(search_document__contains=" " + word_stem)
    return condition
