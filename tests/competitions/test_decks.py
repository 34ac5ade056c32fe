"""Pitch decks: PDFs only (by content), within the size limit, refused before anything is stored."""

from __future__ import annotations

from pathlib import Path

import httpx
from starlette.applications import Starlette

from podium.competitions.models import Project
from podium.settings import Settings
from tests.competitions.test_projects import apply_as, open_competition
from tests.factories import make_user
from tests.helpers import csrf_token, sign_in

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def stored_decks(settings: Settings) -> list[Path]:
    folder = settings.upload_dir / "decks"
    return sorted(folder.iterdir()) if folder.exists() else []


async def _upload(
    client: httpx.AsyncClient, project: Project, content: bytes, name: str = "deck.pdf", token: str | None = None
) -> httpx.Response:
    page = f"/projects/{project.id}"
    token = token if token is not None else await csrf_token(client, page)
    return await client.post(
        f"{page}/deck", data={"csrf_token": token}, files={"deck": (name, content, "application/pdf")}
    )


async def test_a_pdf_deck_is_stored_and_shown_to_the_team_only(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, settings: Settings
) -> None:
    competition, _track, _division = await open_competition()
    project = await apply_as(client, "wang@example.com", competition)
    before = stored_decks(settings)
    response = await _upload(client, project, PDF, name="Cardio Patch.pdf")
    assert response.status_code == 303
    stored = await Project.get(id=project.id)
    assert (stored.deck_name, stored.deck_size) == ("Cardio Patch.pdf", len(PDF))
    assert len(stored_decks(settings)) == len(before) + 1
    deck = await client.get(f"/projects/{project.id}/deck")
    assert deck.status_code == 200
    assert deck.headers["content-type"] == "application/pdf"
    assert deck.content == PDF
    await make_user(email="rival@example.com")
    await sign_in(other_client, "rival@example.com")
    assert (await other_client.get(f"/projects/{project.id}/deck")).status_code == 404
    # A new deck replaces the old file.
    assert (await _upload(client, project, PDF + b"% v2\n")).status_code == 303
    assert len(stored_decks(settings)) == len(before) + 1


async def test_a_renamed_non_pdf_is_refused_and_not_stored(client: httpx.AsyncClient, settings: Settings) -> None:
    competition, _track, _division = await open_competition()
    project = await apply_as(client, "wang@example.com", competition)
    before = stored_decks(settings)
    response = await _upload(client, project, b"PK\x03\x04 this is a zip, not a pdf", name="deck.pdf")
    assert response.status_code == 422
    assert "Upload a PDF file." in response.text
    assert stored_decks(settings) == before
    assert (await Project.get(id=project.id)).deck_key == ""


async def test_a_deck_over_the_limit_is_refused_and_not_stored(
    app: Starlette, client: httpx.AsyncClient, settings: Settings
) -> None:
    competition, _track, _division = await open_competition()
    project = await apply_as(client, "wang@example.com", competition)
    before = stored_decks(settings)
    app.state.settings = settings.model_copy(update={"deck_max_mb": 1})
    try:
        response = await _upload(client, project, PDF + b"0" * (1024 * 1024 + 10))
    finally:
        app.state.settings = settings
    assert response.status_code == 422
    assert "The file is larger than 1 MB. Make it smaller and upload it again." in response.text
    # Past the whole request limit the body is refused before it is even read.
    huge = await _upload(client, project, PDF + b"0" * (settings.deck_max_bytes + 2 * 1024 * 1024))
    assert huge.status_code == 413
    assert stored_decks(settings) == before


async def test_an_upload_without_the_csrf_token_is_refused(client: httpx.AsyncClient, settings: Settings) -> None:
    competition, _track, _division = await open_competition()
    project = await apply_as(client, "wang@example.com", competition)
    before = stored_decks(settings)
    response = await _upload(client, project, PDF, token="forged")
    assert response.status_code == 403
    assert stored_decks(settings) == before
    assert (await Project.get(id=project.id)).deck_key == ""
