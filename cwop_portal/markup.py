"""Markdown written by staff or NGOs, rendered to safe HTML.

Markdown is converted with Python-Markdown and the result is cleaned by nh3
(the Ammonia sanitiser), so no script, style or event handler survives.
A level-1 heading becomes <h2>: the page's own title is its only <h1>.
"""

import re
from functools import lru_cache

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
    "dl",
    "dt",
    "dd",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "td": set()}
_TOP_HEADING = re.compile(r"<(/?)h1\b")


@lru_cache(maxsize=512)
def render_markdown(text):
    """Sanitised HTML of `text`; remembered per text, as pages show the same texts
    on every request (a changed text is a new key, so nothing goes stale)."""
    if not text:
        return ""
    html = markdown_lib.markdown(text, extensions=["extra", "sane_lists"])
    html = _TOP_HEADING.sub(lambda m: f"<{m.group(1)}h2", html)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )
