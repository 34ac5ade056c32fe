"""Import applications collected offline (CSV or XLSX, one row per project).

An upload is checked by its content and stored; a worker then checks every row and records a preview and a
per-row report. Only a file without errors can be imported, and the import runs in one transaction: a file
is imported whole or not at all, and running the job again after a crash creates nothing twice."""

from __future__ import annotations

import csv
import io
import logging
import re
import secrets
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import anyio.to_thread
from arq.worker import Retry
from openpyxl import load_workbook
from starlette.datastructures import UploadFile
from tortoise.transactions import in_transaction

from podium.competitions.models import (
    Answer,
    Competition,
    Division,
    ImportStatus,
    Project,
    ProjectImport,
    ProjectStatus,
    Question,
    QuestionKind,
    TeamMember,
    Track,
)
from podium.competitions.permissions import can_manage_competition
from podium.competitions.project_forms import MemberForm, ProjectForm
from podium.competitions.services import duplicates, questions
from podium.competitions.services.projects import missing_for_submission
from podium.platform import audit, jobs
from podium.platform.auth import Actor
from podium.platform.errors import InvalidInput, NotFound
from podium.platform.forms import parse
from podium.platform.i18n import gettext as _
from podium.platform.i18n import utcnow
from podium.platform.jobs import JobName
from podium.platform.notifications.services import notify
from podium.platform.permissions import ensure
from podium.platform.users.models import User
from podium.settings import Settings

log = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5000
MAX_REPORTED = 500  # errors kept for the report; the count covers them all
PREVIEW_ROWS = 10
MAX_MEMBERS = 9  # the lead plus member2 … member9
MAX_TRIES = 3
RETRY_DELAY = 5  # seconds, times the try number
# No password can match this, so an imported lead signs in only after setting one from the mailed link.
UNUSABLE_PASSWORD = "!imported"  # noqa: S105

PROJECT_COLUMNS = (
    "title",
    "summary",
    "track",
    "division",
    "country",
    "website",
    "video_url",
    "referral",
    "incorporated_on",
)
PERSON_FIELDS = ("email", "name", "role", "equity", "overseas", "overseas_years", "returned_on")
# Columns of Podium's own export that an import has no use for, so that an exported file imports as it is.
IGNORED_COLUMNS = frozenset({"id", "status", "submitted_at_utc", "team"})
REQUIRED_COLUMNS = ("title", "track", "division", "lead_email")
_QUESTION_COLUMN = re.compile(r"q(\d{1,9})(?::.*)?", re.DOTALL)
_MEMBER_COLUMN = re.compile(r"(lead|member([2-9]))_(\w+)")
_FORMULA_GUARD = ("'=", "'+", "'-", "'@")


def upload_path(settings: Settings, key: str) -> Path:
    return settings.upload_dir / "imports" / key


def progress_key(import_id: int) -> str:
    return f"podium:import:{import_id}:progress"


# ---- reading ----------------------------------------------------------------------------------


def sniff(data: bytes) -> str | None:
    """ "xlsx" or "csv" by the content (not the name), or None for anything else."""
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return "xlsx" if "xl/workbook.xml" in archive.namelist() else None
        except zipfile.BadZipFile:
            return None
    if b"\x00" in data:
        return None
    return "csv" if _decode(data) is not None else None


def _decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GB18030
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    # Undo the guard Podium's export puts before cells that a spreadsheet would run as formulas.
    return text[1:] if text.startswith(_FORMULA_GUARD) else text


def read_table(data: bytes) -> list[list[str]]:
    """Every row as a list of stripped strings (the first is the header); empty rows at the end dropped."""
    if sniff(data) == "xlsx":
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            table = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    else:
        text = _decode(data) or ""
        table = [[_cell(v) for v in row] for row in csv.reader(io.StringIO(text, newline=""))]
    while table and not any(table[-1]):
        table.pop()
    return table


# ---- checking ---------------------------------------------------------------------------------


@dataclass
class Setup:
    """What rows are checked against: the competition's tracks, divisions and questions."""

    tracks: dict[str, Track]
    divisions: dict[str, Division]
    questions: dict[int, Question]
    track_names: list[str]
    division_names: list[str]


@dataclass
class Person:
    form: MemberForm
    is_lead: bool


@dataclass
class Row:
    number: int
    form: ProjectForm
    people: list[Person]
    answers: dict[int, Any]


@dataclass
class Checked:
    total: int = 0
    rows: list[Row] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0

    def error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED:
            self.errors.append({"row": row, "column": column, "message": message})


