"""E-mails from templates, sent after the database transaction commits.

A message is `templates/emails/<name>_subject.txt` and `<name>_body.txt`, rendered
in the given language (the recipient's, not necessarily the request's).
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def render_email(name, context, language=None):
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {"site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"emails/{name}_subject.txt", context)
        body = render_to_string(f"emails/{name}_body.txt", context)
    return " ".join(subject.split()), body


def send_email_on_commit(
    name, context, recipients, *, language=None, reply_to=None, attachments=None
):
    """Queue an e-mail to go out once the current transaction has committed.

    `attachments`: (filename, content, mimetype) triples, e.g. a calendar (ICS) file.
    """
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return
    subject, body = render_email(name, context, language)

    def send():
        EmailMessage(
            subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            recipients,
            reply_to=[reply_to] if reply_to else None,
            attachments=list(attachments or []),
        ).send()

    transaction.on_commit(send)


def staff_emails():
    """Addresses of the centre's staff, who moderate the portal."""
    from django.contrib.auth import get_user_model

    from cwop_portal.roles import CENTRE_STAFF

    return list(
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name=CENTRE_STAFF)
        .values_list("email", flat=True)
    )
