"""The base's own data: user accounts, staff-editable pages and documents."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.cache import cache
from django.db import models
from django.db.models.functions import JSONArray
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cwop_portal.history import ChangeRecord
from cwop_portal.validators import validate_document_file


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person with an account: an NGO member, an advisor or centre staff.

    People sign in with their e-mail address; there is no username.
    """

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    is_demo = models.BooleanField(
        _("demo record"),
        default=False,
        help_text=_("Created by the demo data command, not a real person."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email


class TranslatedFieldsMixin:
    """Models keep Polish and English text in `<field>_pl` / `<field>_en` columns.

    `obj.localized("title")` gives the active language's text, falling back to
    Polish (the portal's main language) when the English one is empty.
    """

    def localized(self, field):
        language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
        value = getattr(self, f"{field}_{language}", "") or ""
        return value or getattr(self, f"{field}_{settings.LANGUAGE_CODE}", "")


class DownloadableFileMixin:
    """A model with a `file` and a `file_size`: its size is kept on save, and it is
    downloaded under its stored name, with its type shown as the extension."""

    def save(self, *args, **kwargs):
        if self.file:
            self.file_size = self.file.size
        super().save(*args, **kwargs)

    @property
    def extension(self):
        name = self.file.name or ""
        return name.rsplit(".", 1)[-1].upper() if "." in name else ""

    @property
    def download_name(self):
        return self.file.name.rsplit("/", 1)[-1]


def localized_property(field):
    """A read-only attribute giving `field` in the active language."""
    return property(lambda self: self.localized(field))


class Page(TranslatedFieldsMixin, models.Model):
    """A page whose text the centre's staff edit in the admin (Markdown)."""

    class Key(models.TextChoices):
        HOME = "home", _("Home page introduction")
        ABOUT = "about", _("About the centre")
        PRIVACY = "privacy", _("Privacy policy")

    key = models.CharField(_("page"), max_length=20, choices=Key.choices, unique=True)
    title_pl = models.CharField(_("title (Polish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    lead_pl = models.TextField(
        _("summary (Polish)"),
        blank=True,
        help_text=_("One or two sentences, shown under the title and to search engines."),
    )
    lead_en = models.TextField(_("summary (English)"), blank=True)
    body_pl = models.TextField(
        _("content (Polish)"),
        help_text=_("Markdown: ## heading, **bold**, - list item, [link](https://…)."),
    )
    body_en = models.TextField(_("content (English)"), blank=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["key"]

    def __str__(self):
        return self.get_key_display()

    title = localized_property("title")

    lead = localized_property("lead")

    body = localized_property("body")

    def get_absolute_url(self):
        return reverse({"home": "home", "about": "about", "privacy": "privacy"}[self.key])


class SiteSettings(TranslatedFieldsMixin, models.Model):
    """The centre's contact details shown in every page's footer (one row)."""

    centre_name_pl = models.CharField(
        _("centre name (Polish)"),
        max_length=200,
        default="Centrum Współpracy Organizacji Pozarządowych",
    )
    centre_name_en = models.CharField(
        _("centre name (English)"),
        max_length=200,
        blank=True,
        default="NGO Cooperation Centre",
    )
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    city = models.CharField(_("city"), max_length=100, default="Białystok")
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    opening_hours_pl = models.CharField(_("opening hours (Polish)"), max_length=200, blank=True)
    opening_hours_en = models.CharField(_("opening hours (English)"), max_length=200, blank=True)
    is_demo = models.BooleanField(
        _("demo contact details"),
        default=False,
        help_text=_("Filled in by the demo data command; replace with the real details."),
    )

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self):
        return str(_("Contact details of the centre"))

    CACHE_KEY = "cwop:site-settings"
    CACHE_SECONDS = 300  # saving clears it in the shared cache: every process sees a change

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)

    @classmethod
    def load(cls):
        """The one row, from the cache: every page's footer shows it."""
        obj = cache.get(cls.CACHE_KEY)
        if obj is None:
            obj, _created = cls.objects.get_or_create(pk=1)
            cache.set(cls.CACHE_KEY, obj, cls.CACHE_SECONDS)
        return obj

    centre_name = localized_property("centre_name")
    opening_hours = localized_property("opening_hours")


class SiteSettingsChange(ChangeRecord):
    """History of the centre's contact details: who changed which, when, old → new."""

    subject_field = "settings"

    settings = models.ForeignKey(
        SiteSettings,
        verbose_name=_("site settings"),
        on_delete=models.CASCADE,
        related_name="changes",
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("change of the site settings")
        verbose_name_plural = _("history of the site settings")


class Document(DownloadableFileMixin, TranslatedFieldsMixin, models.Model):
    """A file staff publish for download (the rules, forms, the library list...)."""

    title_pl = models.CharField(_("title (Polish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description_pl = models.TextField(_("description (Polish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    file = models.FileField(
        _("file"),
        upload_to="documents/%Y/",
        validators=[validate_document_file],
        help_text=_("PDF, DOC, DOCX, ODT, RTF, XLS, XLSX, ODS, CSV or TXT."),
    )
    file_size = models.PositiveBigIntegerField(_("size in bytes"), editable=False, default=0)
    is_published = models.BooleanField(_("published"), default=True)
    position = models.PositiveIntegerField(
        _("position"), default=0, help_text=_("Lower numbers are listed first.")
    )
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(_("added"), default=timezone.now)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["position", "title_pl"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(title_pl=""), name="document_title_pl_not_empty"
            ),
        ]

    def __str__(self):
        return self.title_pl

    title = localized_property("title")

    description = localized_property("description")

    def get_absolute_url(self):
        return reverse("document_download", args=[self.pk, self.download_name])


class AccessibilityStatement(TranslatedFieldsMixin, models.Model):
    """The accessibility statement required of public bodies (one row).

    Its fields follow the structure set by the ministry for statements
    (version 2.0 of 31 July 2024); the page renders them with the ministry's
    `a11y-*` element ids.
    """

    class Status(models.TextChoices):
        FULL = "full", _("fully compliant")
        PARTIAL = "partial", _("partially compliant")
        NONE = "none", _("not compliant")

    class Assessment(models.TextChoices):
        SELF = "self", _("self-assessment by the public body")
        AUDIT = "audit", _("assessment by a third party")

    entity_name_pl = models.CharField(
        _("public body (Polish)"),
        max_length=300,
        default="Centrum Współpracy Organizacji Pozarządowych w Białymstoku",
    )
    entity_name_en = models.CharField(
        _("public body (English)"),
        max_length=300,
        blank=True,
        default="NGO Cooperation Centre in Białystok",
    )
    published_on = models.DateField(_("website published on"), default=timezone.localdate)
    updated_on = models.DateField(
        _("website last significantly updated on"), default=timezone.localdate
    )
    status = models.CharField(
        _("compliance status"), max_length=10, choices=Status.choices, default=Status.PARTIAL
    )
    non_compliant_pl = models.TextField(
        _("inaccessible content (Polish)"),
        blank=True,
        help_text=_("Markdown list: what is not accessible, why, and the alternative."),
    )
    non_compliant_en = models.TextField(_("inaccessible content (English)"), blank=True)
    exemptions_pl = models.TextField(_("content exempt from the act (Polish)"), blank=True)
    exemptions_en = models.TextField(_("content exempt from the act (English)"), blank=True)
    burden_analysis_url = models.URLField(
        _("link to the disproportionate burden analysis"), blank=True
    )
    prepared_on = models.DateField(_("statement prepared on"), default=timezone.localdate)
    reviewed_on = models.DateField(
        _("statement last reviewed on"),
        default=timezone.localdate,
        help_text=_("The statement must be reviewed every year by 31 March."),
    )
    assessment = models.CharField(
        _("prepared on the basis of"),
        max_length=10,
        choices=Assessment.choices,
        default=Assessment.SELF,
    )
    auditor_name = models.CharField(
        _("who carried out the assessment"),
        max_length=300,
        blank=True,
        help_text=_("Only for an assessment by a third party."),
    )
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    keyboard_shortcuts_pl = models.TextField(_("keyboard shortcuts (Polish)"), blank=True)
    keyboard_shortcuts_en = models.TextField(_("keyboard shortcuts (English)"), blank=True)
    building_pl = models.TextField(
        _("architectural accessibility (Polish)"),
        blank=True,
        help_text=_("Entrances, ramps, lifts, toilets, parking, induction loops, guide dogs."),
    )
    building_en = models.TextField(_("architectural accessibility (English)"), blank=True)
    sign_language_pl = models.TextField(
        _("Polish Sign Language (Polish)"),
        blank=True,
        help_text=_("How a deaf person can contact the centre (interpreter, online)."),
    )
    sign_language_en = models.TextField(_("Polish Sign Language (English)"), blank=True)
    additional_pl = models.TextField(_("additional information (Polish)"), blank=True)
    additional_en = models.TextField(_("additional information (English)"), blank=True)

    class Meta:
        verbose_name = _("accessibility statement")
        verbose_name_plural = _("accessibility statement")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(updated_on__gte=models.F("published_on")),
                name="a11y_updated_not_before_published",
            ),
        ]

    def __str__(self):
        return str(_("Accessibility statement"))

    @classmethod
    def load(cls):
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.published_on and self.updated_on and self.updated_on < self.published_on:
            errors["updated_on"] = _("The update date cannot be earlier than publication.")
        if self.assessment == self.Assessment.AUDIT and not self.auditor_name:
            errors["auditor_name"] = _("Name who carried out the assessment.")
        if errors:
            raise ValidationError(errors)

    entity_name = localized_property("entity_name")
    non_compliant = localized_property("non_compliant")
    exemptions = localized_property("exemptions")
    keyboard_shortcuts = localized_property("keyboard_shortcuts")
    building = localized_property("building")
    sign_language = localized_property("sign_language")
    additional = localized_property("additional")


class PageChange(ChangeRecord):
    """History of a page's text: who changed what, when, old → new."""

    subject_field = "page"

    page = models.ForeignKey(
        Page,
        verbose_name=_("page"),
        on_delete=models.CASCADE,
        related_name="changes",
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("page change")
        verbose_name_plural = _("page history")


class DocumentChange(ChangeRecord):
    """History of a published document: who added or changed it, when, what."""

    subject_field = "document"

    document = models.ForeignKey(
        Document,
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="changes",
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("document change")
        verbose_name_plural = _("document history")


class AccessibilityStatementChange(ChangeRecord):
    """History of the accessibility statement: who changed what, when."""

    subject_field = "statement"

    statement = models.ForeignKey(
        AccessibilityStatement,
        verbose_name=_("accessibility statement"),
        on_delete=models.CASCADE,
        related_name="changes",
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("change of the accessibility statement")
        verbose_name_plural = _("history of the accessibility statement")


class CustomPage(TranslatedFieldsMixin, models.Model):
    """A page the centre's staff add themselves (Markdown), at `/<slug>/` and
    `/en/<slug>/`, optionally linked from the main menu or the footer.

    Its address never shadows a page of the portal: the service that saves it
    (`cwop_portal.page_services.custom_page_save`) refuses a slug another page uses,
    and its URL pattern comes last, so a page an app adds later wins over it."""

    class Placement(models.TextChoices):
        NONE = "none", _("not linked (only its address)")
        MENU = "menu", _("main menu")
        FOOTER = "footer", _("footer")

    title_pl = models.CharField(_("title (Polish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    slug = models.SlugField(
        _("address"),
        max_length=80,
        unique=True,
        help_text=_(
            "The page's address after the portal's domain, e.g. “nasze-projekty”: "
            "lowercase letters without Polish characters, digits and hyphens."
        ),
    )
    lead_pl = models.TextField(
        _("summary (Polish)"),
        blank=True,
        help_text=_("One or two sentences, shown under the title and to search engines."),
    )
    lead_en = models.TextField(_("summary (English)"), blank=True)
    body_pl = models.TextField(
        _("content (Polish)"),
        help_text=_("Markdown: ## heading, **bold**, - list item, [link](https://…)."),
    )
    body_en = models.TextField(_("content (English)"), blank=True)
    placement = models.CharField(
        _("link"),
        max_length=10,
        choices=Placement.choices,
        default=Placement.NONE,
        help_text=_("Where a published page is linked from on every page."),
    )
    position = models.PositiveIntegerField(
        _("position"), default=0, help_text=_("Lower numbers are listed first.")
    )
    is_published = models.BooleanField(
        pgettext_lazy("page", "published"),
        default=False,
        help_text=_("An unpublished page is seen only by the centre's staff."),
    )
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(_("added"), default=timezone.now)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        verbose_name = _("staff page")
        verbose_name_plural = _("staff pages")
        ordering = ["position", "title_pl"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(slug=""), name="custompage_slug_not_empty"),
            models.CheckConstraint(
                condition=~models.Q(title_pl=""), name="custompage_title_pl_not_empty"
            ),
            models.CheckConstraint(
                condition=models.Q(placement__in=["none", "menu", "footer"]),
                name="custompage_placement_valid",
            ),
        ]

    def __str__(self):
        return self.title_pl

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.navigation_changed()

    def get_absolute_url(self):
        return reverse("custom_page", kwargs={"slug": self.slug})

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.navigation_changed()
        return result

    title = localized_property("title")

    lead = localized_property("lead")

    body = localized_property("body")

    @property
    def fallback_languages(self):
        """{"title": "pl", ...}: the texts shown in Polish on a page in another
        language (not translated), for their `lang` attribute; "" when not."""
        return {field: _fallback_language(self, field) for field in ("title", "lead", "body")}

    # The published pages linked from the menu and the footer, for every page's
    # header and footer: one cached list (both languages), cleared by every save and
    # delete of a page, at once and again after the commit (a page read meanwhile by
    # another process must not stay cached with its old links).
    NAVIGATION_CACHE_KEY = "cwop:custom-pages-navigation"
    NAVIGATION_CACHE_SECONDS = 300
    NAVIGATION_FIELDS = ("placement", "slug", "title_pl", "title_en", "position")

    @classmethod
    def navigation_changed(cls):
        from django.db import transaction

        cache.delete(cls.NAVIGATION_CACHE_KEY)
        transaction.on_commit(lambda: cache.delete(cls.NAVIGATION_CACHE_KEY), robust=True)

    @classmethod
    def _linked(cls):
        return cls.objects.filter(
            is_published=True, placement__in=[cls.Placement.MENU, cls.Placement.FOOTER]
        ).order_by()

    @staticmethod
    def _in_order(rows):
        """(placement, slug, title_pl, title_en) of the rows of NAVIGATION_FIELDS, in
        the menu's order: by position, then title."""
        ordered = sorted(rows, key=lambda row: (row[4], row[2], row[1]))
        return [tuple(row[:4]) for row in ordered]

    @classmethod
    def navigation_rows(cls):
        """The linked pages' rows, from the cache (one query when it has none)."""
        rows = cache.get(cls.NAVIGATION_CACHE_KEY)
        if rows is None:
            rows = cls._in_order(cls._linked().values_list(*cls.NAVIGATION_FIELDS))
            cache.set(cls.NAVIGATION_CACHE_KEY, rows, cls.NAVIGATION_CACHE_SECONDS)
        return rows

    @classmethod
    def navigation_links(cls, rows):
        """{"menu": [NavigationLink], "footer": [...]} of `navigation_rows`."""
        links = {cls.Placement.MENU.value: [], cls.Placement.FOOTER.value: []}
        for placement, slug, title_pl, title_en in rows:
            links[placement].append(NavigationLink(slug, title_pl, title_en))
        return links

    @classmethod
    def navigation(cls):
        return cls.navigation_links(cls.navigation_rows())

    @classmethod
    def load_with_site_settings(cls):
        """(SiteSettings.load(), navigation_rows()) read in ONE query and cached as
        those two cache them: every page's header and footer show both, so a page
        read with an empty cache costs one query for them, as before there were
        staff pages. (None, None) while the settings' row does not exist yet."""
        pages = (
            cls._linked()
            .values("is_published")  # one group: every linked page
            .annotate(rows=_JSONArrayAgg(JSONArray(*cls.NAVIGATION_FIELDS)))
            .values("rows")
        )
        site_settings = (
            SiteSettings.objects.annotate(custom_navigation=models.Subquery(pages))
            .filter(pk=1)
            .first()
        )
        if site_settings is None:
            return None, None
        rows = cls._in_order(site_settings.custom_navigation or [])
        del site_settings.custom_navigation
        cache.set(SiteSettings.CACHE_KEY, site_settings, SiteSettings.CACHE_SECONDS)
        cache.set(cls.NAVIGATION_CACHE_KEY, rows, cls.NAVIGATION_CACHE_SECONDS)
        return site_settings, rows


class _JSONArrayAgg(models.Aggregate):
    """The values of a group's rows as one JSON array."""

    function = "JSON_GROUP_ARRAY"  # SQLite
    output_field = models.JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def _fallback_language(obj, field):
    """The main language when `obj` shows `field` in it on a page in another
    language (no translation written), else ""."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if language == settings.LANGUAGE_CODE or getattr(obj, f"{field}_{language}", ""):
        return ""
    return settings.LANGUAGE_CODE


class NavigationLink(TranslatedFieldsMixin):
    """A link to a staff page in the menu or the footer, in the active language."""

    def __init__(self, slug, title_pl, title_en):
        self.slug, self.title_pl, self.title_en = slug, title_pl, title_en

    title = localized_property("title")

    @property
    def language(self):
        """The title's language when it is not the page's (no English title)."""
        return _fallback_language(self, "title")

    @property
    def url(self):
        return reverse("custom_page", kwargs={"slug": self.slug})


class CustomPageChange(ChangeRecord):
    """History of a staff page: who added or changed it, when, old → new."""

    subject_field = "page"

    page = models.ForeignKey(
        CustomPage,
        verbose_name=_("staff page"),
        on_delete=models.CASCADE,
        related_name="changes",
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("staff page change")
        verbose_name_plural = _("staff page history")
