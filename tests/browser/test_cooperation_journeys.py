"""Public consultation of a city act, as people use it: staff create a consultation of
next year's Cooperation Programme in the admin, split the draft into provisions and
announce it; a member of an NGO working in a matching field gets the e-mail, follows
it and sends two remarks by keyboard; the deadline passes; staff record a position
on each remark and publish the report; a resident reads it."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cooperation.models import PublicConsultation, Remark
from tests.organizations.factories import FieldOfActivityFactory

pytestmark = pytest.mark.browser

LINK = re.compile(r"https?://[^\s]+")

DRAFT = """§ 1. Program określa cele i zasady współpracy Miasta z organizacjami.
§ 2. 1. Celem głównym jest rozwój społeczeństwa obywatelskiego.
2. Celami szczegółowymi są:
1) wzmacnianie organizacji;
2) aktywizacja mieszkańców.
§ 3. Program realizuje Centrum Współpracy Organizacji Pozarządowych."""


def local_field(moment):
    local = timezone.localtime(moment)
    return local.strftime("%d.%m.%Y"), local.strftime("%H:%M")


def test_staff_consult_the_programme_members_remark_staff_report_a_resident_reads(
    page, log_in, world, mailoutbox
):
    next_year = world.programme_year.year + 1
    field = FieldOfActivityFactory(name_pl="Pomoc społeczna")
    world.organization.fields_of_activity.add(field)
    staff = world.personas["staff"]
    member = world.personas["ngo_member"]

    # Staff create the consultation in the admin.
    log_in(staff)
    page.goto("/admin/cooperation/publicconsultation/add/")
    page.locator("#id_slug").fill(f"program-{next_year}")
    page.locator("#id_title_pl").fill(f"Projekt programu współpracy na rok {next_year}")
    page.locator("#id_office").fill("Departament Spraw Społecznych")
    start = timezone.now() - datetime.timedelta(hours=1)
    end = timezone.now() + datetime.timedelta(days=14)
    for name, moment in (("start", start), ("end", end)):
        day, time = local_field(moment)
        page.locator(f"#id_{name}_0").fill(day)
        page.locator(f"#id_{name}_1").fill(time)
    page.locator("#id_fields_of_activity_from").select_option(str(field.pk))
    page.locator("#id_fields_of_activity_add").click()
    page.locator("input[name=_continue]").first.click()
    page.wait_for_url(re.compile(r"/publicconsultation/\d+/change/"))
    consultation = PublicConsultation.objects.get(slug=f"program-{next_year}")
    assert consultation.status == PublicConsultation.Status.DRAFT

    # ...split the draft into provisions (preview, then replace)...
    page.get_by_role("link", name="Podziel akt na przepisy").click()
    page.locator("#id_text").fill(DRAFT)
    page.get_by_role("button", name="Pokaż podgląd").click()
    expect(page.locator("#split-preview")).to_contain_text("§ 2 ust. 2 pkt 1")
    page.get_by_role("button", name="Zastąp przepisy").click()
    expect(page.locator(".messagelist")).to_contain_text("6")
    assert list(consultation.provisions.values_list("label", flat=True)) == [
        "§ 1",
        "§ 2 ust. 1",
        "§ 2 ust. 2",
        "§ 2 ust. 2 pkt 1",
        "§ 2 ust. 2 pkt 2",
        "§ 3",
    ]

    # ...and announce it: members of organisations in the field are invited.
    mailoutbox.clear()
    page.get_by_role("button", name=re.compile("Ogłoś")).click()
    expect(page.locator(".messagelist")).to_be_visible()
    consultation.refresh_from_db()
    assert consultation.status == PublicConsultation.Status.OPEN
    invitation = next(m for m in mailoutbox if member.email in m.to)
    link = next(url for url in LINK.findall(invitation.body) if consultation.slug in url)

    # The member follows the e-mail and sends two remarks, by keyboard only.
    page.context.clear_cookies()
    log_in(member)
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    expect(page.locator("h1")).to_contain_text(f"rok {next_year}")
    second = consultation.provisions.get(label="§ 2 ust. 1")
    page.get_by_role("link", name="Zgłoś uwagę do: § 2 ust. 1").click()
    expect(page.get_by_label("Przepis", exact=True)).to_have_value(str(second.pk))
    page.get_by_label("Proponowane brzmienie").focus()
    page.keyboard.type("Celem głównym jest rozwój współpracy i społeczeństwa obywatelskiego.")
    page.keyboard.press("Tab")
    page.keyboard.type("Współpraca jest celem programu.")
    page.get_by_role("button", name="Wyślij uwagę").focus()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("Współpraca jest celem programu.")

    page.get_by_label("Przepis", exact=True).select_option(label="Uwaga ogólna (do całego aktu)")
    page.get_by_label("Uzasadnienie").fill("Program powinien mieć harmonogram konkursów.")
    page.get_by_role("button", name="Wyślij uwagę").click()
    remarks = Remark.objects.filter(consultation=consultation, status=Remark.Status.ACTIVE)
    assert remarks.count() == 2
    assert {r.organization for r in remarks} == {world.organization}
    assert any(member.email in m.to and "Współpraca jest celem" in m.body for m in mailoutbox)

    # The deadline passes.
    PublicConsultation.objects.filter(pk=consultation.pk).update(
        start=timezone.now() - datetime.timedelta(days=20),
        end=timezone.now() - datetime.timedelta(minutes=1),
    )

    # Staff record the positions and publish the report.
    page.context.clear_cookies()
    log_in(staff)
    positions = {"§ 2 ust. 1": "partly", None: "rejected"}
    for remark in remarks.select_related("provision"):
        page.goto(f"/admin/cooperation/remark/{remark.pk}/change/")
        page.locator("#id_position").select_option(
            positions[remark.provision and remark.provision.label]
        )
        page.locator("#id_position_justification").fill("Stanowisko Miasta z uzasadnieniem.")
        page.locator("input[name=_save]").first.click()
        expect(page.locator(".messagelist")).to_be_visible()
    page.goto(f"/admin/cooperation/publicconsultation/{consultation.pk}/change/")
    page.get_by_role("button", name=re.compile("Opublikuj raport")).click()
    expect(page.locator(".messagelist")).to_be_visible()
    consultation.refresh_from_db()
    assert consultation.status == PublicConsultation.Status.REPORT_PUBLISHED

    # A resident reads the report.
    page.context.clear_cookies()
    page.goto("/konsultacje-spoleczne/")
    page.get_by_role("link", name=re.compile(f"rok {next_year}")).first.click()
    page.get_by_role("link", name=re.compile("raport", re.IGNORECASE)).first.click()
    report = page.locator("main")
    expect(report).to_contain_text(world.organization.name)
    expect(report).to_contain_text("uwzględniona częściowo")
    expect(report).to_contain_text("Program powinien mieć harmonogram konkursów.")
    expect(report).not_to_contain_text(member.email)
