"""Safe handling of uploaded images: logos, room and advisor photos, news images,
book covers.

`clean_image_upload` checks an upload and re-encodes it without metadata;
`validate_image_upload` runs the same checks as a model-field validator. Both raise
`ValidationError` with one of the codes `file_too_large`, `invalid_image`,
`image_too_large_pixels`, `image_too_many_scans` or `polyglot`.

The cost of an upload is bounded before any pixel is decoded: the checks read the
image's header (its size) and walk its segments or chunks, and refuse an image over
the pixel budget there. Decoding happens only in `clean_image_upload`, for an image
that passed them. Pillow's own guard (`Image.MAX_IMAGE_PIXELS`, left at its default
of about 89 million pixels, turned into a refusal by `_pillow_errors`) stays as the
outer limit for every other place that opens an image.
"""

import io
import math
import re
import warnings
import zipfile
from contextlib import contextmanager
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps

from cwop_portal.text import slugify_pl

MAX_BYTES = 5 * 1024 * 1024
# Pages show an image at most MAX_SIDE pixels wide; 4000 × 4000 leaves room for any
# phone photo (12 MP) and bounds decoding to ~64 MB (RGBA) and well under a second.
MAX_PIXELS = 4000 * 4000
MAX_SIDE = 1600
# A progressive JPEG is decoded once per scan (encoders write ~10): thousands of
# tiny scans in a small file would keep a worker busy for minutes.
MAX_JPEG_SCANS = 100

FORMATS = ("JPEG", "PNG", "GIF", "WEBP")

# input format -> (output format, extension, save options); GIF becomes a still PNG
OUTPUTS = {
    "JPEG": ("JPEG", "jpg", {"quality": 85, "optimize": True}),
    "PNG": ("PNG", "png", {"optimize": True}),
    "GIF": ("PNG", "png", {"optimize": True}),
    "WEBP": ("WEBP", "webp", {"quality": 85}),
}

# "<svg" needs a following delimiter: four bytes alone turn up by chance in
# about one compressed 5 MB photo in a hundred.
MARKUP = re.compile(rb"<script|<html|<\?php|<svg[\s/>]|<iframe|javascript:", re.IGNORECASE)
MAX_PADDING = 16  # zero or whitespace bytes tolerated after the end of an image
JPEG_SOI = b"\xff\xd8"
# byte pairs inside a JPEG scan that are data, not the start of the next marker
JPEG_SCAN_ESCAPES = {b"\x00", *(bytes([marker]) for marker in range(0xD0, 0xD8))}


def _invalid_image():
    return ValidationError(
        _("The file is not a JPEG, PNG, GIF or WebP image."), code="invalid_image"
    )


def _too_many_pixels(max_pixels, width=None, height=None):
    values = {
        "limit": number_format(max_pixels, force_grouping=True),
        "side": math.isqrt(max_pixels),
        "width": width,
        "height": height,
    }
    if width is None:  # Pillow refused it before telling its size
        message = ngettext(
            "The image has too many pixels. The limit is %(limit)s pixel, "
            "e.g. %(side)s × %(side)s.",
            "The image has too many pixels. The limit is %(limit)s pixels, "
            "e.g. %(side)s × %(side)s.",
            max_pixels,
        )
    else:
        message = ngettext(
            "The image has too many pixels (%(width)s × %(height)s). The limit is "
            "%(limit)s pixel, e.g. %(side)s × %(side)s.",
            "The image has too many pixels (%(width)s × %(height)s). The limit is "
            "%(limit)s pixels, e.g. %(side)s × %(side)s.",
            max_pixels,
        )
    return ValidationError(message % values, code="image_too_large_pixels")


@contextmanager
def _pillow_errors(max_pixels=MAX_PIXELS):
    """Turn Pillow's failures on untrusted input, bomb warnings included, into
    ValidationErrors."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            # Pillow's limit is the one that applied.
            limit = min(max_pixels, Image.MAX_IMAGE_PIXELS or max_pixels)
            raise _too_many_pixels(limit) from None
        except Exception:
            raise _invalid_image() from None


def _read(uploaded):
    position = uploaded.tell()
    try:
        uploaded.seek(0)
        return uploaded.read()
    finally:
        uploaded.seek(position)


def _jpeg_end(data, pos=0):
    """Offset just past the EOI marker of the JPEG starting at pos, following its
    segments (so an EXIF thumbnail's EOI does not count)."""
    if not data.startswith(JPEG_SOI, pos):
        return None
    pos += 2
    while pos + 1 < len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
        elif marker == 0xD9:
            return pos + 2
        else:
            pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
            if marker == 0xDA:  # the scan's data runs to the next real marker
                while (pos := data.find(b"\xff", pos)) >= 0 and (
                    data[pos + 1 : pos + 2] in JPEG_SCAN_ESCAPES
                ):
                    pos += 2
                if pos < 0:
                    return None
    return None


def _jpeg_images_end(data):
    end = _jpeg_end(data)
    # Cameras and phones append preview images and HDR gain maps as whole JPEGs.
    while end is not None and data.startswith(JPEG_SOI, end):
        end = _jpeg_end(data, end)
    return end


def _png_end(data):
    pos = 8
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        pos += 12 + length  # length, type, data, CRC
        if kind == b"IEND":
            return pos if pos <= len(data) else None
    return None


def _gif_end(data):
    flags = data[10]
    pos = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)  # global colour table
    while data[pos] != 0x3B:  # trailer
        if data[pos] == 0x21:  # extension: introducer and label
            pos += 2
        elif data[pos] == 0x2C:  # image descriptor, local colour table, LZW code size
            flags = data[pos + 9]
            pos += 11 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
        else:
            return None
        while data[pos]:  # data sub-blocks, up to the empty one
            pos += data[pos] + 1
        pos += 1
    return pos + 1


