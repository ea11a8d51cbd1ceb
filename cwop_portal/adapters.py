from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from cwop_portal import emails, params


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are identified by their e-mail address, stored lower-case."""

    def clean_email(self, email):
        return super().clean_email(email).strip().lower()

    def is_safe_url(self, url):
        """Every `next` allauth reads (log in, log out, sign up, password reset…)
        passes here: an address Python cannot even parse ("http://[") is not safe
        (allauth's check raises on it: a 500), so the page's default is used."""
        if not params.is_parseable_url(url):
            return False
        return super().is_safe_url(url)

    def send_mail(self, template_prefix, email, context):
        """allauth's e-mails (sign-up confirmation, password reset…) go out at once,
        as in allauth, but a failure never breaks the page: it is logged, and the
        session remembers it for the page that would say "we have sent you an
        e-mail" (`{% mail_failed as failed %}` in its template)."""
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {
                "request": request,
                "email": email,
                "current_site": get_current_site(request),
                **context,
            },
        )
        delivery = emails.send_message(message, template_prefix)
        emails.acknowledge()  # allauth's message and page say what happened
        session = getattr(request, "session", None)
        if session is not None:
            if delivery.failed:
                session[emails.FAILED_SESSION_KEY] = True
            else:
                session.pop(emails.FAILED_SESSION_KEY, None)
