"""Judging forms: rubric settings, criteria, judge profiles, conflicts."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field, field_validator, model_validator

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
    grace_minutes: Annotated[int, Field(ge=0, le=120)] = 5

    field_messages = {  # noqa: RUF012
        "comment_min_length": lambda: _("Enter a whole number of characters, from 0 to 5000."),
        "judges_per_project": lambda: _("Enter a whole number of judges, from 1 to 20."),
        "reassign_after_hours": lambda: _("Enter a whole number of hours, from 0 (only by hand) to 720."),
        "grace_minutes": lambda: _("Enter a whole number of minutes, from 0 to 120."),
    }

    @field_validator("comment_required", "blind", "live", mode="before")
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
