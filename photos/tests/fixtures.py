"""Photos made in code, and a private photo store in a temporary folder per test."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg_bytes(width=400, height=300, *, orientation=None, gps=False, quality=90) -> bytes:
    """A photo-like JPEG: a gradient with noise, optionally with EXIF orientation and GPS."""
    gradient = Image.linear_gradient("L").resize((width, height))
    noise = Image.effect_noise((width, height), 30)
    img = Image.merge("RGB", (gradient, noise, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    # A red block top-left shows, after processing, which way up the photo was turned.
    img.paste((255, 0, 0), (0, 0, width // 4, height // 4))
    exif = Image.Exif()
    if orientation:
        exif[ORIENTATION] = orientation
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 39.0)}
    out = io.BytesIO()
    img.save(
        out,
        format="JPEG",
        quality=quality,
        exif=exif.tobytes() if len(exif) else b"",
        icc_profile=_srgb_profile() if gps else None,
        comment=b"Taken at 12 Clinic Street",
    )
    return out.getvalue()


def heic_bytes(width=400, height=300, *, orientation=None, gps=False) -> bytes:
    """A real HEIC, as an iPhone writes it (HEVC-coded, "heic" brand), encoded here by
    pillow-heif: the same picture as jpeg_bytes, optionally with EXIF orientation, GPS, an
    ICC profile and XMP naming a place."""
    import pillow_heif

    picture = Image.open(io.BytesIO(jpeg_bytes(width, height, quality=95)))
    picture.load()
    picture.info.clear()
    exif = Image.Exif()
    if orientation:
        exif[ORIENTATION] = orientation
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 39.0)}
        picture.info["icc_profile"] = _srgb_profile()
    out = io.BytesIO()
    pillow_heif.from_pillow(picture).save(
        out,
        quality=90,
        exif=exif.tobytes() if len(exif) else None,
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">Taken at 12 Clinic Street</x:xmpmeta>',
    )
    return out.getvalue()


def _srgb_profile() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def png_bytes(width=300, height=200, mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), "navy").save(out, format="PNG")
    return out.getvalue()


def upload(content: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def photo_store(settings, tmp_path):
    """The private photo storage, in a folder of this test's own (the model's fields
    follow STORAGES["photos"]: photos/storage.py)."""
    location = tmp_path / "private-photos"
    settings.STORAGES = {
        **settings.STORAGES,
        "photos": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location), "base_url": None},
        },
    }
    return location


@pytest.fixture
def make_photo(people, photo_store):
    """A stored photo of a client, made through the pipeline."""
    from photos.services import photo_add

    def make(client=None, *, angle="front", stage="consultation", shared=True, **kwargs):
        return photo_add(
            client=client or people.record_a,
            angle=angle,
            stage=stage,
            upload=upload(jpeg_bytes(**kwargs)),
            by=people.artist,
            shared_with_client=shared,
        )

    return make
