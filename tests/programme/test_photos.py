"""Speaker photos: checked by content, re-encoded, served as JPEG; refusals store nothing."""

from __future__ import annotations

import io
import struct
import zlib

import httpx
import pytest
from PIL import Image

from podium.platform.programme import photos
from podium.platform.programme.models import Speaker
from podium.settings import Settings
from tests.helpers import csrf_token
from tests.programme.conftest import image_bytes, make_speaker, organizer_of

NEW = "/organize/summits/ges/programme/speakers/new"


def stored(settings: Settings) -> set[str]:
    directory = photos.photo_dir(settings)
    return {path.name for path in directory.iterdir()} if directory.exists() else set()


def _leave_file(settings: Settings, key: str) -> None:
    photos.photo_dir(settings).mkdir(parents=True, exist_ok=True)
    photos.photo_path(settings, key).write_bytes(image_bytes("JPEG"))


async def upload(
    client: httpx.AsyncClient, url: str, name: str, content: bytes, content_type: str, **fields: str
) -> httpx.Response:
    token = await csrf_token(client, url)
    return await client.post(
        url, data={"csrf_token": token, "name": "Li Wei", **fields}, files={"photo": (name, content, content_type)}
    )


@pytest.mark.parametrize(
    ("fmt", "mode", "content_type"),
    [("JPEG", "RGB", "image/jpeg"), ("PNG", "RGBA", "image/png"), ("WEBP", "RGB", "image/webp")],
)
async def test_a_photo_is_reencoded_to_a_small_jpeg_and_served(
    client: httpx.AsyncClient, settings: Settings, fmt: str, mode: str, content_type: str
) -> None:
    await organizer_of(client)
    response = await upload(client, NEW, f"me.{fmt.lower()}", image_bytes(fmt, (1600, 1200), mode), content_type)
    assert response.status_code == 303
    speaker = await Speaker.get(name="Li Wei")
    assert photos.is_photo_key(speaker.photo_key)
    served = await client.get(f"/programme/photos/{speaker.photo_key}")
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
    with Image.open(io.BytesIO(served.content)) as image:
        assert (image.format, image.size) == ("JPEG", (800, 600))  # shrunk to fit 800 x 800
        assert "exif" not in image.info
    assert speaker.photo_key in (await client.get("/organize/summits/ges/programme")).text


REFUSED = [
    pytest.param("photo.jpg", b"I am not an image, only named like one.\n" * 10, "image/jpeg", id="renamed-text"),
    pytest.param("photo.gif", image_bytes("GIF"), "image/gif", id="gif"),
    pytest.param("photo.bmp", image_bytes("BMP"), "image/bmp", id="bmp"),
    pytest.param("photo.png", image_bytes("PNG")[:60], "image/png", id="truncated-png"),
]


async def test_a_photo_is_judged_by_its_content_not_its_name(client: httpx.AsyncClient) -> None:
    await organizer_of(client)
    response = await upload(client, NEW, "photo.jpg", image_bytes("PNG"), "image/jpeg")
    assert response.status_code == 303


@pytest.mark.parametrize(("name", "content", "content_type"), REFUSED)
async def test_a_file_that_is_not_a_jpeg_png_or_webp_image_is_refused_and_not_stored(
    client: httpx.AsyncClient, settings: Settings, name: str, content: bytes, content_type: str
) -> None:
    await organizer_of(client)
    before = stored(settings)
    response = await upload(client, NEW, name, content, content_type, bio_en="Keep this bio")
    assert response.status_code == 422
    assert "Upload a photo as a JPEG, PNG or WebP image." in response.text
    assert ">Keep this bio</textarea>" in response.text
    assert 'value="Li Wei"' in response.text
    assert await Speaker.all().count() == 0
    assert stored(settings) == before


async def test_a_photo_over_the_size_limit_is_refused_and_not_stored(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    await organizer_of(client)
    before = stored(settings)
    huge = image_bytes("JPEG") + b"\0" * photos.PHOTO_MAX_BYTES
    response = await upload(client, NEW, "big.jpg", huge, "image/jpeg")
    assert response.status_code == 422
    assert "The photo is larger than 5 MB. Make it smaller and upload it again." in response.text
    assert await Speaker.all().count() == 0
    assert stored(settings) == before


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares a canvas of this size and holds no pixels: all a decompression bomb needs to show."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [8000, 10_000, 20_000])
async def test_an_image_too_large_in_pixels_is_refused_before_it_is_decoded(
    client: httpx.AsyncClient, settings: Settings, side: int
) -> None:
    """64, 100 and 400 megapixels: under, over and far over Pillow's own bomb limit (89 megapixels)."""
    await organizer_of(client)
    before = stored(settings)
    response = await upload(client, NEW, "bomb.png", png_header(side, side), "image/png")
    assert response.status_code == 422
    assert "The image is too large. Use a photo of at most 40 megapixels." in response.text
    assert stored(settings) == before


async def test_replacing_and_removing_a_photo_deletes_the_old_file(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    await organizer_of(client)
    assert (await upload(client, NEW, "a.png", image_bytes("PNG"), "image/png")).status_code == 303
    speaker = await Speaker.get(name="Li Wei")
    first = speaker.photo_key
    edit = f"/organize/summits/ges/programme/speakers/{speaker.id}"

    refused = await upload(client, edit, "b.gif", image_bytes("GIF"), "image/gif")
    assert refused.status_code == 422
    assert (await Speaker.get(id=speaker.id)).photo_key == first  # a refused photo changes nothing

    assert (await upload(client, edit, "b.jpg", image_bytes("JPEG"), "image/jpeg")).status_code == 303
    second = (await Speaker.get(id=speaker.id)).photo_key
    assert second != first
    assert not photos.photo_path(settings, first).exists()
    assert (await client.get(f"/programme/photos/{first}")).status_code == 404

    token = await csrf_token(client, edit)
    kept = await client.post(edit, data={"csrf_token": token, "name": "Li Wei"}, files={"photo": ("", b"", "")})
    assert kept.status_code == 303  # no file chosen: the photo stays
    assert (await Speaker.get(id=speaker.id)).photo_key == second

    token = await csrf_token(client, edit)
    dropped = await client.post(
        edit, data={"csrf_token": token, "name": "Li Wei", "remove_photo": "1"}, files={"photo": ("", b"", "")}
    )
    assert dropped.status_code == 303
    assert (await Speaker.get(id=speaker.id)).photo_key == ""
    assert not photos.photo_path(settings, second).exists()


async def test_an_upload_without_its_csrf_token_is_refused(client: httpx.AsyncClient, settings: Settings) -> None:
    await organizer_of(client)
    before = stored(settings)
    response = await client.post(
        NEW, data={"name": "Li Wei"}, files={"photo": ("a.png", image_bytes("PNG"), "image/png")}
    )
    assert response.status_code == 403
    assert await Speaker.all().count() == 0
    assert stored(settings) == before


async def test_only_photos_of_speakers_are_served(client: httpx.AsyncClient, settings: Settings) -> None:
    summit = await organizer_of(client)
    stray = "f" * 32 + ".jpg"
    _leave_file(settings, stray)
    assert (await client.get(f"/programme/photos/{stray}")).status_code == 404  # a file no speaker owns
    await make_speaker(summit=summit, photo_key=stray)
    assert (await client.get(f"/programme/photos/{stray}")).status_code == 200
    for bad in ("..%2Fsecret_key", "x.jpg", "F" * 32 + ".jpg"):
        assert (await client.get(f"/programme/photos/{bad}")).status_code == 404
