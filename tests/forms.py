"""Submit a form as a browser would: the values the page rendered, then what the
person changes.

A write-path test takes its fields from the page a person sees (every hidden field,
inline management form, pre-filled value, the options selected, the boxes left
unticked) rather than from a dictionary written next to the test, so a field the
page stops offering shows up as a failure:

    data = post_form(client.get(url)).data(tick_every_box=True, name="Zofia")
    data = submitted(page, action=url, button=("action", "cancel"))

`post_form` finds a form by where it posts (this page unless `action` is given) or by
its id; `Form.data()` is what submitting it sends, with changes. `submitted` is the
one matching form's data as a dict, with the pressed button's name and value;
`where={name: value}` tells forms apart when a page has several (one per row).
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

NOT_SENT = {"submit", "button", "reset", "image", "file"}


class Form:
    """A form of a rendered page: `data()` is what submitting it unchanged sends."""

    def __init__(self, attrs):
        self.attrs = attrs
        self.fields = []  # (name, value) in the order a browser sends them
        self.checkboxes = []  # (name, value, type) of every box, ticked or not
        self.buttons = []  # (name, value) of the submit buttons
        self.selects = {}  # name -> the values of its options

    @property
    def method(self):
        return (self.attrs.get("method") or "get").lower()

    @property
    def action(self):
        return self.attrs.get("action") or ""

    def data(self, *, tick_every_box=False, **changes):
        """The POST data: {name: [values]}; `changes` replace fields (None drops one)."""
        data = {}
        for name, value in self.fields:
            if name != "csrfmiddlewaretoken":
                data.setdefault(name, []).append(value)
        if tick_every_box:
            for name, value, kind in self.checkboxes:
                if kind == "checkbox" and value not in data.get(name, []):
                    data.setdefault(name, []).append(value)
        for name, value in changes.items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value if isinstance(value, list) else [value]
        return data


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.form = None
        self.select = None  # {"name", "multiple", "options": [(value, selected)], "disabled"}
        self.option = None  # [value or None, text, selected]
        self.textarea = None  # [name, text]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.form = Form(attrs)
            self.forms.append(self.form)
            return
        if self.form is None:
            return
        name = attrs.get("name")
        disabled = "disabled" in attrs
        if tag == "input" and name and not disabled:
            kind = (attrs.get("type") or "text").lower()
            if kind in {"checkbox", "radio"}:
                self.form.checkboxes.append((name, attrs.get("value", "on"), kind))
                if "checked" in attrs:
                    self.form.fields.append((name, attrs.get("value", "on")))
            elif kind in {"submit", "image"}:
                self.form.buttons.append((name, attrs.get("value", "")))
            elif kind not in NOT_SENT:
                self.form.fields.append((name, attrs.get("value", "")))
        elif tag == "button" and name and not disabled:
            if (attrs.get("type") or "submit").lower() == "submit":
                self.form.buttons.append((name, attrs.get("value", "")))
        elif tag == "select":
            self.select = {
                "name": name,
                "multiple": "multiple" in attrs,
                "options": [],
                "disabled": disabled,
            }
        elif tag == "option" and self.select is not None:
            self._end_option()
            self.option = [attrs.get("value"), "", "selected" in attrs]
        elif tag == "textarea" and name and not disabled:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.option is not None:
            self.option[1] += data
        if self.textarea is not None:
            self.textarea[1] += data

    def _end_option(self):
        if self.option is not None:
            value, text, selected = self.option
            self.select["options"].append((text.strip() if value is None else value, selected))
            self.option = None

    def handle_endtag(self, tag):
        if tag == "option":
            self._end_option()
        elif tag == "select" and self.select is not None:
            self._end_option()
            select, self.select = self.select, None
            if not select["name"] or select["disabled"] or self.form is None:
                return
            options = select["options"]
            chosen = [value for value, selected in options if selected]
            if not chosen and not select["multiple"] and options:
                chosen = [options[0][0]]  # a browser sends the first option
            self.form.fields.extend((select["name"], value) for value in chosen)
            self.form.selects[select["name"]] = [value for value, _ in options]
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            # A browser drops the one newline that follows the opening tag.
            self.form.fields.append((name, text.removeprefix("\n")))
            self.textarea = None
        elif tag == "form":
            self.form = None


def forms_of(html):
    parser = _Parser()
    parser.feed(html if isinstance(html, str) else html.decode())
    return parser.forms


def _path(url):
    return urlsplit(url).path


def post_form(response, *, action=None, form_id=None):
    """The POST form of a page that submits to `action` (by default to the page
    itself: no action, or the page's own address), or the one with this id."""
    page = response.wsgi_request.path
    for form in forms_of(response.content):
        if form.method != "post":
            continue
        if form_id is not None:
            if form.attrs.get("id") == form_id:
                return form
        elif _path(form.action or page) == _path(action or page):
            return form
    raise AssertionError(f"no POST form to {action or page} on the page")


def submitted(response, *, action=None, button=None, where=None):
    """The data the page's one matching POST form sends, as a dict (a name sent more
    than once maps to a list), with the pressed `button=(name, value)`. The CSRF token
    is left out: the test client does not check it."""
    assert response.status_code == 200, response.status_code
    page = _path(response.wsgi_request.path)
    found = []
    for form in forms_of(response.content):
        if form.method != "post" or _path(form.action or page) != _path(action or page):
            continue
        if button is not None and tuple(button) not in form.buttons:
            continue
        if where and any((name, str(value)) not in form.fields for name, value in where.items()):
            continue
        found.append(form)
    assert len(found) == 1, f"{len(found)} forms match on {page}"
    data = {}
    pairs = [pair for pair in found[0].fields if pair[0] != "csrfmiddlewaretoken"]
    if button is not None:
        pairs.append(tuple(button))
    for name, value in pairs:
        if name in data:
            data[name] = (
                [*data[name], value] if isinstance(data[name], list) else [data[name], value]
            )
        else:
            data[name] = value
    return data


def admin_form_data(response, **changes):
    """The data of an admin add or change page's form as rendered, with `changes`,
    and the "Save" button pressed."""
    form = post_form(response, form_id=f"{response.context['opts'].model_name}_form")
    data = form.data(**changes)
    data["_save"] = "Zapisz"
    return data


def admin_save(client, url, **changes):
    """Open an admin add or change page, change it and save it as it was rendered."""
    return client.post(url, admin_form_data(client.get(url), **changes))


def history_cells(client, url):
    """The read-only cells of an admin change page (the history inline's among them),
    their white space folded: what staff read there."""
    html = client.get(url).content.decode()
    return [" ".join(cell.split()) for cell in re.findall(r"<p>([^<]*)</p>", html)]


def page_errors(response):
    """What a rendered form says is wrong (Django's and the admin's error lists, the
    Bootstrap feedback), for an assertion's message."""
    html = response.content.decode()
    found = re.findall(r'class="(?:errorlist|invalid-feedback)[^"]*"[^>]*>(.*?)</', html, re.S)
    return [re.sub(r"<[^>]+>|\s+", " ", text).strip() for text in found] or html[:300]
