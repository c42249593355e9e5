import io

import pytest
from PIL import Image, ImageFile

from photos.processing import (
    DAMAGED,
    MAX_BYTES,
    NOT_A_PHOTO,
    TOO_LARGE,
    TOO_MANY_PIXELS,
    PhotoRejected,
    process_upload,
)

from .fixtures import heic_bytes, jpeg_bytes, png_bytes, upload


def reopen(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def rejection(content: bytes, name="photo.jpg") -> str:
    with pytest.raises(PhotoRejected) as caught:
        process_upload(upload(content, name))
    return caught.value.messages[0]


def test_it_strips_every_bit_of_metadata_and_turns_the_photo_upright():
    # Stored 400 x 300 with "rotate 90° clockwise to display" (orientation 6), GPS,
    # an ICC profile and a comment naming a place.
    source = jpeg_bytes(400, 300, orientation=6, gps=True)
    original = reopen(source)
    assert original.getexif().get_ifd(0x8825)  # the test photo really has GPS
    assert "icc_profile" in original.info

    result = process_upload(upload(source))

    for data in (result.web, result.thumbnail):
        stored = reopen(data)
        assert stored.format == "JPEG"
        assert stored.mode == "RGB"
        assert len(stored.getexif()) == 0
        assert not {"exif", "icc_profile", "xmp", "comment", "XML:com.adobe.xmp"} & set(stored.info)
        assert b"Clinic Street" not in data
    web = reopen(result.web)
    assert (web.width, web.height) == (300, 400) == (result.width, result.height)
    # The red block was top-left as stored; turned clockwise, it is now top-right.
    red, green, blue = web.getpixel((web.width - 10, 10))
    assert red > 200 and green < 80 and blue < 80
    assert reopen(result.thumbnail).size == (240, 320)


def test_it_keeps_a_web_copy_of_1600_pixels_and_a_thumbnail_of_320():
    result = process_upload(upload(jpeg_bytes(4000, 3000)))

    assert reopen(result.web).size == (1600, 1200)
    assert (result.width, result.height) == (1600, 1200)
    assert reopen(result.thumbnail).size == (320, 240)


def test_it_does_not_enlarge_a_small_photo():
    result = process_upload(upload(png_bytes(300, 200), "scalp.png", "image/png"))

    assert reopen(result.web).size == (300, 200)
    assert reopen(result.web).format == "JPEG"


def test_it_accepts_webp_and_puts_transparent_png_areas_on_white():
    out = io.BytesIO()
    Image.new("RGB", (200, 100), "green").save(out, format="WEBP")
    assert process_upload(upload(out.getvalue(), "a.webp")).width == 200

    out = io.BytesIO()
    Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(out, format="PNG")
    result = process_upload(upload(out.getvalue(), "cut-out.png"))
    assert reopen(result.web).getpixel((5, 5)) == (255, 255, 255)


def test_a_16_bit_grey_png_keeps_its_tones():
    """50,000 of 65,535 is a light grey, not white; the darkest and lightest stay so."""
    photo = Image.new("I;16", (120, 80), 50_000)
    photo.paste(Image.new("I;16", (40, 80), 0), (0, 0))
    photo.paste(Image.new("I;16", (40, 80), 65_535), (80, 0))
    out = io.BytesIO()
    photo.save(out, format="PNG")

    result = reopen(process_upload(upload(out.getvalue(), "scan.png", "image/png")).web)

    def near(pixel, grey):  # the web copy is a JPEG: allow its rounding
        return all(abs(channel - grey) <= 1 for channel in pixel)

    assert near(result.getpixel((60, 40)), 195)  # 50,000 / 257 = 194.6
    assert near(result.getpixel((10, 40)), 0)
    assert near(result.getpixel((110, 40)), 255)


def test_it_refuses_a_text_file_named_jpg():
    assert rejection(b"Dear clinic, here is my photo.\n" * 20, "scalp.jpg") == NOT_A_PHOTO


def test_it_refuses_an_empty_file():
    assert rejection(b"", "scalp.jpg") == NOT_A_PHOTO


def test_it_refuses_a_truncated_jpeg():
    good = jpeg_bytes(800, 600)

    assert rejection(good[: len(good) // 2]) == DAMAGED


def test_it_refuses_a_truncated_jpeg_even_if_something_else_allowed_truncated_images(
    monkeypatch,
):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    good = jpeg_bytes(800, 600)

    assert rejection(good[: len(good) // 2]) == DAMAGED


def test_it_refuses_a_large_jpeg_decoded_at_reduced_size_when_truncated():
    good = jpeg_bytes(4000, 3000)

    assert rejection(good[: len(good) // 2]) == DAMAGED


def test_it_refuses_a_png_decompression_bomb():
    # 20,000 x 20,000 one-bit pixels compress to a few tens of kilobytes.
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, format="PNG")
    assert len(out.getvalue()) < 1_000_000

    assert rejection(out.getvalue(), "bomb.png") == TOO_MANY_PIXELS


def test_it_treats_pillows_decompression_bomb_warning_as_a_refusal(monkeypatch):
    # Pillow warns above MAX_IMAGE_PIXELS and only fails at twice that.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100 * 100)

    assert rejection(png_bytes(150, 100), "wide.png") == TOO_MANY_PIXELS


def test_it_refuses_more_than_40_megapixels_before_decoding():
    # A real 8000 x 6000 (48 MP) header; the pixel data is missing, which would be
    # "damaged" if anything tried to decode it.
    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, format="PNG")
    header_only = out.getvalue()[:200]

    assert rejection(header_only, "huge.png") == TOO_MANY_PIXELS


def test_it_refuses_a_file_over_25_mb_without_opening_it(monkeypatch):
    opened = []
    monkeypatch.setattr(Image, "open", lambda *a, **k: opened.append(a))
    padded = jpeg_bytes(100, 100) + b"\0" * (50 * 1024 * 1024)

    assert rejection(padded) == TOO_LARGE
    assert opened == []


def test_it_measures_size_of_files_without_a_size_attribute():
    with pytest.raises(PhotoRejected, match="larger than 25 MB"):
        process_upload(io.BytesIO(b"\xff\xd8\xff" + b"\0" * MAX_BYTES))


@pytest.mark.parametrize(
    ("head", "name"),
    [
        (b"\x00\x00\x00\x1cftypavif", "AVIF"),
        # The HEIF container's generic brand first, AV1 among the compatible ones.
        (b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1avifmiaf", "AVIF"),
        (b"II*\x00", "TIFF"),
        (b"MM\x00*", "TIFF"),
        (b"BM", "BMP"),
    ],
)
def test_it_names_formats_it_does_not_take(head, name):
    message = rejection(head + b"\0" * 2000, "IMG_0001.jpg")

    assert message == f"This format is not supported: {name}. Please send JPEG, PNG, WebP or HEIC."


def test_it_refuses_a_real_gif():
    out = io.BytesIO()
    Image.new("P", (20, 20)).save(out, format="GIF")

    assert rejection(out.getvalue(), "scalp.gif") == (
        "This format is not supported: GIF. Please send JPEG, PNG, WebP or HEIC."
    )


# --- HEIC, as iPhones save photos ----------------------------------------------------------


def test_it_reads_an_iphone_heic_strips_its_metadata_and_turns_it_upright():
    # Stored 400 x 300 with "rotate 90° clockwise to display", GPS, an ICC profile and
    # XMP naming a place.
    source = heic_bytes(400, 300, orientation=6, gps=True)
    assert source[4:12] == b"ftypheic"
    original = reopen(source)
    assert original.format == "HEIF"
    assert original.getexif().get_ifd(0x8825)  # the test photo really has GPS
    assert {"exif", "xmp", "icc_profile"} <= set(original.info)
    assert b"Clinic Street" in source

    result = process_upload(upload(source, "IMG_4032.HEIC", "image/heic"))

    for data in (result.web, result.thumbnail):
        stored = reopen(data)
        assert stored.format == "JPEG" and stored.mode == "RGB"
        assert len(stored.getexif()) == 0
        assert not {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp"} & set(stored.info)
        assert b"Clinic Street" not in data
    web = reopen(result.web)
    assert (web.width, web.height) == (300, 400) == (result.width, result.height)
    red, green, blue = web.getpixel((web.width - 10, 10))
    assert red > 200 and green < 80 and blue < 80
    assert reopen(result.thumbnail).size == (240, 320)


def test_a_large_heic_is_kept_at_web_size():
    result = process_upload(upload(heic_bytes(2000, 1500), "IMG_4032.HEIC"))

    assert reopen(result.web).size == (1600, 1200)
    assert reopen(result.thumbnail).size == (320, 240)


def test_it_refuses_a_text_file_named_heic():
    assert rejection(b"Dear clinic, here is my photo.\n" * 20, "IMG_4032.heic") == NOT_A_PHOTO
    assert "HEIC" in NOT_A_PHOTO


def test_it_refuses_a_truncated_heic():
    good = heic_bytes(800, 600)

    assert rejection(good[: len(good) // 2], "IMG_4032.HEIC") == DAMAGED


def test_it_refuses_a_heic_over_pillows_pixel_limits(monkeypatch):
    over, far_over = heic_bytes(150, 100), heic_bytes(400, 300)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100 * 100)

    # Over the limit: Pillow warns, which is a refusal; over twice the limit it fails.
    assert rejection(over, "IMG_4032.HEIC") == TOO_MANY_PIXELS
    assert rejection(far_over, "IMG_4033.HEIC") == TOO_MANY_PIXELS
