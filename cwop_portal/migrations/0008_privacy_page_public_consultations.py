"""The privacy policy's default text now covers the public consultation of city acts
and the messages to the NGO Consultation Team (#14). As in 0003, each language's text
is replaced only while it is still the previous default; a text staff have edited is
left as it is, and they update it themselves."""

import hashlib

from django.db import migrations

# SHA-256 of the previous default texts (as 0003 left them), normalised as below.
PREVIOUS_DEFAULT = {
    "body_pl": "a5902c3e42381f22848a1eae19fcf0e650cf4ace8eeb958e794d84702feb5e7f",
    "body_en": "5f74c6dd25aaa62d7a09cb33d5e09cc1e686e9632a789fe30e1dad92c111710b",
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
    dependencies = [("cwop_portal", "0007_custom_pages")]

    operations = [migrations.RunPython(update_privacy_page, migrations.RunPython.noop)]
