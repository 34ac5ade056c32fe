"""Organizers import applications collected offline from CSV or XLSX: checked first with a preview and a
per-row report, then imported whole or not at all."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import httpx
import pytest
from openpyxl import Workbook

from podium.competitions.models import (
    Answer,
    Competition,
    Division,
    DuplicateFlag,
    Eligibility,
    ImportStatus,
    Project,
    ProjectImport,
    ProjectStatus,
    Question,
    QuestionKind,
    TeamMember,
    Track,
)
from podium.competitions.services import imports
from podium.platform import jobs
from podium.platform.audit import AuditEntry
from podium.platform.jobs import JobName
from podium.platform.summits.models import Role, Summit
from podium.platform.users.models import User
from podium.settings import Settings
from tests.competitions.test_projects import open_competition
from tests.conftest import JobRunner, SmtpSink
from tests.factories import grant, make_summit, make_user
from tests.helpers import body_text, csrf_token, links_in, sign_in

HEADER = [
    "title",
    "summary",
    "track",
    "division",
    "country",
    "website",
    "lead_email",
    "lead_name",
    "lead_equity",
    "lead_overseas",
    "member2_email",
    "member2_role",
    "member2_equity",
]


def _csv(rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


async def _organizer_field() -> tuple[Competition, Question]:
    competition, _track, _division = await open_competition()
    await grant(await Summit.get(id=competition.summit_id), await make_user(email="org@ges.example"))
    stage = await Question.create(
        competition=competition,
        kind=QuestionKind.SINGLE_CHOICE,
        label_en="Stage",
        label_zh="阶段",
        choices=[{"value": "seed", "en": "Seed", "zh": "种子轮"}, {"value": "a", "en": "Series A", "zh": "A轮"}],
    )
    return competition, stage


async def _upload(
    client: httpx.AsyncClient, competition: Competition, content: bytes, name: str = "partners.csv"
) -> httpx.Response:
    page = f"/organize/competitions/{competition.id}/imports"
    token = await csrf_token(client, page)
    return await client.post(page, data={"csrf_token": token}, files={"file": (name, content, "text/csv")})


async def _checked(client: httpx.AsyncClient, competition: Competition, content: bytes, run_jobs: JobRunner) -> str:
    response = await _upload(client, competition, content)
    assert response.status_code == 303, response.text[:500]
    await run_jobs.run()
    return response.headers["location"]


async def test_a_good_file_is_checked_previewed_then_imported_whole(
    client: httpx.AsyncClient, run_jobs: JobRunner, mailbox: SmtpSink
) -> None:
    competition, stage = await _organizer_field()
    known = await make_user(email="known@example.com", name="Known Founder", locale="zh_Hans")
    content = _csv(
        [
            [
                "Heart Patch",
                "Wearable ECG.",
                "AI",
                "Overseas",
                "de",
                "heart.example",
                "anna@example.com",
                "Anna",
                "60",
                "work",
                "cto@example.com",
                "CTO",
                "30",
                "Series A",
            ],
            [
                "智能康复外骨骼",
                "康复机器人。",
                "人工智能",
                "海外赛区",
                "CN",
                "",
                "Known@Example.com",
                "",
                "51",
                "study",
                "",
                "",
                "",
                "种子轮",
            ],
        ],
        header=[*HEADER, f"q{stage.id}: Stage"],
    )
    await sign_in(client, "org@ges.example")
    location = await _checked(client, competition, content, run_jobs)

    page = await client.get(location)
    assert "All 2 rows are correct." in page.text, (await ProjectImport.get()).errors
    assert "Heart Patch" in page.text
    assert "智能康复外骨骼" in page.text
    assert await Project.filter(competition_id=competition.id).count() == 0  # nothing before the confirmation

    token = await csrf_token(client, location)
    confirmed = await client.post(f"{location}/run", data={"csrf_token": token})
    assert confirmed.status_code == 303
    again = await client.post(f"{location}/run", data={"csrf_token": token})  # a double click queues nothing more
    assert again.status_code == 303
    await run_jobs.run()

    record = await ProjectImport.get(competition_id=competition.id)
    assert (record.status, record.created_count) == (ImportStatus.DONE, 2)
    assert "2 projects were imported." in (await client.get(location)).text

    heart = await Project.get(title="Heart Patch").prefetch_related("members", "answers")
    assert (heart.status, heart.country, heart.website) == (ProjectStatus.SUBMITTED, "DE", "https://heart.example")
    assert heart.submitted_at is not None
    assert heart.eligibility != Eligibility.PENDING  # checked by the eligibility job after the import
    team = sorted((m.email, m.is_lead, str(m.equity), m.role) for m in heart.members)
    assert team == [("anna@example.com", True, "60.00", ""), ("cto@example.com", False, "30.00", "CTO")]
    assert [a.answer for a in heart.answers] == ["a"]  # chosen by its label
    anna = await User.get(email="anna@example.com")
    assert anna.name == "Anna"
    assert anna.password_hash == imports.UNUSABLE_PASSWORD  # no password until Anna sets one

    chinese = await Project.get(title="智能康复外骨骼")
    assert chinese.lead_id == known.id  # an existing account is linked, not duplicated
    assert await User.filter(email="known@example.com").count() == 1
    assert [a.answer for a in await Answer.filter(project_id=chinese.id)] == ["seed"]

    sent = {m["To"]: m for m in mailbox.messages}
    assert set(sent) >= {"anna@example.com", "known@example.com"}
    assert "/password/forgot" in " ".join(links_in(sent["anna@example.com"]))  # a new account sets its password
    assert "/password/forgot" not in body_text(sent["known@example.com"])
    assert "智能康复外骨骼" in body_text(sent["known@example.com"])
    assert "主办方" in body_text(sent["known@example.com"])
    assert await AuditEntry.filter(action="competition.projects_imported").count() == 1

    # Running the import job again (a worker that crashed after committing) creates nothing twice.
    await jobs.enqueue(JobName.RUN_IMPORT, job_id="rerun", import_id=record.id)
    await run_jobs.run()
    assert await Project.filter(competition_id=competition.id).count() == 2


async def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_imported(
    client: httpx.AsyncClient, run_jobs: JobRunner
) -> None:
    competition, _stage = await _organizer_field()
    content = _csv(
        [
            ["Good One", "Fine.", "AI", "Overseas", "GB", "", "good@example.com", "", "50", "none", "", "", ""],
            ["No Track", "Fine.", "Robotics", "Overseas", "GB", "", "a@example.com", "", "50", "none", "", "", ""],
            ["", "Fine.", "AI", "Overseas", "GB", "", "not-an-email", "", "50", "abroad", "", "", ""],
            [
                "Shares",
                "Fine.",
                "AI",
                "Overseas",
                "XX",
                "ftp://x",
                "b@example.com",
                "",
                "80",
                "work",
                "c@example.com",
                "CTO",
                "30",
            ],
        ]
    )
    await sign_in(client, "org@ges.example")
    location = await _checked(client, competition, content, run_jobs)
    record = await ProjectImport.get(competition_id=competition.id)
    assert record.status == ImportStatus.INVALID
    found = {(e["row"], e["column"]) for e in record.errors}
    assert {
        (3, "track"),
        (4, "title"),
        (4, "lead_email"),
        (4, "lead_overseas"),
        (5, "country"),
        (5, "website"),
        (5, "lead_equity"),
    } <= found
    assert not any(row == 2 for row, _column in found)

    page = await client.get(location)
    assert "nothing was imported" in page.text
    assert "Use one of: AI." in page.text
    assert "Enter a valid e-mail address" in page.text
    assert 'action="' + location + '/run"' not in page.text

    report = await client.get(f"{location}/errors.csv")
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert rows[0] == ["row", "column", "message"]
    assert ["3", "track", "Use one of: AI."] in rows

    token = await csrf_token(client, location)
    refused = await client.post(f"{location}/run", data={"csrf_token": token})
    assert refused.status_code == 409
    assert "Only a checked file without errors can be imported." in refused.text
    await run_jobs.run()
    assert await Project.filter(competition_id=competition.id).count() == 0
    assert await User.filter(email="good@example.com").count() == 0


async def test_a_wrong_header_is_reported_alone(client: httpx.AsyncClient, run_jobs: JobRunner) -> None:
    competition, _stage = await _organizer_field()
    content = _csv([["x"] * 3], header=["title", "tracks", "q99999"])
    await sign_in(client, "org@ges.example")
    await _checked(client, competition, content, run_jobs)
    record = await ProjectImport.get(competition_id=competition.id)
    assert record.status == ImportStatus.INVALID
    assert {(e["row"], e["column"]) for e in record.errors} == {
        (1, "tracks"),
        (1, "q99999"),
        (1, "track"),
        (1, "division"),
        (1, "lead_email"),
    }


async def test_an_exported_xlsx_imports_as_it_is_and_is_flagged_as_duplicates(
    client: httpx.AsyncClient, run_jobs: JobRunner
) -> None:
    competition, _stage = await _organizer_field()
    track = await Track.get(competition_id=competition.id)
    lead = await make_user(email="lead@example.com")
    project = await Project.create(
        competition=competition,
        lead=lead,
        title="Solar Roof Tiles",
        summary="Tiles that make power.",
        track=track,
        division=await Division.get(competition_id=competition.id),
        country="NL",
        status=ProjectStatus.SUBMITTED,
    )
    await TeamMember.create(project=project, user=lead, email=lead.email, is_lead=True, equity=70)
    await sign_in(client, "org@ges.example")
    exported = await client.get(f"/organize/competitions/{competition.id}/projects/export.xlsx")
    assert exported.status_code == 200
    response = await _upload(client, competition, exported.content, name="anything.csv")  # read by content
    assert response.status_code == 303
    await run_jobs.run()
    record = await ProjectImport.get(competition_id=competition.id)
    assert record.status == ImportStatus.READY, record.errors
    token = await csrf_token(client, response.headers["location"])
    await client.post(f"{response.headers['location']}/run", data={"csrf_token": token})
    await run_jobs.run()
    copies = await Project.filter(title="Solar Roof Tiles").order_by("id")
    assert len(copies) == 2
    assert copies[1].country == "NL"
    flags = await DuplicateFlag.all()
    assert {(f.project_a_id, f.project_b_id) for f in flags} & {
        (copies[0].id, copies[1].id),
        (copies[1].id, copies[0].id),
    }


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_gb18030_csv_and_typed_xlsx_cells_are_read(client: httpx.AsyncClient, run_jobs: JobRunner) -> None:
    competition, _stage = await _organizer_field()
    await sign_in(client, "org@ges.example")
    chinese = _csv(
        [
            [
                "量子传感",
                "农业传感器。",
                "人工智能",
                "海外赛区",
                "CN",
                "",
                "li@example.com",
                "李",
                "40",
                "both",
                "",
                "",
                "",
            ]
        ],
        encoding="gb18030",
    )
    await _checked(client, competition, chinese, run_jobs)
    workbook = _xlsx(
        [
            ["title", "summary", "track", "division", "lead_email", "lead_equity", "incorporated_on"],
            ["Typed Cells", "Numbers and dates.", "AI", "Overseas", "typed@example.com", 35, date(2024, 7, 1)],
        ]
    )
    await _checked(client, competition, workbook, run_jobs)
    statuses = [r.status for r in await ProjectImport.filter(competition_id=competition.id).order_by("id")]
    assert statuses == [ImportStatus.READY, ImportStatus.READY]
    preview = (await ProjectImport.filter(competition_id=competition.id).order_by("id"))[0].preview
    assert preview[0]["title"] == "量子传感"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4 not a table", None),
        (b"PK\x03\x04 a zip that is no workbook", "Upload a CSV file (UTF-8) or an Excel workbook (.xlsx)."),
        (b"title\x00\xff\xfe", "Upload a CSV file (UTF-8) or an Excel workbook (.xlsx)."),
    ],
)
async def test_files_that_are_not_tables_are_refused_before_storing(
    client: httpx.AsyncClient, settings: Settings, content: bytes, message: str | None
) -> None:
    competition, _stage = await _organizer_field()
    folder = settings.upload_dir / "imports"
    stored = set(folder.iterdir()) if folder.exists() else set()
    await sign_in(client, "org@ges.example")
    response = await _upload(client, competition, content, name="partners.xlsx")
    if message is None:  # a PDF decodes as text: it is stored, and its check reports the missing columns
        assert response.status_code == 303
        return
    assert response.status_code == 422
    assert message in response.text
    assert not await ProjectImport.exists()
    assert (set(folder.iterdir()) if folder.exists() else set()) == stored


async def test_too_large_a_file_is_refused(
    client: httpx.AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    competition, _stage = await _organizer_field()
    monkeypatch.setattr(imports, "MAX_BYTES", 1024)
    await sign_in(client, "org@ges.example")
    response = await _upload(client, competition, _csv([["x" * 2000] * len(HEADER)]))
    assert response.status_code == 422
    assert "The file is larger than 0 MB. Split it and import the parts." in response.text
    assert not await ProjectImport.exists()


async def test_a_failing_import_leaves_nothing_behind(
    client: httpx.AsyncClient, run_jobs: JobRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    competition, _stage = await _organizer_field()
    content = _csv(
        [
            [f"Project {n}", "Fine.", "AI", "Overseas", "GB", "", f"lead{n}@example.com", "", "50", "none", "", "", ""]
            for n in range(3)
        ]
    )
    await sign_in(client, "org@ges.example")
    location = await _checked(client, competition, content, run_jobs)
    created = 0
    real = TeamMember.bulk_create

    async def failing(objects: list[TeamMember], *args: object, **kwargs: object) -> object:
        nonlocal created
        created += 1
        if created % 3 == 0:  # the third project of every try: the database goes away
            raise ConnectionError("server closed the connection")
        return await real(objects, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(TeamMember, "bulk_create", failing)
    monkeypatch.setattr(imports, "RETRY_DELAY", 0)
    token = await csrf_token(client, location)
    await client.post(f"{location}/run", data={"csrf_token": token})
    await run_jobs.run()
    record = await ProjectImport.get(competition_id=competition.id)
    assert record.status == ImportStatus.FAILED
    assert created == 3 * imports.MAX_TRIES  # tried again, each time from the start
    assert await Project.filter(competition_id=competition.id).count() == 0
    assert await User.filter(email__startswith="lead").count() == 0
    assert "nothing was imported" in (await client.get(location)).text


async def test_only_the_competitions_organizers_reach_imports(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, run_jobs: JobRunner
) -> None:
    competition, _stage = await _organizer_field()
    await sign_in(client, "org@ges.example")
    location = await _checked(client, competition, _csv([]), run_jobs)
    import_id = int(re.findall(r"\d+", location)[-1])
    pages = [
        f"/organize/competitions/{competition.id}/imports",
        f"/organize/competitions/{competition.id}/imports/template.csv",
        f"/organize/imports/{import_id}",
        f"/organize/imports/{import_id}/progress",
        f"/organize/imports/{import_id}/errors.csv",
    ]
    anonymous = [await other_client.get(p) for p in pages]
    assert all(r.status_code in {302, 303, 401} for r in anonymous)

    other_summit = await make_summit(slug="elsewhere")
    await grant(other_summit, await make_user(email="other-org@example.com"))
    await make_user(email="entrant@example.com")
    await grant(other_summit, await make_user(email="judge@example.com"), Role.JUDGE)
    for email in ("other-org@example.com", "entrant@example.com", "judge@example.com"):
        other_client.cookies.clear()
        await sign_in(other_client, email)
        for page in pages:
            assert (await other_client.get(page)).status_code == 404, (email, page)
        token = await csrf_token(other_client, "/")
        refused = await other_client.post(f"/organize/imports/{import_id}/run", data={"csrf_token": token})
        assert refused.status_code == 404
        upload = await other_client.post(
            f"/organize/competitions/{competition.id}/imports",
            data={"csrf_token": token},
            files={"file": ("x.csv", _csv([]), "text/csv")},
        )
        assert upload.status_code == 404
    progress = await client.get(f"/organize/imports/{import_id}/progress")
    assert progress.json() == {"status": "invalid", "done": 0, "total": 0}
