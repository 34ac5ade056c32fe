"""The application form: organizers ask, teams answer; answers are checked per kind, saved, required, exported."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from podium.competitions.models import Answer, Question, QuestionKind
from podium.competitions.services import questions
from podium.platform.errors import InvalidInput
from podium.platform.summits.models import Summit
from tests.competitions.test_decks import PDF
from tests.competitions.test_projects import COMPLETE, apply_as, open_competition
from tests.factories import grant, make_user
from tests.helpers import csrf_token, post_form, sign_in


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "essay"}, "kind", "Choose a kind of question from the list."),
        ({"kind": "short_text"}, "label_en", "Write the question in at least one language."),
        (
            {"kind": "single_choice", "label_en": "Stage", "choices": "Idea"},
            "choices",
            "Give at least two choices, one per line.",
        ),
        (
            {"kind": "long_text", "label_en": "Story", "max_length": "0"},
            "max_length",
            "Enter a number of characters from 1 to 20000, or leave it empty.",
        ),
    ],
)
def test_bad_questions_are_refused_with_the_field_named(data: dict[str, str], field: str, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        questions.parse_question(data)
    assert refused.value.errors[field] == [message]


async def _form(competition_id: int) -> dict[str, Question]:
    specs = {
        "stage": {
            "kind": QuestionKind.SINGLE_CHOICE,
            "label_en": "Stage",
            "label_zh": "阶段",
            "required": True,
            "choices": [{"value": "1", "en": "Idea", "zh": "想法"}, {"value": "2", "en": "Revenue", "zh": "有收入"}],
        },
        "markets": {
            "kind": QuestionKind.MULTIPLE_CHOICE,
            "label_en": "Markets",
            "choices": [
                {"value": "1", "en": "China", "zh": ""},
                {"value": "2", "en": "Europe", "zh": ""},
                {"value": "3", "en": "US", "zh": ""},
            ],
        },
        "story": {"kind": QuestionKind.LONG_TEXT, "label_en": "Why now?", "max_length": 20},
        "revenue": {"kind": QuestionKind.NUMBER, "label_en": "Revenue last year"},
        "demo": {"kind": QuestionKind.URL, "label_en": "Demo"},
        "founded": {"kind": QuestionKind.DATE, "label_en": "Idea since"},
        "patent": {"kind": QuestionKind.FILE, "label_en": "Patent", "required": True},
    }
    return {
        key: await Question.create(competition_id=competition_id, position=n, **spec)
        for n, (key, spec) in enumerate(specs.items())
    }


async def test_organizer_builds_the_form_and_outsiders_cannot(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    competition, _track, _division = await open_competition()
    await grant(await Summit.get(id=competition.summit_id), await make_user(email="org@ges.example"))
    await sign_in(client, "org@ges.example")
    setup = f"/organize/competitions/{competition.id}"
    bad = await post_form(
        client, f"{setup}/questions", {"kind": "single_choice", "label_en": "Stage", "choices": "Idea"}, page=setup
    )
    assert bad.status_code == 422
    assert "Give at least two choices, one per line." in bad.text
    assert 'value="Stage"' in bad.text
    ok = await post_form(
        client,
        f"{setup}/questions",
        {
            "kind": "single_choice",
            "label_en": "Stage",
            "label_zh": "阶段",
            "choices": "Idea | 想法\nRevenue | 有收入",
            "required": "1",
        },
        page=setup,
    )
    assert ok.status_code == 303
    question = await Question.get(competition_id=competition.id)
    assert (question.required, question.choices[1]) == (True, {"value": "2", "en": "Revenue", "zh": "有收入"})
    await make_user(email="rival@example.com")
    await sign_in(other_client, "rival@example.com")
    refused = await post_form(
        other_client, f"{setup}/questions", {"kind": "short_text", "label_en": "Hijack"}, page="/"
    )
    assert refused.status_code == 404
    assert await Question.filter(competition_id=competition.id).count() == 1


async def test_answers_are_checked_per_kind_and_kept_on_error(client: httpx.AsyncClient) -> None:
    competition, track, division = await open_competition()
    asked = await _form(competition.id)
    project = await apply_as(client, "wang@example.com", competition, track_id=track.id, division_id=division.id)
    page = f"/projects/{project.id}"
    form = await client.get(page)
    assert "Stage" in form.text
    assert f'name="q_{asked["markets"].id}"' in form.text
    base = {**COMPLETE, "track_id": str(track.id), "division_id": str(division.id)}

    token = await csrf_token(client, page)
    bad = await client.post(
        page,
        data={
            **base,
            "csrf_token": token,
            f"q_{asked['stage'].id}": "9",
            f"q_{asked['revenue'].id}": "lots",
            f"q_{asked['demo'].id}": "nope",
            f"q_{asked['founded'].id}": "yesterday",
            f"q_{asked['story'].id}": "x" * 21,
            f"q_{asked['markets'].id}": ["1", "3"],
        },
    )
    assert bad.status_code == 422
    for message in (
        "Choose from the list.",
        "Enter a number, like 12 or 3.5.",
        "Enter a web address, like https://example.com.",
        "Enter a date, like 2024-07-01.",
        "Use at most 20 characters.",
    ):
        assert message in bad.text
    assert bad.text.count("checked") >= 2  # the ticked markets are still ticked
    assert await Answer.filter(project_id=project.id).count() == 0

    good = await client.post(
        page,
        data={
            **base,
            "csrf_token": token,
            f"q_{asked['stage'].id}": "2",
            f"q_{asked['revenue'].id}": "1,250,000.50",
            f"q_{asked['demo'].id}": "demo.example/x",
            f"q_{asked['founded'].id}": "2023-05-01",
            f"q_{asked['story'].id}": "Costs fell.",
            f"q_{asked['markets'].id}": ["1", "3"],
        },
    )
    assert good.status_code == 303
    stored = {a.question_id: a.answer for a in await Answer.filter(project_id=project.id)}
    assert stored == {
        asked["stage"].id: "2",
        asked["revenue"].id: "1250000.5",
        asked["demo"].id: "https://demo.example/x",
        asked["founded"].id: "2023-05-01",
        asked["story"].id: "Costs fell.",
        asked["markets"].id: ["1", "3"],
    }


async def test_required_answers_are_needed_to_submit_and_files_are_pdfs(client: httpx.AsyncClient) -> None:
    competition, track, division = await open_competition()
    asked = await _form(competition.id)
    project = await apply_as(client, "wang@example.com", competition, track_id=track.id, division_id=division.id)
    page = f"/projects/{project.id}"
    refused = await post_form(client, f"{page}/submit", page=page)
    assert refused.status_code == 422
    # The stage and the patent file, each named beside its field (and in the summary at the top).
    assert refused.text.count("Answer this question before submitting.") == 4
    assert f'id="q_{asked["stage"].id}-error"' in refused.text
    assert f'id="q_{asked["patent"].id}-error"' in refused.text

    token = await csrf_token(client, page)
    upload = f"{page}/answers/{asked['patent'].id}/file"
    not_pdf = await client.post(upload, data={"csrf_token": token}, files={"file": ("patent.pdf", b"GIF89a", "x")})
    assert not_pdf.status_code == 422
    assert "Upload a PDF file." in not_pdf.text
    assert (
        await client.post(upload, data={"csrf_token": token}, files={"file": ("patent.pdf", PDF, "application/pdf")})
    ).status_code == 303
    assert (await client.get(upload)).content == PDF
    response = await client.patch(
        f"/api/v1/projects/{project.id}",
        json={f"q_{asked['stage'].id}": "1", f"q_{asked['markets'].id}": ["2"]},
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 200
    assert (await post_form(client, f"{page}/submit", page=page)).status_code == 303


async def test_answers_are_exported_as_columns(client: httpx.AsyncClient, other_client: httpx.AsyncClient) -> None:
    competition, track, division = await open_competition()
    asked = await _form(competition.id)
    project = await apply_as(client, "wang@example.com", competition, track_id=track.id, division_id=division.id)
    await Answer.create(project_id=project.id, question_id=asked["markets"].id, value={"v": ["1", "3"]})
    await Answer.create(project_id=project.id, question_id=asked["stage"].id, value={"v": "2"})
    await grant(await Summit.get(id=competition.summit_id), await make_user(email="org@ges.example"))
    await sign_in(other_client, "org@ges.example")
    response = await other_client.get(f"/organize/competitions/{competition.id}/projects/export.csv")
    [row] = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert row[f"q{asked['markets'].id}: Markets"] == "China, US"
    assert row[f"q{asked['stage'].id}: Stage"] == "Revenue"
