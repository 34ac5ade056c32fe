"""Judging forms: rubric settings, criteria, judge profiles, conflicts."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from podium.judging.models import AdvanceScope, AwardScope, Method
from podium.platform.errors import InvalidInput
from podium.platform.forms import Form, LongText, ShortText
from podium.platform.i18n import gettext as _

Number = Annotated[Decimal, Field(ge=Decimal(-1000), le=Decimal(1000), max_digits=6, decimal_places=2)]


class RubricForm(Form):
    comment_required: bool = False
    comment_min_length: Annotated[int, Field(ge=0, le=5000)] = 0
    blind: bool = False
    judges_per_project: Annotated[int, Field(ge=1, le=20)] = 3
    reassign_after_hours: Annotated[int, Field(ge=0, le=24 * 30)] = 0
    live: bool = False
    pairwise: bool = False
    grace_minutes: Annotated[int, Field(ge=0, le=120)] = 5

    field_messages = {  # noqa: RUF012
        "comment_min_length": lambda: _("Enter a whole number of characters, from 0 to 5000."),
        "judges_per_project": lambda: _("Enter a whole number of judges, from 1 to 20."),
        "reassign_after_hours": lambda: _("Enter a whole number of hours, from 0 (only by hand) to 720."),
        "grace_minutes": lambda: _("Enter a whole number of minutes, from 0 to 120."),
    }

    @field_validator("comment_required", "blind", "live", "pairwise", mode="before")
    @classmethod
    def _checkbox(cls, value: object) -> object:
        return value in {True, "1", "on", "true", "yes"}


class CriterionForm(Form):
    name_en: ShortText = ""
    name_zh: ShortText = ""
    description_en: LongText = ""
    description_zh: LongText = ""
    anchor_low_en: ShortText = ""
    anchor_low_zh: ShortText = ""
    anchor_mid_en: ShortText = ""
    anchor_mid_zh: ShortText = ""
    anchor_high_en: ShortText = ""
    anchor_high_zh: ShortText = ""
    weight: Annotated[Decimal, Field(ge=Decimal(0), le=Decimal(1000), max_digits=6, decimal_places=2)] = Decimal(1)
    scale_min: Number = Decimal(1)
    scale_max: Number = Decimal(10)
    scale_step: Annotated[Decimal, Field(gt=Decimal(0), le=Decimal(1000), max_digits=6, decimal_places=2)] = Decimal(1)
    counted: bool = True
    position: Annotated[int, Field(ge=-1_000_000, le=1_000_000)] = 0

    field_messages = {  # noqa: RUF012
        "weight": lambda: _("Enter a weight from 0 to 1000, like 1 or 2.5."),
        "scale_min": lambda: _("Enter a number, like 1 or 0.5."),
        "scale_max": lambda: _("Enter a number, like 10."),
        "scale_step": lambda: _("Enter a step above 0, like 1 or 0.5."),
        "position": lambda: _("Enter a whole number; lower numbers come first."),
    }

    @field_validator("counted", mode="before")
    @classmethod
    def _checkbox(cls, value: object) -> object:
        return value in {True, "1", "on", "true", "yes"}

    @model_validator(mode="after")
    def _scale(self) -> CriterionForm:
        if not self.name_en and not self.name_zh:
            raise ValueError(_("Give it a name in at least one language."))
        if self.scale_max <= self.scale_min:
            raise ValueError(_("The highest score must be above the lowest."))
        if (self.scale_max - self.scale_min) % self.scale_step:
            raise ValueError(_("The step must divide the range from the lowest to the highest score."))
        return self


def _words(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value or "")
    return [w.strip() for w in text.replace("，", ",").replace("\n", ",").split(",") if w.strip()]


class ProfileForm(Form):
    affiliation: ShortText = ""
    track_ids: list[int] = Field(default_factory=list)
    tags: list[Annotated[str, Field(max_length=60)]] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    portfolio: list[Annotated[str, Field(max_length=200)]] = Field(default_factory=list)
    max_projects: Annotated[int, Field(ge=0, le=10000)] = 50

    field_messages = {  # noqa: RUF012
        "max_projects": lambda: _("Enter a whole number of projects, from 0 to 10000."),
        "languages": lambda: _("Choose from the list."),
        "track_ids": lambda: _("Choose from the list."),
    }

    @field_validator("tags", "portfolio", mode="before")
    @classmethod
    def _split(cls, value: object) -> list[str]:
        return _words(value)

    @field_validator("tags")
    @classmethod
    def _lower(cls, value: list[str]) -> list[str]:
        return sorted({v.lower() for v in value})[:50]

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        if any(v not in {"en", "zh"} for v in value):
            raise ValueError(_("Choose from the list."))
        return sorted(set(value))


class ConflictForm(Form):
    reason: Annotated[str, Field(max_length=500)] = ""

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str) -> str:
        if not value:
            raise ValueError(_("Say briefly why, for the organizers."))
        return value


class ScheduleForm(Form):
    pitch_minutes: Annotated[int, Field(ge=1, le=60)] = 7
    qa_minutes: Annotated[int, Field(ge=0, le=60)] = 3

    field_messages = {  # noqa: RUF012
        "pitch_minutes": lambda: _("Enter a whole number of minutes, from 1 to 60."),
        "qa_minutes": lambda: _("Enter a whole number of minutes, from 0 to 60."),
    }


class AwardTierForm(Form):
    name_en: ShortText = ""
    name_zh: ShortText = ""
    count: Annotated[int, Field(ge=1, le=10000)]
    scope: AwardScope = AwardScope.OVERALL
    position: Annotated[int, Field(ge=-1_000_000, le=1_000_000)] = 0
    prize_amount: Annotated[int, Field(ge=0, le=10**12)] = 0
    referrer_share_percent: Annotated[Decimal, Field(ge=Decimal(0), le=Decimal(100), decimal_places=2)] = Decimal(0)

    field_messages = {  # noqa: RUF012
        "count": lambda: _("Enter how many projects win this prize, from 1 to 10000."),
        "scope": lambda: _("Choose from the list."),
        "prize_amount": lambda: _("Enter the prize in the currency's smallest unit (fen, cents), like 5000000."),
        "referrer_share_percent": lambda: _("Enter a share in percent, from 0 to 100."),
    }

    @model_validator(mode="after")
    def _name(self) -> AwardTierForm:
        if not self.name_en and not self.name_zh:
            raise ValueError(_("Give it a name in at least one language."))
        return self


class PolicyForm(Form):
    method: Method = Method.AUTO
    clip: Annotated[Decimal, Field(gt=Decimal(0), le=Decimal(1000), decimal_places=3)] | None = None
    decimals: Annotated[int, Field(ge=0, le=4)] = 2
    cumulative_weight: Annotated[Decimal, Field(ge=Decimal(0), le=Decimal(1000), decimal_places=2)] = Decimal(0)
    advance_count: Annotated[int, Field(ge=0, le=100000)] = 0
    advance_scope: AdvanceScope = AdvanceScope.OVERALL
    advance_threshold: Annotated[Decimal, Field(ge=Decimal(0), le=Decimal(1000), decimal_places=3)] | None = None
    tie_break_criterion_id: int | None = None
    share_comments: bool = False
    bootstrap: Annotated[int, Field(ge=0, le=2000)] = 200

    field_messages = {  # noqa: RUF012
        "method": lambda: _("Choose from the list."),
        "clip": lambda: _("Enter how far a score may stay from the project's mean, like 10, or leave it empty."),
        "decimals": lambda: _("Enter a whole number of decimals, from 0 to 4."),
        "cumulative_weight": lambda: _("Enter a weight from 0 to 1000, like 35."),
        "advance_count": lambda: _("Enter how many projects advance, or 0 for none."),
        "advance_scope": lambda: _("Choose from the list."),
        "advance_threshold": lambda: _("Enter a score from 0 to 100, or leave it empty."),
        "tie_break_criterion_id": lambda: _("Choose from the list."),
        "bootstrap": lambda: _("Enter a whole number of replicates, from 0 to 2000."),
    }

    @field_validator("clip", "advance_threshold", "tie_break_criterion_id", mode="before")
    @classmethod
    def _blank(cls, value: object) -> object:
        return value or None

    @field_validator("share_comments", mode="before")
    @classmethod
    def _checkbox(cls, value: object) -> object:
        return value in {True, "1", "on", "true", "yes"}

    @model_validator(mode="after")
    def _clip(self) -> PolicyForm:
        if self.method == Method.PAIRWISE:  # set by the round itself, not chosen here
            raise InvalidInput({"method": [_("Choose from the list.")]})
        if self.method == Method.CLIP and self.clip is None:
            raise InvalidInput({"clip": [_("The clip method needs how far a score may stay from the mean.")]})
        return self
