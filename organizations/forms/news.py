"""The form of the members' news pages: writing and editing an organisation's post.

The form parses and checks what a person typed and chose; the writes (and the
model's own validation, the image's re-encoding, the attachments' checks) happen
in `organizations.services.news`. Problems the form can see are shown on the field
concerned; the service checks the same things again.

Dates and times are typed in Białystok's time zone (Europe/Warsaw), whatever the
server's: a `datetime-local` input carries no offset.
"""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cwop_portal.dates import local_zone
from cwop_portal.images import validate_image_upload
from organizations.models import NewsAttachment, NewsPost
from organizations.models.news import validate_attachment

IMAGE_CONTENT_TYPES = "image/jpeg,image/png,image/gif,image/webp"
ATTACHMENT_ACCEPT = (
    ".pdf,.docx,.xlsx,.odt,application/pdf,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
    "application/vnd.oasis.opendocument.text"
)
MAX_ATTACHMENTS = 3

# What the form passes to news_services as `data` (all in news_services.EDITABLE_FIELDS).
POST_FIELDS = [
    "title",
    "category",
    "lead",
    "body",
    "lead_image_alt",
    "funding_deadline",
    "event_starts_at",
    "event_place",
    "published_at",
    "expires_at",
]
# Organisations write these; "centre news" is the centre's own (staff, in the admin).
MEMBER_CATEGORIES = [
    NewsPost.Category.ANNOUNCEMENT,
    NewsPost.Category.EVENT,
    NewsPost.Category.FUNDING,
]


class _KeepsOnlyValidValue:
    """Date and time inputs validate their `value`: a malformed one typed into a
    browser without a date picker (or sent by a script) is not shown again, so
    that the page stays valid HTML. Browsers with a picker never send one."""

    pattern = None

    def format_value(self, value):
        value = super().format_value(value)
        if isinstance(value, str) and value and not re.fullmatch(self.pattern, value):
            return None
        return value


class DateInput(_KeepsOnlyValidValue, forms.DateInput):
    input_type = "date"
    pattern = r"\d{4}-\d{2}-\d{2}"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeLocalInput(_KeepsOnlyValidValue, forms.DateTimeInput):
    input_type = "datetime-local"
    pattern = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _parsed(field, value):
    """What was typed, parsed when it can be: a date typed the Polish way
    ("31.05.2030", where a browser has no date picker) is shown again as the
    input's ISO value."""
    if isinstance(value, str):
        try:
            return field.to_python(value) or value
        except ValidationError:
            pass
    return value


class IsoDateField(forms.DateField):
    widget = DateInput

    def prepare_value(self, value):
        return super().prepare_value(_parsed(self, value))


class WarsawDateTimeField(forms.DateTimeField):
    """A date and time as people in Białystok read their clocks. A time that does
    not exist or happens twice when the clocks change (DST) is refused with a
    message, by Django's `from_current_timezone`."""

    widget = DateTimeLocalInput

    def to_python(self, value):
        with timezone.override(local_zone()):
            return super().to_python(value)

    def prepare_value(self, value):
        with timezone.override(local_zone()):
            return super().prepare_value(_parsed(self, value))


class AttachmentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return gettext("Remove “%(title)s” (%(type)s, %(size)s)") % {
            "title": obj.title,
            "type": obj.extension,
            "size": filesizeformat(obj.file_size),
        }


def _model_field(name, **kwargs):
    """The form field Django builds from the model field (limits, help text)."""
    return NewsPost._meta.get_field(name).formfield(**kwargs)


