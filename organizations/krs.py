"""Optional "fill in from KRS": reads an organisation's data from the open API of the
National Court Register (Krajowy Rejestr Sądowy).

Off unless KRS_LOOKUP_ENABLED is set; the portal never depends on it. The network
call is `_fetch_json`, which the tests replace.
"""

import json
import urllib.error
import urllib.request

from django.conf import settings

# Registers of the KRS: S - associations, foundations and other NGOs; P - businesses.
REGISTERS = ("S", "P")
LEGAL_FORMS = {"STOWARZYSZENIE": "association", "FUNDACJA": "foundation"}


class KrsLookupError(Exception):
    """The register did not answer or answered something unreadable."""


def is_enabled():
    return settings.KRS_LOOKUP_ENABLED


def _fetch_json(url):
    """The JSON at `url`, or None for a 404 (no such entry)."""
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=settings.KRS_LOOKUP_TIMEOUT) as response:  # noqa: S310  # nosec B310 # https URL from settings
            return json.load(response)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise KrsLookupError(str(exc)) from exc
    except (urllib.error.URLError, TimeoutError, ValueError) as exc:
        raise KrsLookupError(str(exc)) from exc


def lookup(krs):
    """Profile fields of the entry `krs` (10 digits), {} when there is none.

    Raises KrsLookupError when the register cannot be asked."""
    if not is_enabled():
        return {}
    for register in REGISTERS:
        document = _fetch_json(settings.KRS_LOOKUP_URL.format(krs=krs, register=register))
        if document:
            return parse(document)
    return {}


def parse(document):
    """The fields of our organisation profile found in a KRS extract ("odpis")."""
    try:
        section = document["odpis"]["dane"]["dzial1"]
        entity = section["danePodmiotu"]
    except (KeyError, TypeError) as exc:
        raise KrsLookupError("unexpected document") from exc
    identifiers = entity.get("identyfikatory") or {}
    address = (section.get("siedzibaIAdres") or {}).get("adres") or {}
    street = " ".join(
        part
        for part in (
            address.get("ulica", ""),
            address.get("nrDomu", ""),
            f"/{address['nrLokalu']}" if address.get("nrLokalu") else "",
        )
        if part
    ).replace(" /", "/")
    data = {
        "name": entity.get("nazwa", ""),
        "legal_form": LEGAL_FORMS.get((entity.get("formaPrawna") or "").upper(), "other"),
        "nip": identifiers.get("nip", ""),
        "regon": identifiers.get("regon", ""),
        "is_opp": bool(entity.get("czyPosiadaStatusOPP")),
        "street_address": street.title() if street.isupper() else street,
        "postal_code": address.get("kodPocztowy", ""),
        "city": (address.get("miejscowosc") or "").title(),
    }
    return {key: value for key, value in data.items() if value not in ("", None)}
