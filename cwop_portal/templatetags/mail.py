from django import template

from cwop_portal import emails

register = template.Library()


@register.simple_tag(takes_context=True)
def mail_failed(context):
    """Whether the last e-mail allauth tried to send this visitor failed (kept in the
    session until one goes out): `{% mail_failed as failed %}`."""
    session = getattr(context.get("request"), "session", None)
    return bool(session is not None and session.get(emails.FAILED_SESSION_KEY))
