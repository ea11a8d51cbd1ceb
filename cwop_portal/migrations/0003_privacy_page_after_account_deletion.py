"""The privacy policy's default text now says what is kept after an account is
deleted, and for how long (#12). The page is staff-editable: each language's text is
replaced only while it is still the previous default (compared without regard to
line endings and trailing spaces, which a browser's textarea changes); a text staff
have edited is left as it is, and they update it themselves."""

import hashlib

from django.db import migrations

# SHA-256 of the previous default texts (migration 0002), normalised as below.
PREVIOUS_DEFAULT = {
    "body_pl": "56d396940fd28a4041ea87f16d189dad85743c3535594c3c960cdae1b91dd72a",
    "body_en": "b51df907c16df0f9ace5c523a30ae07b42097493df10899d6e930e0b01189b5e",
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
    dependencies = [("cwop_portal", "0002_initial_content")]

    operations = [migrations.RunPython(update_privacy_page, migrations.RunPython.noop)]
