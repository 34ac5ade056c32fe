"""What happens after the award: funding rounds, FX rates, outcomes (landing and growth) and follow-up surveys."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from podium.competitions.models import Competition, Project


class FundingKind(StrEnum):
    PRE_SEED = "pre_seed"
    SEED = "seed"
    ANGEL = "angel"
    SERIES_A = "a"
    SERIES_B = "b"
    SERIES_C_PLUS = "c_plus"
    STRATEGIC = "strategic"
    GRANT = "grant"
    IPO = "ipo"
    OTHER = "other"


class DatePrecision(StrEnum):
    """How exactly a round's date is known. A month or a year is stored as its first day."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class RoundSource(StrEnum):
    ENTRANT = "entrant"
    ORGANIZER = "organizer"


class Verification(StrEnum):
    REPORTED = "reported"
    VERIFIED = "verified"
    REJECTED = "rejected"


class FxRate(Model):
    """Units of a currency per 1 US dollar on a day, kept per summit by its organizers. USD itself is always 1."""

    id = fields.IntField(primary_key=True)
    summit: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "platform.Summit", related_name=False, on_delete=fields.CASCADE
    )
    summit_id: int
    currency = fields.CharField(max_length=3)
    on_date = fields.DateField()
    rate = fields.DecimalField(max_digits=24, decimal_places=10)
    source = fields.CharField(max_length=200, default="")
    created_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "platform.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "competitions_fx_rate"
        unique_together = (("summit_id", "currency", "on_date"),)
        ordering = ("-on_date", "currency")