class NewsPostForm(forms.Form):
    """An organisation's news post, for writing one (`post=None`) and editing it."""

    title = _model_field("title", label=_("Title"))
    category = forms.ChoiceField(label=_("Category"))
    lead = _model_field(
        "lead",
        label=_("Lead"),
        help_text=_("One or two sentences shown in lists and feeds, at most 500 characters."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    body = _model_field("body", label=_("Text"), widget=forms.Textarea(attrs={"rows": 12}))
    # A plain file field: the services check the image and re-encode it.
    lead_image = forms.FileField(
        label=_("Lead image"),
        required=False,
        help_text=_(
            "JPEG, PNG, GIF or WebP, at most 5 MB and 4000 × 4000 pixels. The portal "
            "resizes it and removes its metadata (such as the place where a photo was taken)."
        ),
        widget=forms.FileInput(attrs={"accept": IMAGE_CONTENT_TYPES}),
    )
    lead_image_alt = _model_field(
        "lead_image_alt",
        label=_("Description of the image (alternative text)"),
        help_text=_("What the image shows, for people who cannot see it. Required with an image."),
    )
    remove_image = forms.BooleanField(label=_("Remove the current image"), required=False)
    funding_deadline = IsoDateField(
        label=_("Application deadline"),
        required=False,
        help_text=_("Required for funding calls."),
    )
    event_starts_at = WarsawDateTimeField(
        label=_("Date and time of the event"),
        required=False,
        help_text=_("For events: Białystok time."),
    )
    event_place = _model_field("event_place", label=_("Place of the event"))
    published_at = WarsawDateTimeField(
        label=_("Publish from"),
        required=False,
        help_text=_(
            "Optional: a later date and time schedules the post. Empty: it is published "
            "as soon as the centre approves it."
        ),
    )
    expires_at = WarsawDateTimeField(
        label=_("Hide after"),
        required=False,
        help_text=_("Optional, e.g. for an announcement that stops being current."),
    )
    remove_attachments = AttachmentChoiceField(
        label=_("Current attachments"),
        queryset=NewsAttachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick the attachments to remove."),
    )

    def __init__(self, *args, post=None, **kwargs):
        """`post` is the post being edited (None for a new one)."""
        self.post = post
        if post is not None:
            kwargs["initial"] = {
                **model_to_dict(post, fields=POST_FIELDS),
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        categories = list(MEMBER_CATEGORIES)
        if post is not None and post.category not in categories:
            categories.append(NewsPost.Category(post.category))  # e.g. set by staff
        self.fields["category"].choices = [(c.value, capfirst(c.label)) for c in categories]
        self.fields["category"].initial = NewsPost.Category.ANNOUNCEMENT
        if post is None or not post.lead_image:
            del self.fields["remove_image"]
        self.existing_attachments = list(post.attachments.all()) if post is not None else []
        if self.existing_attachments:
            self.fields["remove_attachments"].queryset = post.attachments.all()
        else:
            del self.fields["remove_attachments"]
        limit = filesizeformat(settings.DOCUMENT_MAX_UPLOAD_SIZE)
        for number in range(1, MAX_ATTACHMENTS + 1):
            self.fields[f"attachment_{number}"] = forms.FileField(
                label=gettext("File of attachment %(number)d") % {"number": number},
                required=False,
                help_text=gettext("PDF, DOCX, XLSX or ODT, at most %(limit)s.") % {"limit": limit},
                widget=forms.FileInput(attrs={"accept": ATTACHMENT_ACCEPT}),
            )
            self.fields[f"attachment_{number}_title"] = forms.CharField(
                label=gettext("Title of attachment %(number)d") % {"number": number},
                required=False,
                max_length=NewsAttachment._meta.get_field("title").max_length,
                help_text=_("E.g. “Rules of the call”. Empty: the file's name."),
            )

    # For the template.

    def attachment_rows(self):
        """(number, file field, title field) of each new attachment."""
        return [
            (number, self[f"attachment_{number}"], self[f"attachment_{number}_title"])
            for number in range(1, MAX_ATTACHMENTS + 1)
        ]

    # Checks of one field.

    def clean_lead_image(self):
        """Check the image here too, so that its problem is listed with the others;
        the services check it again and re-encode it."""
        image = self.cleaned_data["lead_image"]
        if image:
            validate_image_upload(image)
        return image

    def _clean_attachment(self, number):
        upload = self.cleaned_data[f"attachment_{number}"]
        if upload:
            validate_attachment(upload)
        return upload

    def clean_attachment_1(self):
        return self._clean_attachment(1)

    def clean_attachment_2(self):
        return self._clean_attachment(2)

    def clean_attachment_3(self):
        return self._clean_attachment(3)

    # Checks across fields.

    def clean(self):
        cleaned_data = super().clean()
        self._check_image_has_alt_text(cleaned_data)
        if (
            cleaned_data.get("category") == NewsPost.Category.FUNDING
            and "funding_deadline" in cleaned_data
            and not cleaned_data["funding_deadline"]
        ):
            self.add_error("funding_deadline", _("A funding call needs its application deadline."))
        self._check_expiry(cleaned_data)
        self._check_attachments(cleaned_data)
        return cleaned_data

    def _keeps_image(self, cleaned_data):
        if cleaned_data.get("lead_image"):
            return True
        has_image = self.post is not None and bool(self.post.lead_image)
        return has_image and not cleaned_data.get("remove_image")

    def _check_image_has_alt_text(self, cleaned_data):
        if "lead_image" in self.errors:
            return  # a refused image needs no description
        if (
            self._keeps_image(cleaned_data)
            and not cleaned_data.get("lead_image_alt", "").strip()
            and "lead_image_alt" not in self.errors
        ):
            self.add_error("lead_image_alt", _("Describe the image (alternative text)."))

    def _check_expiry(self, cleaned_data):
        expires_at = cleaned_data.get("expires_at")
        if not expires_at or "published_at" not in cleaned_data:
            return
        published_at = cleaned_data["published_at"]
        if published_at and expires_at <= published_at:
            self.add_error("expires_at", _("The post must be hidden after it is published."))
        elif (
            not published_at and "expires_at" in self.changed_data and expires_at <= timezone.now()
        ):
            self.add_error("expires_at", _("Give a date and time in the future."))

    def _check_attachments(self, cleaned_data):
        kept = len(self.existing_attachments) - len(cleaned_data.get("remove_attachments") or ())
        for number in range(1, MAX_ATTACHMENTS + 1):
            field = f"attachment_{number}"
            if f"{field}_title" in self.errors or field in self.errors:
                continue
            if cleaned_data.get(field):
                kept += 1
                if kept > MAX_ATTACHMENTS:
                    self.add_error(
                        field,
                        ngettext(
                            "A post can have at most %(count)d attachment. "
                            "Remove the current one first.",
                            "A post can have at most %(count)d attachments. "
                            "Remove one of the current ones first.",
                            MAX_ATTACHMENTS,
                        )
                        % {"count": MAX_ATTACHMENTS},
                    )
            elif cleaned_data.get(f"{field}_title", "").strip():
                self.add_error(field, _("Choose the file of this attachment."))

    # What the views pass to the services.

    def post_data(self):
        """The `data` dict of news_services.news_create / news_update."""
        data = {field: self.cleaned_data[field] for field in POST_FIELDS}
        if self.cleaned_data.get("remove_image") and not self.cleaned_data.get("lead_image"):
            data["remove_image"] = True
            data["lead_image_alt"] = ""
        return data

    def new_attachments(self):
        """(title, file) of each new attachment, in the order of the form."""
        attachments = []
        for number in range(1, MAX_ATTACHMENTS + 1):
            upload = self.cleaned_data.get(f"attachment_{number}")
            if upload:
                title = self.cleaned_data.get(f"attachment_{number}_title", "").strip()
                attachments.append((title or upload.name, upload))
        return attachments

    def removed_attachment_ids(self):
        return [a.pk for a in self.cleaned_data.get("remove_attachments") or ()]

    def add_service_errors(self, error):
        """Show a ValidationError of news_services on the field concerned: the
        service's "lead_image" and "attachments" keys are the image field and the
        first new attachment; a key the form has no field for goes to the whole form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        first_attachment = next(
            (
                f"attachment_{n}"
                for n in range(1, MAX_ATTACHMENTS + 1)
                if self.cleaned_data.get(f"attachment_{n}")
            ),
            None,
        )
        for key, errors in error.error_dict.items():
            field = first_attachment if key == "attachments" else key
            self.add_error(field if field in self.fields else None, errors)
