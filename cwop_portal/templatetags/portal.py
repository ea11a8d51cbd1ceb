from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from cwop_portal.markup import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Render Markdown to sanitised HTML (safe to output)."""
    # Accepted: the HTML comes from render_markdown, which nh3 has sanitised.
    return mark_safe(render_markdown(text))  # noqa: S308  # nosec B308 B703


@register.filter(name="select_options")
def select_options(bound_field):
    """The <option> elements of a bound choice field, written in one pass.

    Django's Select widget renders each option through a template of its own, which
    costs milliseconds for a few long vocabularies; this gives the same markup
    (values and labels escaped, the current value selected) in a fraction of that.
    """
    value = bound_field.value()
    current = "" if value is None else str(value)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (choice_value, " selected" if str(choice_value) == current else "", label)
            for choice_value, label in bound_field.field.choices
        ),
    )
