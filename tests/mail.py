"""Mail backends for the tests of a mail server that fails (tests/test_mail_failures.py).

`settings.EMAIL_BACKEND = "tests.mail.DownBackend"`: every send raises, as Django's
SMTP backend does when the server is stopped. `"tests.mail.RefusingBackend"`: the
server takes every message except those whose every recipient is in `REFUSED` (which
the test fills), as an SMTP server refusing a mailbox; the messages it takes land in
`django.core.mail.outbox`, as with the test backend.
"""

import smtplib

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

REFUSED = set()
attempts = []  # every message any of these backends was asked to send


class DownBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        attempts.extend(email_messages)
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        attempts.extend(email_messages)
        sent = 0
        for message in email_messages:
            # As smtplib: an error only when no recipient at all was accepted.
            if set(message.recipients()) <= REFUSED:
                raise smtplib.SMTPRecipientsRefused(
                    dict.fromkeys(message.recipients(), (550, b"Mailbox unavailable"))
                )
            mail.outbox.append(message)
            sent += 1
        return sent
