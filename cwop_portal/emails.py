"""E-mails from templates, sent after the database transaction commits.

A message is `templates/emails/<name>_subject.txt` and `<name>_body.txt`, rendered
in the given language (the recipient's, not necessarily the request's).

Mail never breaks a request. Each e-mail is tried on its own; a failure is logged
(logger "cwop_portal.emails": the template's name and the number of recipients,
never the text) and noted on its `Delivery`, and the next e-mail is still tried.
What happened to the e-mails of a request is kept in a `MailReport`
(`MailReportMiddleware` opens one per request, `collect_mail()` one for a command),
so that nothing tells a person "we have e-mailed you" when the mail failed:

- a view that promises an e-mail asks `mail_failed()` after the service returned
  (the transaction has committed by then, so the e-mails have been tried) and says
  what really happened;
- for any other failure the middleware adds a message itself: for staff, who could
  not be e-mailed (so they can phone them); for anybody else, that their change is
  saved but an e-mail about it could not be sent.

When the mail server cannot be reached, the rest of the request's (or command's)
e-mails fail at once instead of each waiting for the connection to time out.
A reminder is marked as sent only once `send_email_now` succeeded, so a failed one
is retried by the next run. (Keeping unsent mail to retry it later is a later job.)
"""

import logging
import smtplib
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.contrib import messages
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

logger = logging.getLogger("cwop_portal.emails")

# A server that refuses one message (e.g. one recipient's address) may take the
# next; any other error means it cannot be used now.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)


class Delivery:
    """One e-mail and whether it went out: `sent` / `failed` are known once it has
    been tried (for `send_email_on_commit`, after the commit)."""

    PENDING, SENT, FAILED, EMPTY = "pending", "sent", "failed", "empty"

    def __init__(self, name, recipients):
        self.name = name
        self.recipients = list(recipients)
        self.status = self.PENDING if self.recipients else self.EMPTY

    @property
    def sent(self):
        return self.status == self.SENT

    @property
    def failed(self):
        return self.status == self.FAILED

    def __repr__(self):
        return f"<Delivery {self.name} to {len(self.recipients)}: {self.status}>"


class MailReport:
    """The e-mails tried during one request (or one run of a command)."""

    def __init__(self):
        self.deliveries = []
        self.server_down = False
        self.acknowledged = False

    def failed(self, *names):
        """The failed e-mails (only those of the templates `names`, if given)."""
        return [d for d in self.deliveries if d.failed and (not names or d.name in names)]

    def failed_recipients(self, *names):
        return sorted({address for d in self.failed(*names) for address in d.recipients})


_report = ContextVar("cwop_mail_report", default=None)
# Set in the session when an allauth e-mail failed (the page after the redirect
# says so), removed when one went out.
FAILED_SESSION_KEY = "cwop_mail_failed"


def current_report():
    return _report.get()


@contextmanager
def collect_mail():
    """Collect what happens to the e-mails sent inside the block (a `MailReport`)."""
    report = MailReport()
    token = _report.set(report)
    try:
        yield report
    finally:
        _report.reset(token)


def mail_failed(*names):
    """Whether an e-mail of the current request (of the templates `names`, if given)
    could not be sent. A view that asks says so itself: the middleware then adds
    no message of its own."""
    report = current_report()
    if report is None:
        return False
    acknowledge()
    return bool(report.failed(*names))


def acknowledge():
    """The caller tells the person what happened to the request's e-mails."""
    report = current_report()
    if report is not None:
        report.acknowledged = True


def failed_recipients(*names):
    """The addresses the current request's e-mails (of the templates `names`, if
    given) could not reach. Like `mail_failed`, asking means the caller says so."""
    report = current_report()
    if report is None:
        return []
    acknowledge()
    return report.failed_recipients(*names)


