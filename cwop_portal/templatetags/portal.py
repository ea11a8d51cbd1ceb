from django import template
from django.utils.safestring import mark_safe

from cwop_portal.markup import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Render Markdown to sanitised HTML (safe to output)."""
    # Accepted: the HTML comes from render_markdown, which nh3 has sanitised.
    return mark_safe(render_markdown(text))  # noqa: S308  # nosec B308 B703