def _webp_end(data):
    size = int.from_bytes(data[4:8], "little")
    end = 8 + size + size % 2
    return end if end <= len(data) else None


ENDS = {"JPEG": _jpeg_images_end, "PNG": _png_end, "GIF": _gif_end, "WEBP": _webp_end}


def _trailing_data(data, image_format):
    """What follows the end of the image, or None if the image is cut short."""
    try:
        end = ENDS[image_format](data)
    except IndexError:
        return None
    return None if end is None else data[end:]


def _check(uploaded, *, max_bytes, max_pixels):
    """Refuse oversized, unreadable, too many pixels and polyglot uploads; return the
    bytes and the image format."""
    if uploaded.size > max_bytes:
        raise ValidationError(
            _("The image is too large (%(size)s). The limit is %(limit)s.")
            % {"size": filesizeformat(uploaded.size), "limit": filesizeformat(max_bytes)},
            code="file_too_large",
        )
    data = _read(uploaded)
    # Image.open reads the header only; verify() checks the structure (a PNG's
    # checksums) without decoding pixels. Nothing here calls load().
    with (
        _pillow_errors(max_pixels),
        Image.open(io.BytesIO(data), formats=FORMATS) as probe,
    ):
        # Pillow calls a JPEG that carries extra images (MPF) "MPO".
        image_format = "JPEG" if probe.format == "MPO" else probe.format
        width, height = probe.size
        if width * height > max_pixels:
            raise _too_many_pixels(max_pixels, width, height)
        probe.verify()
    if image_format == "JPEG" and (scans := data.count(b"\xff\xda")) > MAX_JPEG_SCANS:
        # Every scan starts with an SOS marker, which scan data cannot contain (counted
        # in the whole file, metadata included: at most a few more).
        raise ValidationError(
            _(
                "The JPEG image is stored in too many scans (%(count)s; the limit is "
                "%(limit)s). Save it again as a standard JPEG and upload it again."
            )
            % {"count": scans, "limit": MAX_JPEG_SCANS},
            code="image_too_many_scans",
        )
    trailing = _trailing_data(data, image_format)
    if trailing is None:
        raise _invalid_image()
    if (
        MARKUP.search(data)
        or len(trailing) > MAX_PADDING
        or trailing.strip(b"\x00 \t\r\n\x0b\x0c")
        or zipfile.is_zipfile(io.BytesIO(data))
    ):
        raise ValidationError(
            _("The file contains data that is not part of an image and was refused."),
            code="polyglot",
        )
    return data, image_format


def _slug(text):
    return slugify_pl(text, max_length=1000)


def clean_image_upload(
    uploaded,
    *,
    max_bytes=MAX_BYTES,
    max_pixels=MAX_PIXELS,
    max_side=MAX_SIDE,
    field_label=None,
) -> ContentFile:
    """Check an uploaded image and return it re-encoded: upright, without metadata,
    its longer side at most max_side, a GIF as a still PNG. The file is named after
    the upload, or after field_label when the upload's name has no usable letters."""
    data, image_format = _check(uploaded, max_bytes=max_bytes, max_pixels=max_pixels)
    output_format, extension, options = OUTPUTS[image_format]
    # One full-size copy at a time: turned in place, converted only when needed,
    # then reduced in place (thumbnail) before the small clean copy is made.
    with _pillow_errors(max_pixels), Image.open(io.BytesIO(data), formats=FORMATS) as image:
        image.draft(None, (max_side, max_side))  # a big JPEG is decoded at 1/2, 1/4 or 1/8
        image.load()  # the first frame only
        ImageOps.exif_transpose(image, in_place=True)
        keeps_alpha = output_format != "JPEG" and image.has_transparency_data
        mode = "RGBA" if keeps_alpha else "RGB"
        upright = image if image.mode == mode else image.convert(mode)
        upright.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        clean = Image.new(mode, upright.size)  # a new image carries no EXIF, ICC or comment
        clean.paste(upright)
    buffer = io.BytesIO()
    clean.save(buffer, output_format, **options)
    stem = _slug(Path(uploaded.name or "").stem) or _slug(field_label or "") or "obraz"
    return ContentFile(buffer.getvalue(), name=f"{stem}.{extension}")


def validate_image_upload(value):
    """Model-field validator: the checks of clean_image_upload, without re-encoding."""
    if getattr(value, "_committed", False):
        return  # a file stored earlier was checked when it was uploaded
    _check(value, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS)


def clean_new_image_upload(value, *, field_label):
    """For a form's clean_<field>: a newly uploaded image re-encoded (as
    clean_image_upload does), a file stored earlier as it is."""
    from django.core.files.uploadedfile import UploadedFile

    if not isinstance(value, UploadedFile):  # the stored file, or nothing
        return value
    try:
        return clean_image_upload(value, field_label=field_label)
    except ValidationError as exc:
        raise ValidationError(exc.messages) from exc
