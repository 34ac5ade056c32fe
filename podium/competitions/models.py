"""Competition, Track, Division and Round: the frame every project is submitted into."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class RoundStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    JUDGING = "judging"
    CLOSED = "closed"
    PUBLISHED = "published"


class DivisionKind(StrEnum):
    REGION = "region"
    GROUP = "group"


class Competition(Model):
    id = fields.IntField(primary_key=True)
    summit: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "platform.Summit", related_name=False, on_delete=fields.CASCADE
    )
    summit_id: int
    slug = fields.CharField(max_length=80)
    name_en = fields.CharField(max_length=200, default="")
    name_zh = fields.CharField(max_length=200, default="")
    description_en = fields.TextField(default="")
    description_zh = fields.TextField(default="")
    rules_en = fields.TextField(default="")
    rules_zh = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    tracks: fields.ReverseRelation[Track]
    divisions: fields.ReverseRelation[Division]
    rounds: fields.ReverseRelation[Round]
    rules: fields.ReverseRelation[EligibilityRule]
    questions: fields.ReverseRelation[Question]

    class Meta:
        table = "competitions_competition"
        unique_together = (("summit_id", "slug"),)
        ordering = ("id",)


class Track(Model):
    """An industry track, such as AI or medicine and health."""

    id = fields.IntField(primary_key=True)
    competition: fields.ForeignKeyRelation[Competition] = fields.ForeignKeyField(
        "competitions.Competition", related_name="tracks", on_delete=fields.CASCADE
    )
    competition_id: int
    name_en = fields.CharField(max_length=200, default="")
    name_zh = fields.CharField(max_length=200, default="")
    position = fields.IntField(default=0)

    class Meta:
        table = "competitions_track"
        ordering = ("position", "id")


class Division(Model):
    """A region or channel (overseas, Europe) or a group (pre-company maker, company growth)."""

    id = fields.IntField(primary_key=True)
    competition: fields.ForeignKeyRelation[Competition] = fields.ForeignKeyField(
        "competitions.Competition", related_name="divisions", on_delete=fields.CASCADE
    )
    competition_id: int
    kind = fields.CharEnumField(DivisionKind, max_length=16, default=DivisionKind.REGION)
    name_en = fields.CharField(max_length=200, default="")
    name_zh = fields.CharField(max_length=200, default="")
    position = fields.IntField(default=0)

    class Meta:
        table = "competitions_division"
        ordering = ("kind", "position", "id")


class Round(Model):
    """One stage of the competition. Windows are stored in UTC and entered in the summit's time zone."""

    id = fields.IntField(primary_key=True)
    competition: fields.ForeignKeyRelation[Competition] = fields.ForeignKeyField(
        "competitions.Competition", related_name="rounds", on_delete=fields.CASCADE
    )
    competition_id: int
    position = fields.IntField()
    name_en = fields.CharField(max_length=200, default="")
    name_zh = fields.CharField(max_length=200, default="")
    submissions_open_at = fields.DatetimeField(null=True)
    submissions_close_at = fields.DatetimeField(null=True)
    judging_open_at = fields.DatetimeField(null=True)
    judging_close_at = fields.DatetimeField(null=True)
    status = fields.CharEnumField(RoundStatus, max_length=16, default=RoundStatus.DRAFT)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "competitions_round"
        unique_together = (("competition_id", "position"),)
        ordering = ("position",)


class ProjectStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


class OverseasExperience(StrEnum):
    NONE = "none"
    STUDY = "study"
    WORK = "work"
    BOTH = "both"


class Eligibility(StrEnum):
    PENDING = "pending"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"


