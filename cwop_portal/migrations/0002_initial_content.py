"""Initial, staff-editable content: the pages, contact settings and the
accessibility statement. Existing rows are never overwritten."""

from django.db import migrations


def create_content(apps, schema_editor):
    from cwop_portal import initial_content as c

    Page = apps.get_model("cwop_portal", "Page")
    for key, prefix in (("home", "HOME"), ("about", "ABOUT"), ("privacy", "PRIVACY")):
        Page.objects.get_or_create(
            key=key,
            defaults={
                f"{field}_{lang}": getattr(c, f"{prefix}_{field.upper()}_{lang.upper()}")
                for field in ("title", "lead", "body")
                for lang in ("pl", "en")
            },
        )
    SiteSettings = apps.get_model("cwop_portal", "SiteSettings")
    SiteSettings.objects.get_or_create(pk=1)
    Statement = apps.get_model("cwop_portal", "AccessibilityStatement")
    Statement.objects.get_or_create(
        pk=1,
        defaults={
            "non_compliant_pl": c.A11Y_NON_COMPLIANT_PL,
            "non_compliant_en": c.A11Y_NON_COMPLIANT_EN,
            "exemptions_pl": c.A11Y_EXEMPTIONS_PL,
            "exemptions_en": c.A11Y_EXEMPTIONS_EN,
            "keyboard_shortcuts_pl": c.A11Y_KEYBOARD_PL,
            "keyboard_shortcuts_en": c.A11Y_KEYBOARD_EN,
            "building_pl": c.A11Y_BUILDING_PL,
            "building_en": c.A11Y_BUILDING_EN,
            "sign_language_pl": c.A11Y_SIGN_LANGUAGE_PL,
            "sign_language_en": c.A11Y_SIGN_LANGUAGE_EN,
            "additional_pl": c.A11Y_ADDITIONAL_PL,
            "additional_en": c.A11Y_ADDITIONAL_EN,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("cwop_portal", "0001_initial")]

    operations = [migrations.RunPython(create_content, migrations.RunPython.noop)]
