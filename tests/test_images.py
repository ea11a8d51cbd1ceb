"""Uploaded images: checked, stripped of metadata and re-encoded before they are stored."""

import contextlib
import functools
import io
import struct
import zipfile
import zlib
from unittest import mock

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from PIL import ExifTags, Image, ImageFile

from cwop_portal.images import MAX_BYTES, clean_image_upload, validate_image_upload

RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in their English source text."""
    with translation.override("en"):
        yield


def image_bytes(image_format, size=(40, 30), color=RED, mode="RGB", **options):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, image_format, **options)
    return buffer.getvalue()


def png_chunk(kind, payload):
    crc = zlib.crc32(kind + payload)
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def png_with_chunk(kind, payload):
    """A valid PNG with one more chunk just before IEND (always the last 12 bytes)."""
    png = image_bytes("PNG")
    return png[:-12] + png_chunk(kind, payload) + png[-12:]


def png_declaring(width, height):
    """A tiny PNG whose header claims the given dimensions."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + png_chunk(b"IEND", b"")
    )


def zip_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


def cleaned(content, name="photo.jpg", **limits):
    result = clean_image_upload(SimpleUploadedFile(name, content), **limits)
    return result, Image.open(io.BytesIO(result.read()))


def refusal(content, name="photo.jpg", **limits):
    with pytest.raises(ValidationError) as excinfo:
        clean_image_upload(SimpleUploadedFile(name, content), **limits)
    return excinfo.value


def is_red(pixel):
    return pixel[0] > 200 and pixel[1] < 60 and pixel[2] < 60


def is_blue(pixel):
    return pixel[0] < 60 and pixel[1] < 60 and pixel[2] > 200


# Re-encoding


def test_a_phone_photo_comes_back_upright_without_exif_or_location():
    photo = Image.new("RGB", (40, 20), BLUE)
    photo.paste(RED, (0, 0, 20, 20))  # stored sideways: red on the left
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # to be shown turned 90° clockwise: red on top
    exif[ExifTags.Base.Model] = "Phone"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (53.0, 7.0, 58.0)
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", exif=exif)
    assert Image.open(buffer).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the upload has GPS

    result, image = cleaned(buffer.getvalue())

    assert image.format == "JPEG"
    assert image.size == (20, 40)
    assert is_red(image.getpixel((10, 5)))
    assert is_blue(image.getpixel((10, 35)))
    assert not image.getexif()
    result.seek(0)
    assert b"Exif" not in result.read()


def test_a_jpeg_comment_is_not_kept():
    result, image = cleaned(image_bytes("JPEG", comment=b"Photo: Anna Nowak"))

    assert "comment" not in image.info
    result.seek(0)
    assert b"Anna Nowak" not in result.read()


@pytest.mark.parametrize(
    ("image_format", "size", "limits", "expected_size"),
    [
        ("PNG", (3200, 1000), {}, (1600, 500)),
        ("PNG", (3200, 1000), {"max_side": 400}, (400, 125)),
        ("JPEG", (1000, 4000), {}, (400, 1600)),
        ("JPEG", (4000, 3400), {"max_side": 400}, (400, 340)),
    ],
)
def test_a_large_image_is_downsized_to_the_longer_side_limit(
    image_format, size, limits, expected_size
):
    _, image = cleaned(image_bytes(image_format, size=size), **limits)

    assert image.size == expected_size


def test_a_small_image_is_not_enlarged():
    _, image = cleaned(image_bytes("PNG", size=(40, 30)), "icon.png")

    assert image.size == (40, 30)


def test_png_transparency_is_kept():
    logo = Image.new("RGBA", (40, 30), (0, 0, 0, 0))
    logo.paste((*BLUE, 255), (0, 0, 20, 30))
    buffer = io.BytesIO()
    logo.save(buffer, "PNG")

    result, image = cleaned(buffer.getvalue(), "logo.png")

    assert result.name == "logo.png"
    assert image.format == "PNG"
    assert image.mode == "RGBA"
    assert image.getpixel((5, 5)) == (*BLUE, 255)
    assert image.getpixel((35, 5))[3] == 0