async def load_setup(competition_id: int) -> Setup:
    tracks = await Track.filter(competition_id=competition_id)
    divisions = await Division.filter(competition_id=competition_id)
    asked = await questions.questions_of(competition_id)

    def by_name(parts: list[Any]) -> dict[str, Any]:
        names: dict[str, Any] = {}
        for part in parts:
            for name in (str(part.id), part.name_en, part.name_zh):
                if name:
                    names.setdefault(name.strip().casefold(), part)
        return names

    return Setup(
        tracks=by_name(tracks),
        divisions=by_name(divisions),
        questions={q.id: q for q in asked},
        track_names=[t.name_en or t.name_zh for t in tracks],
        division_names=[d.name_en or d.name_zh for d in divisions],
    )


def _header_key(name: str) -> str:
    return "_".join(name.strip().lower().split())


def _columns(header: list[str], setup: Setup, checked: Checked) -> dict[int, str]:
    """Map column positions to field names (title, lead_email, q12 …), reporting what cannot be read."""
    mapped: dict[int, str] = {}
    seen: set[str] = set()
    for position, raw in enumerate(header):
        key = _header_key(raw)
        if not key or key in IGNORED_COLUMNS:
            continue
        question = _QUESTION_COLUMN.fullmatch(key)
        member = _MEMBER_COLUMN.fullmatch(key)
        if question:
            asked = setup.questions.get(int(question.group(1)))
            if asked is None:
                checked.error(1, raw, _("This competition has no question with this number."))
                continue
            if asked.kind == QuestionKind.FILE:
                checked.error(1, raw, _("Files cannot be imported; leave this column out."))
                continue
            key = f"q{asked.id}"
        elif member and member.group(3) in PERSON_FIELDS:
            pass
        elif key not in PROJECT_COLUMNS:
            checked.error(1, raw, _("Podium does not know this column. Check its name against the template."))
            continue
        if key in seen:
            checked.error(1, raw, _("This column appears twice."))
            continue
        seen.add(key)
        mapped[position] = key
    for required in REQUIRED_COLUMNS:
        if required not in seen:
            checked.error(1, required, _("This column is required."))
    return mapped


def _split_choices(question: Question, text: str) -> Any:
    """Choices may be given by value or by their English or Chinese label; several separated by , ; or 、."""
    labels: dict[str, str] = {}
    for choice in question.choices:
        for name in (choice["value"], choice.get("en", ""), choice.get("zh", "")):
            if name:
                labels.setdefault(name.strip().casefold(), choice["value"])
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        parts = [p.strip() for p in re.split(r"[,;、，；]", text) if p.strip()]
        return [labels.get(p.casefold(), p) for p in parts]
    return labels.get(text.casefold(), text)


def _check_row(number: int, values: dict[str, str], setup: Setup, checked: Checked) -> Row | None:
    errors_before = checked.error_count
    project_values: dict[str, Any] = {k: values.get(k, "") for k in PROJECT_COLUMNS if k not in {"track", "division"}}
    for column, choices, names, target in (
        ("track", setup.tracks, setup.track_names, "track_id"),
        ("division", setup.divisions, setup.division_names, "division_id"),
    ):
        given = values.get(column, "")
        found = choices.get(given.casefold()) if given else None
        if given and found is None:
            checked.error(number, column, _("Use one of: %(names)s.", names=", ".join(names)))
        project_values[target] = found.id if found else None
    form: ProjectForm | None = None
    try:
        form = parse(ProjectForm, project_values)
    except InvalidInput as exc:
        for name, messages in exc.errors.items():
            for message in messages:
                checked.error(number, name.removesuffix("_id"), message)
    if form is not None:
        for name, messages in missing_for_submission(Project(**form.model_dump())).items():
            column = name.removesuffix("_id")
            if not values.get(column):  # a track or division given but unknown is reported above
                checked.error(number, column, messages[0])

    people: list[Person] = []
    emails: set[str] = set()
    equity = Decimal(0)
    for prefix in ("lead", *(f"member{n}" for n in range(2, MAX_MEMBERS + 1))):
        person = {f: values[f"{prefix}_{f}"] for f in PERSON_FIELDS if values.get(f"{prefix}_{f}")}
        if prefix != "lead" and not person:
            continue
        person.setdefault("email", "")
        if "overseas" in person:
            person["overseas"] = person["overseas"].lower()
        try:
            member = parse(MemberForm, person)
        except InvalidInput as exc:
            for name, messages in exc.errors.items():
                for message in messages:
                    checked.error(number, f"{prefix}_{name}", message)
            continue
        if member.email in emails:
            checked.error(number, f"{prefix}_email", _("This person is already on the team."))
            continue
        emails.add(member.email)
        equity += member.equity
        people.append(Person(form=member, is_lead=prefix == "lead"))
    if equity > 100:
        checked.error(
            number,
            "lead_equity",
            _("The team's shares would add up to %(total)s%%, more than 100%%.", total=format(equity.normalize(), "f")),
        )

    raw_answers = {
        questions.field_name(q): _split_choices(q, values[f"q{q.id}"])
        for q in setup.questions.values()
        if values.get(f"q{q.id}")
    }
    answers: dict[int, Any] = {}
    try:
        answers = questions.clean_answers(list(setup.questions.values()), raw_answers)
    except InvalidInput as exc:
        for name, messages in exc.errors.items():
            checked.error(number, name.replace("q_", "q"), messages[0])
    for question in setup.questions.values():
        if question.required and question.kind != QuestionKind.FILE and not values.get(f"q{question.id}"):
            checked.error(number, f"q{question.id}", _("Answer this question before submitting."))
    if checked.error_count > errors_before or form is None:
        return None
    return Row(number=number, form=form, people=people, answers=answers)