class FundingRound(Model):
    """A funding round of a project. amount is in the minor units of currency (fen, cents, yen).
    The normalised figures (amount_reporting in the summit's currency, amount_usd) are computed from the FX
    rates in force on fx_date, and the rates used are kept beside them. investors: [{"name", "lead"}]."""

    id = fields.IntField(primary_key=True)
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "competitions.Project", related_name="funding_rounds", on_delete=fields.CASCADE
    )
    project_id: int
    kind = fields.CharEnumField(FundingKind, max_length=16)
    amount = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    announced_on = fields.DateField()
    precision = fields.CharEnumField(DatePrecision, max_length=8, default=DatePrecision.DAY)
    investors: list[dict[str, Any]] = fields.JSONField(default=list)
    source_url = fields.CharField(max_length=500, default="")
    # Kept out of published figures (the team asked for it); organizers still see and count it.
    confidential = fields.BooleanField(default=False)
    evidence_key = fields.CharField(max_length=80, default="")
    evidence_name = fields.CharField(max_length=200, default="")
    evidence_type = fields.CharField(max_length=40, default="")
    source = fields.CharEnumField(RoundSource, max_length=16)
    reported_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "platform.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    reported_by_id: int | None
    status = fields.CharEnumField(Verification, max_length=16, default=Verification.REPORTED)
    note = fields.TextField(default="")
    decided_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "platform.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None
    decided_at = fields.DatetimeField(null=True)
    survey: fields.ForeignKeyNullableRelation[OutcomeSurvey] = fields.ForeignKeyField(
        "competitions.OutcomeSurvey", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    survey_id: int | None
    # Normalised figures, null while a rate they need is missing.
    fx_date = fields.DateField(null=True)
    reporting_currency = fields.CharField(max_length=3, default="")
    amount_reporting = fields.BigIntField(null=True)
    amount_usd = fields.BigIntField(null=True)
    usd_rate = fields.DecimalField(max_digits=24, decimal_places=10, null=True)
    usd_rate_source: fields.ForeignKeyNullableRelation[FxRate] = fields.ForeignKeyField(
        "competitions.FxRate", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    usd_rate_source_id: int | None
    reporting_rate = fields.DecimalField(max_digits=24, decimal_places=10, null=True)
    reporting_rate_source: fields.ForeignKeyNullableRelation[FxRate] = fields.ForeignKeyField(
        "competitions.FxRate", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    reporting_rate_source_id: int | None
    normalised_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "competitions_funding_round"
        indexes = (("project_id", "announced_on"), ("status", "announced_on"))
        ordering = ("-announced_on", "-id")


class Outcome(Model):
    """Landing and growth of a project after the competition: incorporation in the host city, headcount."""

    id = fields.IntField(primary_key=True)
    project: fields.OneToOneRelation[Project] = fields.OneToOneField(
        "competitions.Project", related_name=False, on_delete=fields.CASCADE
    )
    project_id: int
    incorporated_locally = fields.BooleanField(null=True)
    incorporated_locally_on = fields.DateField(null=True)
    district = fields.CharField(max_length=100, default="")
    headcount = fields.IntField(null=True)
    headcount_as_of = fields.DateField(null=True)
    updated_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "platform.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    updated_by_id: int | None
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "competitions_outcome"


class OutcomeFieldKind(StrEnum):
    NUMBER = "number"
    TEXT = "text"
    YES_NO = "yes_no"


class OutcomeField(Model):
    """An outcome an organizer tracks beyond the standard ones, such as patents granted or revenue band."""

    id = fields.IntField(primary_key=True)
    competition: fields.ForeignKeyRelation[Competition] = fields.ForeignKeyField(
        "competitions.Competition", related_name=False, on_delete=fields.CASCADE
    )
    competition_id: int
    key = fields.CharField(max_length=40)
    label_en = fields.CharField(max_length=200, default="")
    label_zh = fields.CharField(max_length=200, default="")
    kind = fields.CharEnumField(OutcomeFieldKind, max_length=8)
    position = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "competitions_outcome_field"
        unique_together = (("competition_id", "key"),)
        ordering = ("position", "id")


class OutcomeValue(Model):
    """A project's value for a custom outcome field, stored as {"v": text, number as text, or bool}."""

    id = fields.IntField(primary_key=True)
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "competitions.Project", related_name=False, on_delete=fields.CASCADE
    )
    project_id: int
    field: fields.ForeignKeyRelation[OutcomeField] = fields.ForeignKeyField(
        "competitions.OutcomeField", related_name=False, on_delete=fields.CASCADE
    )
    field_id: int
    value: Any = fields.JSONField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "competitions_outcome_value"
        unique_together = (("project_id", "field_id"),)

    @property
    def answer(self) -> Any:
        return self.value.get("v") if isinstance(self.value, dict) else None


class SurveySchedule(Model):
    """When a competition's projects get outcome surveys: months after the final (months: [6, 12, 24, 36]).
    final_on overrides the final's date, which is otherwise the day the last round's judging closes."""

    id = fields.IntField(primary_key=True)
    competition: fields.OneToOneRelation[Competition] = fields.OneToOneField(
        "competitions.Competition", related_name=False, on_delete=fields.CASCADE
    )
    competition_id: int
    months: list[int] = fields.JSONField(default=list)
    final_on = fields.DateField(null=True)
    reminder_days = fields.IntField(default=14)
    enabled = fields.BooleanField(default=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "competitions_survey_schedule"


class OutcomeSurvey(Model):
    """One follow-up survey of a project, due a number of months after the final.
    open_project_id holds the project's id while the survey is open (sent, not answered, not closed) and is
    unique, so a project never has two open surveys. The link carries the id and token_nonce, signed."""

    id = fields.IntField(primary_key=True)
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "competitions.Project", related_name=False, on_delete=fields.CASCADE
    )
    project_id: int
    competition: fields.ForeignKeyRelation[Competition] = fields.ForeignKeyField(
        "competitions.Competition", related_name=False, on_delete=fields.CASCADE
    )
    competition_id: int
    due_month = fields.IntField()
    due_on = fields.DateField()
    recipient: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "platform.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    recipient_id: int | None
    token_nonce = fields.CharField(max_length=32)
    open_project_id = fields.IntField(null=True, unique=True)
    expires_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)
    reminded_at = fields.DatetimeField(null=True)
    answered_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "competitions_outcome_survey"
        unique_together = (("project_id", "due_month"),)
        indexes = (("competition_id", "due_month"),)