def test_a_cmyk_jpeg_stays_a_jpeg_in_rgb():
    result, image = cleaned(image_bytes("JPEG", mode="CMYK", color=(0, 0, 0, 0)))

    assert result.name == "photo.jpg"
    assert (image.format, image.mode) == ("JPEG", "RGB")


def test_a_webp_stays_a_webp():
    result, image = cleaned(image_bytes("WEBP"), "room.webp")

    assert result.name == "room.webp"
    assert image.format == "WEBP"
    assert is_red(image.convert("RGB").getpixel((5, 5)))


def test_an_animated_gif_becomes_a_still_png_of_its_first_frame():
    frames = [Image.new("RGB", (20, 20), color) for color in (RED, GREEN, BLUE)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
    assert Image.open(buffer).n_frames == 3

    result, image = cleaned(buffer.getvalue(), "banner.gif")

    assert result.name == "banner.png"
    assert image.format == "PNG"
    assert not getattr(image, "is_animated", False)
    assert is_red(image.convert("RGB").getpixel((10, 10)))


def test_a_camera_jpeg_carrying_a_preview_image_is_accepted_as_one_jpeg():
    buffer = io.BytesIO()
    main, preview = Image.new("RGB", (40, 30), RED), Image.new("RGB", (16, 12), BLUE)
    main.save(buffer, "MPO", save_all=True, append_images=[preview])

    result, image = cleaned(buffer.getvalue())

    assert result.name == "photo.jpg"
    assert (image.format, image.size) == ("JPEG", (40, 30))


@pytest.mark.parametrize(
    ("name", "field_label", "expected"),
    [
        ("Zdjęcie sali Białystok (1).JPG", None, "zdjecie-sali-bialystok-1.jpg"),
        ("../../etc/cron.d/evil.jpg", None, "evil.jpg"),
        ("!!!.jpg", None, "obraz.jpg"),
        ("!!!.jpg", "Logo organizacji", "logo-organizacji.jpg"),
    ],
)
def test_the_stored_file_gets_a_safe_name(name, field_label, expected):
    result = clean_image_upload(
        SimpleUploadedFile(name, image_bytes("JPEG")), field_label=field_label
    )

    assert result.name == expected


# Refusals


@pytest.mark.parametrize(
    "content",
    [
        b"Minutes of the board meeting, 3 March.\n",
        b"",
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="9" height="9"/></svg>',
        image_bytes("BMP"),
    ],
    ids=["text", "empty", "svg", "bmp"],
)
def test_a_file_that_is_not_an_accepted_image_is_refused(content):
    error = refusal(content)

    assert error.code == "invalid_image"
    assert error.messages == ["The file is not a JPEG, PNG, GIF or WebP image."]


@pytest.mark.parametrize(
    "content",
    [
        image_bytes("JPEG", size=(200, 200))[:-300],
        image_bytes("PNG", size=(200, 200))[:-20],
        image_bytes("GIF", size=(200, 200))[:-30],
        image_bytes("WEBP", size=(200, 200))[:-30],
    ],
    ids=["jpeg", "png", "gif", "webp"],
)
def test_a_truncated_image_is_refused(content):
    assert refusal(content).code == "invalid_image"


def damaged_png():
    png = bytearray(image_bytes("PNG", size=(50, 50)))
    png[png.index(b"IDAT") + 10] ^= 0xFF  # the chunk's checksum no longer matches
    return bytes(png)


def test_a_png_with_a_damaged_chunk_is_refused():

    assert refusal(damaged_png(), "chart.png").code == "invalid_image"


def test_a_file_over_the_size_limit_is_refused_with_both_sizes():
    content = image_bytes("PNG", size=(100, 100))

    error = refusal(content, "plan.png", max_bytes=len(content) - 1)

    assert error.code == "file_too_large"
    assert error.messages == [
        f"The image is too large ({filesizeformat(len(content))}). "
        f"The limit is {filesizeformat(len(content) - 1)}."
    ]


def test_a_file_at_the_size_limit_is_accepted():
    content = image_bytes("PNG", size=(100, 100))

    result, _ = cleaned(content, "plan.png", max_bytes=len(content))

    assert result.name == "plan.png"


@pytest.mark.parametrize(("max_pixels", "refused"), [(9_999, True), (10_000, False)])
def test_an_image_with_more_pixels_than_the_limit_is_refused(max_pixels, refused):
    content = image_bytes("PNG", size=(100, 100))

    if refused:
        error = refusal(content, "plan.png", max_pixels=max_pixels)
        assert error.code == "image_too_large_pixels"
        assert error.messages == [
            "The image has too many pixels (100 × 100). The limit is 9,999 pixels, e.g. 99 × 99."
        ]
    else:
        assert cleaned(content, "plan.png", max_pixels=max_pixels)[1].size == (100, 100)


def test_a_tiny_png_declaring_a_huge_canvas_is_refused_without_decoding_it():
    error = refusal(png_declaring(100_000, 100_000), "bomb.png")

    assert error.code == "image_too_large_pixels"


def test_a_tiny_png_over_pillows_bomb_warning_is_refused_even_under_a_generous_limit():
    bomb = png_declaring(10_000, 10_000)  # between Pillow's warning and its error

    error = refusal(bomb, "bomb.png", max_pixels=10**9)

    assert error.code == "image_too_large_pixels"
    assert error.messages == [  # Pillow's limit is the one that applied
        "The image has too many pixels. The limit is 89,478,485 pixels, e.g. 9459 × 9459."
    ]


# Polyglots: an image that is also something else


POLYGLOT_MESSAGE = ["The file contains data that is not part of an image and was refused."]


def test_a_gif_with_a_script_appended_is_refused():
    error = refusal(image_bytes("GIF") + b"<script>alert(1)</script>", "anim.gif")

    assert error.code == "polyglot"
    assert error.messages == POLYGLOT_MESSAGE


def test_a_png_with_a_zip_archive_appended_is_refused():
    assert refusal(image_bytes("PNG") + zip_bytes(), "logo.png").code == "polyglot"


def test_a_png_carrying_a_zip_archive_inside_a_chunk_is_refused():
    content = png_with_chunk(b"zlPf", zip_bytes())
    Image.open(io.BytesIO(content)).verify()  # Pillow alone sees a valid image

    assert refusal(content, "logo.png").code == "polyglot"


def test_a_jpeg_with_html_in_a_comment_segment_is_refused():
    content = image_bytes("JPEG", comment=b"<html><body onload=alert(1)></body></html>")
    assert b"\xff\xfe" in content  # the comment sits in a COM segment

    assert refusal(content).code == "polyglot"


@pytest.mark.parametrize(
    "markup",
    [
        b"<ScRiPt src=//evil.example>",
        b"<HTML>",
        b"<?php system($_GET['c']); ?>",
        b"<svg onload=alert(1)>",
        b"<iframe src=//evil.example>",
        b"JavaScript:alert(1)",
    ],
)
def test_markup_hidden_in_image_metadata_is_refused(markup):
    content = png_with_chunk(b"tEXt", b"Comment\x00" + markup)

    assert refusal(content, "logo.png").code == "polyglot"


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "GIF", "WEBP"])
@pytest.mark.parametrize("tail", [b"\x01payload that is not an image\x02", b"#!sh"])
def test_bytes_after_the_end_of_an_image_are_refused(image_format, tail):
    content = image_bytes(image_format) + tail

    assert refusal(content).code == "polyglot"