def check_table(table: list[list[str]], setup: Setup) -> Checked:
    checked = Checked()
    if not table:
        checked.error(1, "", _("The file is empty."))
        return checked
    columns = _columns(table[0], setup, checked)
    body = [(n, row) for n, row in enumerate(table[1:], start=2) if any(row)]
    checked.total = len(body)
    if checked.error_count:
        return checked  # a wrong header makes every row wrong: report it alone
    if not body:
        checked.error(2, "", _("The file has no projects below its header row."))
    if len(body) > MAX_ROWS:
        checked.error(MAX_ROWS + 2, "", _("Import at most %(max)d projects per file.", max=MAX_ROWS))
        return checked
    for number, raw in body:
        values = {name: raw[position] if position < len(raw) else "" for position, name in columns.items()}
        row = _check_row(number, values, setup, checked)
        if row is not None:
            checked.rows.append(row)
    return checked


def _preview(rows: list[Row], setup: Setup) -> list[dict[str, Any]]:
    tracks = {t.id: t.name_en or t.name_zh for t in setup.tracks.values()}
    divisions = {d.id: d.name_en or d.name_zh for d in setup.divisions.values()}
    return [
        {
            "row": row.number,
            "title": row.form.title,
            "track": tracks.get(row.form.track_id or 0, ""),
            "division": divisions.get(row.form.division_id or 0, ""),
            "country": row.form.country,
            "lead": row.people[0].form.email,
            "team": len(row.people),
        }
        for row in rows[:PREVIEW_ROWS]
    ]


# ---- the organizer's side ---------------------------------------------------------------------


async def start(*, actor: Actor, competition: Competition, upload: UploadFile, settings: Settings) -> ProjectImport:
    """Check the upload is a CSV or XLSX file within the limit (by its content), store it, and queue the check.
    A refused file is never stored."""
    ensure(can_manage_competition(actor, competition))
    if (upload.size or 0) > MAX_BYTES:
        raise InvalidInput(
            {"file": [_("The file is larger than %(mb)d MB. Split it and import the parts.", mb=MAX_BYTES >> 20)]}
        )
    await upload.seek(0)
    data = await upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InvalidInput(
            {"file": [_("The file is larger than %(mb)d MB. Split it and import the parts.", mb=MAX_BYTES >> 20)]}
        )
    kind = sniff(data)
    if kind is None:
        raise InvalidInput({"file": [_("Upload a CSV file (UTF-8) or an Excel workbook (.xlsx).")]})
    key = f"{competition.id}-{secrets.token_hex(16)}.{kind}"
    target = upload_path(settings, key)

    def store() -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    await anyio.to_thread.run_sync(store)
    record = await ProjectImport.create(
        competition_id=competition.id,
        created_by_id=actor.user_id,
        file_name=Path(upload.filename or f"import.{kind}").name[:200],
        file_key=key,
    )
    await audit.record(
        "competition.import_uploaded",
        actor_id=actor.user_id,
        object_type="competition",
        object_id=competition.id,
        data={"import": record.id, "name": record.file_name},
    )
    await jobs.enqueue(JobName.CHECK_IMPORT, job_id=f"import-check:{record.id}", import_id=record.id)
    return record