def send_message(message, name, delivery=None):
    """Send an `EmailMessage` now; returns its `Delivery`. Never raises."""
    delivery = delivery or Delivery(name, message.recipients())
    report = current_report()
    if report is not None:
        report.deliveries.append(delivery)
    if delivery.status == Delivery.EMPTY:
        return delivery
    if report is not None and report.server_down:
        delivery.status = Delivery.FAILED
        logger.error(
            "E-mail %s to %d recipient(s) not sent: the mail server failed earlier.",
            name,
            len(delivery.recipients),
        )
        return delivery
    try:
        message.send()
    except Exception as error:
        delivery.status = Delivery.FAILED
        if report is not None and not isinstance(error, MESSAGE_ERRORS):
            report.server_down = True
        logger.exception(
            "E-mail %s to %d recipient(s) could not be sent.", name, len(delivery.recipients)
        )
    else:
        delivery.status = Delivery.SENT
    return delivery


def render_email(name, context, language=None):
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {"site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"emails/{name}_subject.txt", context)
        body = render_to_string(f"emails/{name}_body.txt", context)
    return " ".join(subject.split()), body


def _message(name, context, recipients, *, language, reply_to, attachments):
    subject, body = render_email(name, context, language)
    return EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        recipients,
        reply_to=[reply_to] if reply_to else None,
        attachments=list(attachments or []),
    )


def deliverable(recipients):
    """The addresses worth sending to, once each: not empty, and not in the reserved
    top-level domain `.invalid` (RFC 2606), which the addresses of deleted accounts'
    anonymised records use."""
    return sorted({r for r in recipients if r and not r.lower().endswith(".invalid")})


def send_email_on_commit(
    name, context, recipients, *, language=None, reply_to=None, attachments=None
):
    """Queue an e-mail to go out once the current transaction has committed;
    returns its `Delivery` (pending until then; nothing happens on a rollback).

    `attachments`: (filename, content, mimetype) triples, e.g. a calendar (ICS) file.
    """
    recipients = deliverable(recipients)
    if not recipients:
        return Delivery(name, [])
    message = _message(
        name, context, recipients, language=language, reply_to=reply_to, attachments=attachments
    )
    delivery = Delivery(name, recipients)
    transaction.on_commit(lambda: send_message(message, name, delivery))
    return delivery


def send_email_now(name, context, recipients, *, language=None, reply_to=None, attachments=None):
    """Send an e-mail at once (even inside a transaction); returns its `Delivery`.
    For a reminder marked as sent only when it went out: mark it after this call,
    in the same transaction, if `delivery.failed` is false."""
    recipients = deliverable(recipients)
    if not recipients:
        return Delivery(name, [])
    message = _message(
        name, context, recipients, language=language, reply_to=reply_to, attachments=attachments
    )
    return send_message(message, name)


def staff_emails():
    """Addresses of the centre's staff, who moderate the portal."""
    from django.contrib.auth import get_user_model

    from cwop_portal.roles import CENTRE_STAFF

    return list(
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name=CENTRE_STAFF)
        .values_list("email", flat=True)
    )


# --- The request's report --------------------------------------------------------------


def failure_notice(report, user):
    """The message for e-mails of a request that failed and that the view did not
    mention: staff learn who was not e-mailed, anybody else that the e-mail failed."""
    addresses = report.failed_recipients()
    if user is not None and user.is_staff:
        return ngettext(
            "Could not e-mail %(count)d person: %(addresses)s. The change has been saved; "
            "please let them know another way, e.g. by phone.",
            "Could not e-mail %(count)d people: %(addresses)s. The change has been saved; "
            "please let them know another way, e.g. by phone.",
            len(addresses),
        ) % {"count": len(addresses), "addresses": ", ".join(addresses)}
    return _("Saved, but an e-mail about it could not be sent just now.")


class MailReportMiddleware:
    """Opens a `MailReport` for each request; e-mails that failed and that the view
    did not mention get a message (placed after the messages middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with collect_mail() as report:
            request.mail_report = report
            response = self.get_response(request)
        if report.failed() and not report.acknowledged:
            messages.warning(
                request, failure_notice(report, getattr(request, "user", None)), fail_silently=True
            )
        return response