class Project(Model):
    """An application to a competition, edited by its team until the first round's deadline."""

    id = fields.IntField(primary_key=True)
    competition: fields.ForeignKeyRelation[Competition] = fields.ForeignKeyField(
        "competitions.Competition", related_name="projects", on_delete=fields.CASCADE
    )
    competition_id: int
    track: fields.ForeignKeyNullableRelation[Track] = fields.ForeignKeyField(
        "competitions.Track", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    track_id: int | None
    division: fields.ForeignKeyNullableRelation[Division] = fields.ForeignKeyField(
        "competitions.Division", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    division_id: int | None
    lead: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "platform.User", related_name=False, on_delete=fields.RESTRICT
    )
    lead_id: int
    title = fields.CharField(max_length=200, default="")
    summary = fields.TextField(default="")
    website = fields.CharField(max_length=500, default="")
    video_url = fields.CharField(max_length=500, default="")
    country = fields.CharField(max_length=2, default="")
    referral = fields.CharField(max_length=200, default="")
    # Empty while the company is not incorporated (the "maker" group).
    incorporated_on = fields.DateField(null=True)
    status = fields.CharEnumField(ProjectStatus, max_length=16, default=ProjectStatus.DRAFT)
    eligibility = fields.CharEnumField(Eligibility, max_length=16, default=Eligibility.PENDING)
    # Set by an organizer's bulk decision: the rules still run, but no longer change the outcome.
    eligibility_by_hand = fields.BooleanField(default=False)
    submitted_at = fields.DatetimeField(null=True)
    # The pitch deck: a PDF under the upload directory, named by a random key.
    deck_key = fields.CharField(max_length=80, default="")
    deck_name = fields.CharField(max_length=200, default="")
    deck_size = fields.IntField(default=0)
    deck_uploaded_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    members: fields.ReverseRelation[TeamMember]
    answers: fields.ReverseRelation[Answer]

    class Meta:
        table = "competitions_project"
        # The organizer's list: filtered by competition, newest change first, a page at a time.
        indexes = (("competition_id", "status"), ("competition_id", "updated_at", "id"))
        ordering = ("-updated_at", "id")


class TeamMember(Model):
    """A founder on a project's team. user is set once the invitation is accepted (the lead at once)."""

    id = fields.IntField(primary_key=True)
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "competitions.Project", related_name="members", on_delete=fields.CASCADE
    )
    project_id: int
    user: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "platform.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    user_id: int | None
    email = fields.CharField(max_length=254)
    name = fields.CharField(max_length=200, default="")
    role = fields.CharField(max_length=100, default="")
    is_lead = fields.BooleanField(default=False)
    equity = fields.DecimalField(max_digits=5, decimal_places=2, default=0)
    overseas = fields.CharEnumField(OverseasExperience, max_length=8, default=OverseasExperience.NONE)
    overseas_years = fields.DecimalField(max_digits=4, decimal_places=1, default=0)
    returned_on = fields.DateField(null=True)
    invitation_hash = fields.CharField(max_length=64, null=True, unique=True)
    invited_at = fields.DatetimeField(null=True)
    joined_at = fields.DatetimeField(null=True)

    class Meta:
        table = "competitions_team_member"
        unique_together = (("project_id", "email"),)
        indexes = (("user_id", "project_id"),)
        ordering = ("-is_lead", "id")


class RuleKind(StrEnum):
    MAX_TEAM_SIZE = "max_team_size"
    OVERSEAS_EXPERIENCE = "overseas_experience"
    FOUNDER_EQUITY = "founder_equity"
    FOUNDED_AFTER = "founded_after"
    ONE_PROJECT_PER_PERSON = "one_project_per_person"
    DECK_PRESENT = "deck_present"


class EligibilityRule(Model):
    """A rule a competition applies to every submitted project, with its parameters."""

    id = fields.IntField(primary_key=True)
    competition: fields.ForeignKeyRelation[Competition] = fields.ForeignKeyField(
        "competitions.Competition", related_name="rules", on_delete=fields.CASCADE
    )
    competition_id: int
    kind = fields.CharEnumField(RuleKind, max_length=32)
    params: dict[str, Any] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "competitions_eligibility_rule"
        ordering = ("id",)


class EligibilityCheck(Model):
    """One rule's verdict on one project, with the facts behind it and an organizer's override if any."""

    id = fields.IntField(primary_key=True)
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "competitions.Project", related_name="checks", on_delete=fields.CASCADE
    )
    project_id: int
    rule: fields.ForeignKeyRelation[EligibilityRule] = fields.ForeignKeyField(
        "competitions.EligibilityRule", related_name="checks", on_delete=fields.CASCADE
    )
    rule_id: int
    passed = fields.BooleanField()
    facts: dict[str, Any] = fields.JSONField(default=dict)
    checked_at = fields.DatetimeField()
    override = fields.BooleanField(null=True)
    override_note = fields.TextField(default="")
    overridden_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "platform.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    overridden_by_id: int | None
    overridden_at = fields.DatetimeField(null=True)

    class Meta:
        table = "competitions_eligibility_check"
        unique_together = (("project_id", "rule_id"),)

    @property
    def outcome(self) -> bool:
        return self.passed if self.override is None else self.override