def test_data_hidden_before_a_last_jpeg_end_marker_is_refused():
    content = image_bytes("JPEG") + b"payload" * 10 + b"\xff\xd9"

    assert refusal(content).code == "polyglot"


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "GIF", "WEBP"])
@pytest.mark.parametrize("padding", [b"\x00" * 16, b"\r\n", b"  \n"])
def test_a_few_padding_bytes_after_an_image_are_accepted(image_format, padding):
    result, image = cleaned(image_bytes(image_format) + padding)

    assert image.size == (40, 30)


def test_seventeen_padding_bytes_are_refused():
    assert refusal(image_bytes("JPEG") + b"\x00" * 17).code == "polyglot"


# The model-field validator


def test_the_validator_accepts_a_good_image_and_leaves_the_upload_untouched():
    content = image_bytes("JPEG", comment=b"kept as uploaded")
    upload = SimpleUploadedFile("photo.jpg", content)
    upload.seek(5)

    validate_image_upload(upload)

    assert upload.tell() == 5
    upload.seek(0)
    assert upload.read() == content


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"\xff\xd8" + b"\x00" * MAX_BYTES, "file_too_large"),
        (b"Not an image at all.", "invalid_image"),
        (image_bytes("JPEG", size=(200, 200))[:-300], "invalid_image"),
        (damaged_png(), "invalid_image"),
        (png_declaring(100_000, 100_000), "image_too_large_pixels"),
        (png_declaring(8_000, 6_000), "image_too_large_pixels"),
        (image_bytes("GIF") + b"<script>alert(1)</script>", "polyglot"),
        (image_bytes("PNG") + zip_bytes(), "polyglot"),
    ],
    ids=["oversized", "text", "truncated", "damaged", "bomb", "over-limit", "script", "zip"],
)
def test_the_validator_refuses_what_clean_image_upload_refuses(content, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_image_upload(SimpleUploadedFile("upload.png", content))

    assert excinfo.value.code == code


def test_the_validator_skips_a_file_that_is_already_stored():
    stored = ContentFile(b"bytes of a file checked when it was uploaded", name="logo.png")
    stored._committed = True

    validate_image_upload(stored)

    stored._committed = False
    with pytest.raises(ValidationError):
        validate_image_upload(stored)


def test_an_image_form_field_with_the_validator_refuses_a_polyglot_pillow_accepts():
    field = forms.ImageField(validators=[validate_image_upload])
    upload = SimpleUploadedFile("anim.gif", image_bytes("GIF") + b"<script>alert(1)</script>")

    with pytest.raises(ValidationError) as excinfo:
        field.clean(upload)

    assert excinfo.value.messages == POLYGLOT_MESSAGE


# The cost of an upload: refused from its header, before any pixel is decoded


@functools.cache
def square_6300(image_format):
    """A 6300 × 6300 image of a few kilobytes (one colour compresses to nothing):
    decoding one ties up a worker for seconds and hundreds of megabytes."""
    mode, options = {
        "PNG-1bit": ("1", {}),
        "PNG-paletted": ("P", {}),
        "GIF": ("P", {}),
        "WEBP": ("RGB", {"lossless": True}),
        "JPEG": ("L", {}),
    }[image_format]
    buffer = io.BytesIO()
    Image.new(mode, (6300, 6300)).save(buffer, image_format.split("-")[0], **options)
    return buffer.getvalue()


BOMBS = ["PNG-1bit", "PNG-paletted", "GIF", "WEBP", "JPEG"]
BOMB_MESSAGE = (
    "The image has too many pixels (6300 × 6300). The limit is 16,000,000 pixels, e.g. 4000 × 4000."
)


@contextlib.contextmanager
def no_decoding():
    """Any decoding of pixels inside the block fails the test (every way to the
    pixels goes through load()); yields the sizes of the images decoded."""
    calls = []

    def no_load(image, *args, **kwargs):
        calls.append(image.size)
        raise AssertionError(f"decoded an image of {image.size}")

    with (
        mock.patch.object(Image.Image, "load", no_load),
        mock.patch.object(ImageFile.ImageFile, "load", no_load),
    ):
        yield calls


@pytest.mark.parametrize("image_format", BOMBS)
def test_a_6300_px_square_of_a_few_kilobytes_is_refused_without_decoding_it(image_format):
    content = square_6300(image_format)
    assert len(content) < 500 * 1024

    with no_decoding() as decoded:
        error = refusal(content, "bomb." + image_format.split("-")[0].lower())
        with pytest.raises(ValidationError) as excinfo:
            validate_image_upload(SimpleUploadedFile("bomb.png", content))

    assert error.code == "image_too_large_pixels"
    assert error.messages == [BOMB_MESSAGE]
    assert excinfo.value.messages == [BOMB_MESSAGE]
    assert decoded == []


def test_an_image_at_the_pixel_budget_is_accepted():
    content = image_bytes("PNG", size=(4000, 4000), mode="1", color=1)

    _, image = cleaned(content, "plan.png")

    assert image.size == (1600, 1600)


def progressive_jpeg_with_scans(count):
    """A small progressive JPEG whose scans are repeated: libjpeg decodes every one."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), RED).save(buffer, "JPEG", progressive=True)
    data = buffer.getvalue()
    first = data.index(b"\xff\xda")
    body = data[first:-2]  # the scans (with the tables between them), without EOI
    return data[:first] + body * (count // body.count(b"\xff\xda") + 1) + b"\xff\xd9"


def test_a_jpeg_of_thousands_of_scans_is_refused_without_decoding_it():
    content = progressive_jpeg_with_scans(5000)
    assert len(content) < MAX_BYTES

    with no_decoding() as decoded:
        error = refusal(content)

    assert error.code == "image_too_many_scans"
    assert decoded == []


def test_a_progressive_jpeg_as_cameras_and_editors_write_it_is_accepted():
    content = image_bytes("JPEG", size=(400, 300), progressive=True, optimize=True)

    _, image = cleaned(content)

    assert image.size == (400, 300)


# Every image upload of the site and the admin goes through these checks.


def _site_logo(client, ngo_member, upload):
    client.force_login(ngo_member)
    response = client.post(
        reverse_en("organizations:organization_create"),
        {"name": "Stowarzyszenie Bojary", "legal_form": "association", "krs": "359730",
         "city": "Białystok", "logo": upload},
    )  # fmt: skip
    return response.context["form"].errors.get("logo")


def _site_news_image(client, ngo_member, upload):
    from tests.organizations.factories import MembershipFactory, OrganizationFactory

    organization = OrganizationFactory()
    MembershipFactory(user=ngo_member, organization=organization)
    client.force_login(ngo_member)
    response = client.post(
        reverse_en("organizations:news_create", organization.slug),
        {"title": "Warsztaty", "category": "announcement", "lead": "Zapraszamy.",
         "lead_image": upload, "lead_image_alt": "Uczestnicy"},
    )  # fmt: skip
    return response.context["form"].errors.get("lead_image")


def reverse_en(name, *args):
    from django.urls import reverse

    with translation.override("en"):
        return reverse(name, args=args)


@pytest.mark.django_db
@pytest.mark.parametrize("upload_path", [_site_logo, _site_news_image], ids=["logo", "news"])
def test_a_bomb_is_refused_on_the_site_forms_with_the_limit_on_the_field(
    upload_path, client, ngo_member, settings
):
    upload = SimpleUploadedFile("bomb.png", square_6300("PNG-1bit"), "image/png")

    with no_decoding() as decoded:
        errors = upload_path(client, ngo_member, upload)

    assert errors == [BOMB_MESSAGE]
    assert decoded == []
    assert not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*"))


def _admin_image_forms(request):
    """(model, field name, form class) of every image field the admin edits,
    directly or in an inline."""
    from django.contrib import admin
    from django.db import models

    found = []
    for model_admin in admin.site._registry.values():
        forms_ = [(model_admin.model, model_admin.get_form(request))]
        forms_ += [
            (inline.model, inline.get_formset(request).form)
            for inline in model_admin.get_inline_instances(request)
        ]
        for model, form in forms_:
            for field in model._meta.get_fields():
                if isinstance(field, models.ImageField) and field.name in form.base_fields:
                    found.append((model, field.name, form))
    return found


@pytest.mark.django_db
def test_a_bomb_is_refused_by_every_admin_form_with_an_image(rf, staff, settings):
    request = rf.get("/admin/")
    request.user = staff
    staff.is_superuser = True
    image_forms = _admin_image_forms(request)
    assert {f"{model._meta.label}.{name}" for model, name, _ in image_forms} >= {
        "organizations.Organization.logo",
        "organizations.NewsPost.lead_image",
        "rooms.ResourcePhoto.image",
        "consultations.Advisor.photo",
        "library.Book.cover",
    }

    content = square_6300("PNG-1bit")
    for model, name, form_class in image_forms:
        form = form_class(data={}, files={name: SimpleUploadedFile("bomb.png", content)})

        with no_decoding() as decoded:
            assert not form.is_valid()

        assert form.errors.get(name) == [BOMB_MESSAGE], (model, name)
        assert decoded == [], (model, name)
    assert not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*"))