async def get_managed_import(*, actor: Actor, import_id: int) -> ProjectImport:
    record = await ProjectImport.get_or_none(id=import_id).select_related("competition__summit")
    if record is None or not can_manage_competition(actor, record.competition):
        raise NotFound()
    return record


async def imports_of(competition: Competition) -> list[ProjectImport]:
    return await ProjectImport.filter(competition_id=competition.id).limit(20)


async def confirm(*, actor: Actor, record: ProjectImport) -> None:
    """Queue the import of a checked file without errors (once, however often the button is pressed)."""
    ensure(can_manage_competition(actor, record.competition))
    moved = await ProjectImport.filter(id=record.id, status=ImportStatus.READY).update(status=ImportStatus.IMPORTING)
    if not moved:
        if record.status in {ImportStatus.IMPORTING, ImportStatus.DONE}:
            return
        raise InvalidInput({"__all__": [_("Only a checked file without errors can be imported.")]})
    record.status = ImportStatus.IMPORTING
    await audit.record(
        "competition.import_started",
        actor_id=actor.user_id,
        object_type="competition",
        object_id=record.competition_id,
        data={"import": record.id},
    )
    await jobs.enqueue(JobName.RUN_IMPORT, job_id=f"import-run:{record.id}", import_id=record.id)


async def progress(record: ProjectImport) -> dict[str, Any]:
    """Where a running check or import stands: rows done of the total (kept in Redis while it runs)."""
    done = 0
    if record.status in {ImportStatus.CHECKING, ImportStatus.IMPORTING}:
        raw = await jobs.redis().get(progress_key(record.id))
        done = int(raw or 0)
    elif record.status == ImportStatus.DONE or record.status in {ImportStatus.READY, ImportStatus.INVALID}:
        done = record.total_rows
    return {"status": str(record.status), "done": done, "total": record.total_rows}


def error_report(record: ProjectImport) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["row", "column", "message"])
    for error in record.errors:
        writer.writerow([error["row"], error["column"], error["message"]])
    return out.getvalue().encode("utf-8-sig")


def template_csv(setup: Setup) -> bytes:
    """A header row with every column this competition's import reads, and one example row."""
    header = [
        *PROJECT_COLUMNS,
        *(f"lead_{f}" for f in PERSON_FIELDS),
        *(f"member2_{f}" for f in PERSON_FIELDS),
        *(f"q{q.id}: {q.label_en or q.label_zh}" for q in setup.questions.values() if q.kind != QuestionKind.FILE),
    ]
    out = io.StringIO()
    csv.writer(out).writerow(header)
    return out.getvalue().encode("utf-8-sig")


# ---- the worker's side ------------------------------------------------------------------------


async def _set_progress(import_id: int, done: int) -> None:
    await jobs.redis().set(progress_key(import_id), done, ex=3600)


async def _read(settings: Settings, record: ProjectImport) -> list[list[str]]:
    data = await anyio.to_thread.run_sync(upload_path(settings, record.file_key).read_bytes)
    return await anyio.to_thread.run_sync(read_table, data)


async def check(*, import_id: int, settings: Settings) -> str:
    """Check every row and record the preview and the report. Safe to run again."""
    record = await ProjectImport.get_or_none(id=import_id)
    if record is None or record.status != ImportStatus.CHECKING:
        return "skipped"
    await _set_progress(import_id, 0)
    table = await _read(settings, record)
    setup = await load_setup(record.competition_id)
    checked = await anyio.to_thread.run_sync(check_table, table, setup)
    await ProjectImport.filter(id=import_id, status=ImportStatus.CHECKING).update(
        status=ImportStatus.INVALID if checked.error_count else ImportStatus.READY,
        total_rows=checked.total,
        error_count=checked.error_count,
        errors=checked.errors,
        preview=_preview(checked.rows, setup),
        finished_at=utcnow() if checked.error_count else None,
    )
    return "invalid" if checked.error_count else "ready"