class DuplicateReason(StrEnum):
    EMAIL = "email"
    WEBSITE = "website"
    TITLE = "title"


class DuplicateFlag(Model):
    """Two projects that look like the same application, for an organizer to review (project_a_id < project_b_id)."""

    id = fields.IntField(primary_key=True)
    project_a: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "competitions.Project", related_name=False, on_delete=fields.CASCADE
    )
    project_a_id: int
    project_b: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "competitions.Project", related_name=False, on_delete=fields.CASCADE
    )
    project_b_id: int
    reason = fields.CharEnumField(DuplicateReason, max_length=16)
    detail = fields.CharField(max_length=300, default="")
    dismissed = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "competitions_duplicate_flag"
        unique_together = (("project_a_id", "project_b_id", "reason"),)
        indexes = (("project_b_id", "dismissed"),)


class QuestionKind(StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    NUMBER = "number"
    URL = "url"
    DATE = "date"
    FILE = "file"


class Question(Model):
    """A question of the competition's application form. choices: [{"value", "en", "zh"}]."""

    id = fields.IntField(primary_key=True)
    competition: fields.ForeignKeyRelation[Competition] = fields.ForeignKeyField(
        "competitions.Competition", related_name="questions", on_delete=fields.CASCADE
    )
    competition_id: int
    position = fields.IntField(default=0)
    kind = fields.CharEnumField(QuestionKind, max_length=16)
    label_en = fields.CharField(max_length=300, default="")
    label_zh = fields.CharField(max_length=300, default="")
    help_en = fields.CharField(max_length=500, default="")
    help_zh = fields.CharField(max_length=500, default="")
    required = fields.BooleanField(default=False)
    max_length = fields.IntField(null=True)
    choices: list[dict[str, str]] = fields.JSONField(default=list)

    class Meta:
        table = "competitions_question"
        ordering = ("position", "id")


class Answer(Model):
    """A project's answer, stored as {"v": text | list of choice values} (Tortoise reads a bare str as JSON
    text), or an uploaded PDF."""

    id = fields.IntField(primary_key=True)
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "competitions.Project", related_name="answers", on_delete=fields.CASCADE
    )
    project_id: int
    question: fields.ForeignKeyRelation[Question] = fields.ForeignKeyField(
        "competitions.Question", related_name=False, on_delete=fields.CASCADE
    )
    question_id: int
    value: Any = fields.JSONField(null=True)
    file_key = fields.CharField(max_length=80, default="")
    file_name = fields.CharField(max_length=200, default="")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "competitions_answer"
        unique_together = (("project_id", "question_id"),)

    @property
    def answer(self) -> Any:
        return self.value.get("v") if isinstance(self.value, dict) else None


class ImportStatus(StrEnum):
    CHECKING = "checking"
    READY = "ready"
    INVALID = "invalid"
    IMPORTING = "importing"
    DONE = "done"
    FAILED = "failed"


class ProjectImport(Model):
    """A CSV or XLSX file of applications collected offline: checked first, then imported whole or not at all.
    errors: [{"row", "column", "message"}]; preview: the first rows as they would be imported."""

    id = fields.IntField(primary_key=True)
    competition: fields.ForeignKeyRelation[Competition] = fields.ForeignKeyField(
        "competitions.Competition", related_name=False, on_delete=fields.CASCADE
    )
    competition_id: int
    created_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "platform.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    file_name = fields.CharField(max_length=200)
    file_key = fields.CharField(max_length=80)
    status = fields.CharEnumField(ImportStatus, max_length=16, default=ImportStatus.CHECKING)
    total_rows = fields.IntField(default=0)
    error_count = fields.IntField(default=0)
    created_count = fields.IntField(default=0)
    errors: list[dict[str, Any]] = fields.JSONField(default=list)
    preview: list[dict[str, Any]] = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "competitions_project_import"
        ordering = ("-id",)
