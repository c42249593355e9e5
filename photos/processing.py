"""Turn an uploaded file into the two copies the clinic keeps: web-sized and thumbnail.

Every photo goes through `process_upload`, whoever sends it (staff upload, client
check-in, a command). Only JPEG, PNG, WebP and HEIC/HEIF (what iPhones save) are decoded,
fully, within size and pixel limits; what is stored is a fresh sRGB JPEG with no metadata
at all (no EXIF, GPS, ICC profile, XMP or comment), turned upright from the EXIF
orientation (HEIC: from its own rotation, which libheif applies as it decodes).
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

# The one place HEIC/HEIF is taught to Pillow (libheif comes inside pillow-heif's wheels).
# Only the photo itself is decoded: no embedded thumbnails, depth maps or other auxiliary
# images, which would cost memory and are never kept.
register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)

MAX_BYTES = 25 * 1024 * 1024
MAX_PIXELS = 40_000_000
WEB_LONGEST_SIDE = 1600
THUMB_LONGEST_SIDE = 320
JPEG_QUALITY = 85
THUMB_QUALITY = 80
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
# The file types too: some systems give HEIC files no media type at all.
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"

NOT_A_PHOTO = "This file is not a photo we can read (JPEG, PNG, WebP or HEIC)."
UNSUPPORTED = "This format is not supported: {name}. Please send JPEG, PNG, WebP or HEIC."
TOO_LARGE = "The photo is larger than 25 MB."
TOO_MANY_PIXELS = "The photo is larger than 40 megapixels."
DAMAGED = "The photo file is damaged or incomplete."

# ISO base media "ftyp" brands of HEVC-coded HEIF images (iPhones write "heic"), which
# are read, and of AVIF (AV1-coded, the same container), which is not.
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"}
_AVIF_BRANDS = {b"avif", b"avis"}
HEAD_BYTES = 64


class PhotoRejected(ValidationError):
    """An upload that is not stored, with a message for the person who sent it."""


@dataclass(frozen=True)
class ProcessedPhoto:
    web: bytes
    thumbnail: bytes
    width: int  # of the web copy, upright
    height: int
    format: str = "JPEG"
    extension: str = ".jpg"
    content_type: str = "image/jpeg"


def _file_size(fileobj) -> int:
    size = getattr(fileobj, "size", None)
    if isinstance(size, int):
        return size
    position = fileobj.tell()
    fileobj.seek(0, io.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(position)
    return size


def _ftyp_brands(head: bytes) -> set[bytes]:
    """The major and compatible brands of an ISO base media file's "ftyp" box."""
    if head[4:8] != b"ftyp":
        return set()
    end = min(int.from_bytes(head[:4], "big"), len(head))
    return {head[8:12]} | {head[i : i + 4] for i in range(16, end - 3, 4)}


def unsupported_format_name(head: bytes) -> str | None:
    """The name of a well-known image format we refuse, from its first bytes."""
    brands = _ftyp_brands(head)
    if brands & _AVIF_BRANDS and not brands & _HEIF_BRANDS:
        return "AVIF"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    if head[:2] == b"BM":
        return "BMP"
    return None


def _to_srgb(img: Image.Image) -> Image.Image:
    """RGB pixels, converted from an embedded colour profile (phones shoot in Display P3)
    so that dropping the profile does not change how the photo looks."""
    if img.mode == "I" or img.mode.startswith("I;16"):
        # 16-bit greys (medical and scanner PNGs): Pillow's 8-bit conversion clips every
        # value above 255 to white, so scale the 0–65535 range down to 0–255 instead.
        rgb = img.convert("I").point(lambda value: value / 257 + 0.5).convert("L").convert("RGB")
    elif img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        # Transparent areas of a PNG become white, not black.
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        rgb = background
    else:
        rgb = img.convert("RGB")
    icc = img.info.get("icc_profile")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            rgb = ImageCms.profileToProfile(
                rgb, source, ImageCms.createProfile("sRGB"), outputMode="RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: keep the pixels as they are
    return rgb


def _fitted(img: Image.Image, longest: int) -> Image.Image:
    if max(img.size) <= longest:
        return img.copy()
    scale = longest / max(img.size)
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
    return img.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _clean_jpeg(img: Image.Image, quality: int) -> bytes:
    # A fresh image carries nothing of the original's info (exif, icc, xmp, comment).
    clean = Image.new("RGB", img.size)
    clean.paste(img)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def _draft_box(width: int, height: int) -> tuple[int, int]:
    """The smallest size a JPEG may be decoded at (DCT scaling by 1/2, 1/4, 1/8) and still
    be at least as large as the web copy on both sides, so no detail of it is lost."""
    scale = WEB_LONGEST_SIDE / max(width, height)
    return math.ceil(width * scale), math.ceil(height * scale)


def process_upload(fileobj) -> ProcessedPhoto:
    """Validate and decode an uploaded photo; return the clean copies to store.

    Raises PhotoRejected with a message for the sender if the file is not stored.
    """
    if _file_size(fileobj) > MAX_BYTES:
        raise PhotoRejected(TOO_LARGE, code="too_large")
    fileobj.seek(0)
    head = fileobj.read(HEAD_BYTES)
    fileobj.seek(0)
    if not head:
        raise PhotoRejected(NOT_A_PHOTO, code="not_a_photo")
    refused = unsupported_format_name(head)
    if refused:
        raise PhotoRejected(UNSUPPORTED.format(name=refused), code="unsupported")

    # Must stay off process-wide: a half-decoded photo would be stored grey at the bottom.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(fileobj, formats=list(ACCEPTED_FORMATS))
            with img:
                if img.width * img.height > MAX_PIXELS:
                    raise PhotoRejected(TOO_MANY_PIXELS, code="too_many_pixels")
                if img.format == "JPEG" and max(img.size) >= 2 * WEB_LONGEST_SIDE:
                    img.draft("RGB", _draft_box(*img.size))
                img.load()
                upright = ImageOps.exif_transpose(img)
                rgb = _to_srgb(upright)
    except PhotoRejected:
        raise
    except UnidentifiedImageError as error:
        raise PhotoRejected(NOT_A_PHOTO, code="not_a_photo") from error
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoRejected(TOO_MANY_PIXELS, code="too_many_pixels") from error
    except (
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        IndexError,
        TypeError,
        RuntimeError,
    ) as error:
        # Pillow's decoders report truncated or corrupt data with any of these (libheif's
        # "some other error" is a RuntimeError).
        raise PhotoRejected(DAMAGED, code="damaged") from error

    web = _fitted(rgb, WEB_LONGEST_SIDE)
    thumb = _fitted(web, THUMB_LONGEST_SIDE)
    return ProcessedPhoto(
        web=_clean_jpeg(web, JPEG_QUALITY),
        thumbnail=_clean_jpeg(thumb, THUMB_QUALITY),
        width=web.width,
        height=web.height,
    )