async def run(*, import_id: int, settings: Settings, job_try: int = 1) -> int:
    """Create every project of a checked file in one transaction. Returns how many were created.

    A crash or an error leaves nothing behind; the job is tried again, and a run that finds the import
    done creates nothing."""
    record = await ProjectImport.get_or_none(id=import_id).select_related("competition")
    if record is None or record.status != ImportStatus.IMPORTING:
        return 0
    table = await _read(settings, record)
    setup = await load_setup(record.competition_id)
    checked = await anyio.to_thread.run_sync(check_table, table, setup)
    if checked.error_count:  # the competition changed since the check (a track removed, a question added)
        await ProjectImport.filter(id=import_id).update(
            status=ImportStatus.INVALID,
            error_count=checked.error_count,
            errors=checked.errors,
            finished_at=utcnow(),
        )
        return 0
    try:
        created, new_leads = await _create_all(record, checked.rows)
    except Exception:
        log.exception("import %s failed on try %s", import_id, job_try)
        if job_try < MAX_TRIES:
            raise Retry(defer=RETRY_DELAY * job_try) from None
        await ProjectImport.filter(id=import_id, status=ImportStatus.IMPORTING).update(
            status=ImportStatus.FAILED, finished_at=utcnow()
        )
        return 0
    if not created:
        return 0
    await _after_import(record, created, new_leads, settings)
    return len(created)


async def _create_all(record: ProjectImport, rows: list[Row]) -> tuple[list[Project], set[int]]:
    emails = sorted({p.form.email for row in rows for p in row.people if p.is_lead})
    users: dict[str, User] = {}
    for start in range(0, len(emails), 500):
        for user in await User.filter(email__in=emails[start : start + 500]):
            users[user.email] = user
    now = utcnow()
    created: list[Project] = []
    new_leads: set[int] = set()
    async with in_transaction():
        locked = await ProjectImport.select_for_update().get(id=record.id)
        if locked.status != ImportStatus.IMPORTING:
            return [], set()  # another run finished it
        for done, row in enumerate(rows, start=1):
            lead_form = row.people[0].form
            lead = users.get(lead_form.email)
            if lead is None:
                lead = await User.create(
                    email=lead_form.email, password_hash=UNUSABLE_PASSWORD, name=lead_form.name, locale=""
                )
                users[lead.email] = lead
                new_leads.add(lead.id)
            project = await Project.create(
                competition_id=record.competition_id,
                lead_id=lead.id,
                status=ProjectStatus.SUBMITTED,
                submitted_at=now,
                **row.form.model_dump(),
            )
            await TeamMember.bulk_create(
                [
                    TeamMember(
                        project_id=project.id,
                        user_id=lead.id if person.is_lead else None,
                        is_lead=person.is_lead,
                        joined_at=now if person.is_lead else None,
                        **person.form.model_dump(),
                    )
                    for person in row.people
                ]
            )
            if row.answers:
                await Answer.bulk_create(
                    [
                        Answer(project_id=project.id, question_id=question_id, value={"v": value})
                        for question_id, value in row.answers.items()
                        if value is not None
                    ]
                )
            created.append(project)
            if done % 50 == 0:
                await _set_progress(record.id, done)
        await audit.record(
            "competition.projects_imported",
            actor_id=record.created_by_id,
            object_type="competition",
            object_id=record.competition_id,
            data={"import": record.id, "projects": len(created), "name": record.file_name},
        )
        locked.status, locked.created_count, locked.finished_at = ImportStatus.DONE, len(created), utcnow()
        await locked.save(update_fields=["status", "created_count", "finished_at"])
    await _set_progress(record.id, len(rows))
    return created, new_leads


async def _after_import(record: ProjectImport, created: list[Project], new_leads: set[int], settings: Settings) -> None:
    """Check eligibility and duplicates of the new projects, and tell each lead (a new account gets a link to
    set its password). Every message has a key, so running this again sends nothing twice."""
    competition = record.competition
    await jobs.enqueue(
        JobName.EVALUATE_ELIGIBILITY, job_id=f"eligibility:{competition.id}", competition_id=competition.id
    )
    leads = {u.id: u for u in await User.filter(id__in=list({p.lead_id for p in created}))}
    for project in created:
        await duplicates.queue_detection(project.id)
        lead = leads[project.lead_id]
        context = {
            "title": project.title,
            "url": f"{settings.base_url}/projects/{project.id}",
            "competition_en": competition.name_en,
            "competition_zh": competition.name_zh,
            # A new account sets its password on the reset page, which mails a fresh link (one in this mail
            # could expire before it is read).
            "set_password_url": f"{settings.base_url}/password/forgot" if lead.id in new_leads else "",
        }
        await notify(
            key=f"project-imported:{project.id}",
            recipient=lead.email,
            kind="project_imported",
            locale=lead.locale or "en",
            context=context,
        )
