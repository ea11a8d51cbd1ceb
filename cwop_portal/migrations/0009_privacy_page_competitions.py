"""The privacy policy's default text now covers the competitions: nominations, the
guardian's consent for a young person, the jury, the public vote and what is kept of
them (#15). As in 0008, each language's text is replaced only while it is still the
previous default; a text staff have edited is left as it is, and they update it
themselves."""

import hashlib

from django.db import migrations

# SHA-256 of the previous default texts (as 0008 left them), normalised as below.
PREVIOUS_DEFAULT = {
    "body_pl": "8f5b503e2f467524c9f49749092911878025d2c3d916fd3e69d21d52671c71c8",
    "body_en": "452b2f62740ffd8d122516882e1fd0e0e3e596e700d3215ebdfd8765719f8b54",
}


def normalised(text):
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def fingerprint(text):
    return hashlib.sha256(normalised(text).encode()).hexdigest()


def update_privacy_page(apps, schema_editor):
    from cwop_portal import initial_content as c

    Page = apps.get_model("cwop_portal", "Page")
    page = Page.objects.filter(key="privacy").first()
    if page is None:
        return
    new = {"body_pl": c.PRIVACY_BODY_PL, "body_en": c.PRIVACY_BODY_EN}
    changed = [
        field
        for field, previous in PREVIOUS_DEFAULT.items()
        if fingerprint(getattr(page, field)) == previous
    ]
    for field in changed:
        setattr(page, field, new[field])
    if changed:
        page.save(update_fields=[*changed, "updated_at"])


class Migration(migrations.Migration):
    dependencies = [("cwop_portal", "0008_privacy_page_public_consultations")]

    operations = [migrations.RunPython(update_privacy_page, migrations.RunPython.noop)]
