"""Speaker photos: checked by content, re-encoded to a small JPEG, stored under a random key.

An uploaded file is only ever read, never stored as sent: it must start like a JPEG, PNG or WebP file, Pillow
must decode it as that same format, and what is written is a fresh JPEG without metadata (no EXIF location),
at most PHOTO_EDGE pixels on its longer side. Anything refused leaves nothing on disk."""

from __future__ import annotations

import io
import re
import secrets
import struct
from pathlib import Path

import anyio.to_thread
from PIL import Image, ImageOps, UnidentifiedImageError
from starlette.datastructures import UploadFile

from podium.platform.errors import InvalidInput
from podium.platform.i18n import gettext as _
from podium.settings import Settings

PHOTO_MAX_MB = 5
PHOTO_MAX_BYTES = PHOTO_MAX_MB * 1024 * 1024
# Larger images are refused before they are decoded (a small file can declare a huge canvas).
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_EDGE = 800
PHOTO_CONTENT_TYPE = "image/jpeg"
_KEY = re.compile(r"^[0-9a-f]{32}\.jpg$")
# What each accepted format's file starts with, and the name Pillow gives that format.
_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\xff\xd8\xff", 0, "JPEG"),
    (b"\x89PNG\r\n\x1a\n", 0, "PNG"),
    (b"WEBP", 8, "WEBP"),  # RIFF....WEBP
)


def photo_dir(settings: Settings) -> Path:
    return settings.upload_dir / "speakers"


def is_photo_key(key: str) -> bool:
    return bool(_KEY.match(key))


def photo_path(settings: Settings, key: str) -> Path:
    if not is_photo_key(key):
        raise ValueError(f"not a photo key: {key!r}")
    return photo_dir(settings) / key


def sniff(head: bytes) -> str | None:
    """The image format a file's first bytes announce, if it is one we accept."""
    for signature, offset, name in _SIGNATURES:
        if head[offset : offset + len(signature)] == signature and (name != "WEBP" or head.startswith(b"RIFF")):
            return name
    return None


def _refused() -> InvalidInput:
    return InvalidInput({"photo": [_("Upload a photo as a JPEG, PNG or WebP image.")]})


def reencode(data: bytes, expected: str) -> bytes:
    """Decode an image of the expected format and return it as a fresh, bounded JPEG; InvalidInput otherwise."""
    too_large = InvalidInput({"photo": [_("The image is too large. Use a photo of at most 40 megapixels.")]})
    try:
        with Image.open(io.BytesIO(data), formats=[expected]) as image:
            width, height = image.size
            if width * height > PHOTO_MAX_PIXELS:
                raise too_large
            image.load()
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((PHOTO_EDGE, PHOTO_EDGE))
            if upright.mode in {"RGBA", "LA", "PA"} or (upright.mode == "P" and "transparency" in upright.info):
                rgba = upright.convert("RGBA")
                flat = Image.new("RGB", rgba.size, (255, 255, 255))
                flat.paste(rgba, mask=rgba.getchannel("A"))
            else:
                flat = upright.convert("RGB")
            out = io.BytesIO()
            flat.save(out, format="JPEG", quality=85, optimize=True)
            return out.getvalue()
    except InvalidInput:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard against huge canvases, on opening: an error, or a warning that may be set to raise.
        raise too_large from None
    except (UnidentifiedImageError, OSError, EOFError, SyntaxError, ValueError, IndexError, KeyError, struct.error):
        # Truncated, corrupt, hostile or disguised files: Pillow's decoders raise one of these while reading them.
        raise _refused() from None


async def store_photo(*, upload: UploadFile, settings: Settings) -> str:
    """Check and re-encode an uploaded photo, store it, and return its key. Refusals raise InvalidInput
    keyed "photo" and write nothing."""
    size = upload.size if upload.size is not None else 0
    if size > PHOTO_MAX_BYTES:
        raise InvalidInput(
            {"photo": [_("The photo is larger than %(mb)d MB. Make it smaller and upload it again.", mb=PHOTO_MAX_MB)]}
        )
    await upload.seek(0)
    data = await upload.read(PHOTO_MAX_BYTES + 1)
    if len(data) > PHOTO_MAX_BYTES:
        raise InvalidInput(
            {"photo": [_("The photo is larger than %(mb)d MB. Make it smaller and upload it again.", mb=PHOTO_MAX_MB)]}
        )
    expected = sniff(data[:16])
    if expected is None:
        raise _refused()
    jpeg = await anyio.to_thread.run_sync(reencode, data, expected)
    key = f"{secrets.token_hex(16)}.jpg"
    target = photo_path(settings, key)

    def write() -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(jpeg)

    await anyio.to_thread.run_sync(write)
    return key


def delete_photo(settings: Settings, key: str) -> None:
    if key and is_photo_key(key):
        photo_path(settings, key).unlink(missing_ok=True)
