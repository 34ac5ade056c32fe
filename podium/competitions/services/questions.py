"""The application form: an organizer's questions, and the answers a team gives (checked per kind)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.datastructures import FormData

from podium.competitions.models import Answer, Competition, Project, Question, QuestionKind
from podium.competitions.permissions import can_manage_competition
from podium.competitions.project_forms import clean_url
from podium.platform import audit
from podium.platform.auth import Actor
from podium.platform.errors import InvalidInput, NotFound
from podium.platform.i18n import gettext as _
from podium.platform.permissions import ensure

SHORT_MAX = 300
LONG_DEFAULT_MAX = 5000
CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)


def field_name(question: Question) -> str:
    return f"q_{question.id}"


def _choices(raw: str) -> list[dict[str, str]]:
    """One choice per line: "English | 中文" (either side may be empty)."""
    choices = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        english, _sep, chinese = line.partition("|")
        english, chinese = english.strip()[:200], chinese.strip()[:200]
        if english or chinese:
            choices.append({"value": str(number), "en": english, "zh": chinese})
    return choices


def parse_question(data: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    try:
        kind = QuestionKind(str(data.get("kind", "")))
    except ValueError:
        raise InvalidInput({"kind": [_("Choose a kind of question from the list.")]}) from None
    label_en, label_zh = str(data.get("label_en", "")).strip(), str(data.get("label_zh", "")).strip()
    if not label_en and not label_zh:
        errors["label_en"] = [_("Write the question in at least one language.")]
    if len(label_en) > 300 or len(label_zh) > 300:
        errors["label_en"] = [_("Use at most %(max)d characters.", max=300)]
    values: dict[str, Any] = {
        "kind": kind,
        "label_en": label_en,
        "label_zh": label_zh,
        "help_en": str(data.get("help_en", "")).strip()[:500],
        "help_zh": str(data.get("help_zh", "")).strip()[:500],
        "required": bool(data.get("required")),
        "max_length": None,
        "choices": [],
    }
    raw_position = str(data.get("position", "") or "0").strip()
    if not re.fullmatch(r"-?\d{1,6}", raw_position):
        errors["position"] = [_("Enter a whole number; lower numbers come first.")]
    else:
        values["position"] = int(raw_position)
    if kind == QuestionKind.LONG_TEXT:
        raw = str(data.get("max_length", "")).strip()
        if raw and (not raw.isdigit() or not 1 <= int(raw) <= 20000):
            errors["max_length"] = [_("Enter a number of characters from 1 to 20000, or leave it empty.")]
        else:
            values["max_length"] = int(raw) if raw else LONG_DEFAULT_MAX
    if kind in CHOICE_KINDS:
        values["choices"] = _choices(str(data.get("choices", "")))
        if len(values["choices"]) < 2:
            errors["choices"] = [_("Give at least two choices, one per line.")]
    if errors:
        raise InvalidInput(errors)
    return values


async def add_question(*, actor: Actor, competition: Competition, values: dict[str, Any]) -> Question:
    ensure(can_manage_competition(actor, competition))
    question = await Question.create(competition_id=competition.id, **values)
    await audit.record(
        "competition.question_added",
        actor_id=actor.user_id,
        object_type="competition",
        object_id=competition.id,
        data={"question": question.id, "kind": str(question.kind)},
    )
    return question


async def remove_question(*, actor: Actor, competition: Competition, question_id: int) -> None:
    ensure(can_manage_competition(actor, competition))
    if not await Question.filter(id=question_id, competition_id=competition.id).delete():
        raise NotFound()
    await audit.record(
        "competition.question_removed",
        actor_id=actor.user_id,
        object_type="competition",
        object_id=competition.id,
        data={"question": question_id},
    )


async def questions_of(competition_id: int) -> list[Question]:
    return await Question.filter(competition_id=competition_id).order_by("position", "id")


async def answers_of(project: Project) -> dict[int, Answer]:
    return {a.question_id: a for a in await Answer.filter(project_id=project.id)}


def _submitted(data: FormData | Mapping[str, Any], name: str, multiple: bool) -> Any:
    if isinstance(data, FormData):
        return [v for v in data.getlist(name) if isinstance(v, str)] if multiple else data.get(name)
    value = data.get(name)
    if multiple and value is not None and not isinstance(value, list):
        value = [value]
    return value


def clean_answers(questions: list[Question], data: FormData | Mapping[str, Any]) -> dict[int, Any]:
    """The submitted answers, checked per kind. Questions not in data are left out (kept as they are);
    an empty answer is None. Raises InvalidInput naming the field (q_<id>)."""
    cleaned: dict[int, Any] = {}
    errors: dict[str, list[str]] = {}
    for question in questions:
        if question.kind == QuestionKind.FILE:
            continue
        name = field_name(question)
        raw = _submitted(data, name, question.kind == QuestionKind.MULTIPLE_CHOICE)
        if raw is None:
            continue
        try:
            cleaned[question.id] = _clean(question, raw)
        except ValueError as exc:
            errors[name] = [str(exc)]
    if errors:
        raise InvalidInput(errors)
    return cleaned


def _clean(question: Question, raw: Any) -> Any:
    allowed = {c["value"] for c in question.choices}
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        picked = [str(v) for v in raw if str(v)] if isinstance(raw, list) else []
        if any(v not in allowed for v in picked):
            raise ValueError(_("Choose from the list."))
        return sorted(set(picked), key=picked.index) or None
    text = str(raw).strip()
    if not text:
        return None
    if question.kind == QuestionKind.SHORT_TEXT:
        if len(text) > SHORT_MAX:
            raise ValueError(_("Use at most %(max)d characters.", max=SHORT_MAX))
        return text
    if question.kind == QuestionKind.LONG_TEXT:
        limit = question.max_length or LONG_DEFAULT_MAX
        if len(text) > limit:
            raise ValueError(_("Use at most %(max)d characters.", max=limit))
        return text
    if question.kind == QuestionKind.SINGLE_CHOICE:
        if text not in allowed:
            raise ValueError(_("Choose from the list."))
        return text
    if question.kind == QuestionKind.NUMBER:
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise ValueError(_("Enter a number, like 12 or 3.5.")) from None
        if not number.is_finite() or abs(number) >= Decimal(10) ** 15:
            raise ValueError(_("Enter a number, like 12 or 3.5."))
        return format(number.normalize(), "f")
    if question.kind == QuestionKind.URL:
        return clean_url(text)
    if question.kind == QuestionKind.DATE:
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError(_("Enter a date, like 2024-07-01.")) from None
    raise ValueError(_("Choose from the list."))


async def save_answers(*, project: Project, answers: dict[int, Any]) -> list[int]:
    """Store the cleaned answers; returns the ids of the questions whose answer changed."""
    existing = await answers_of(project)
    changed = []
    for question_id, value in answers.items():
        current = existing.get(question_id)
        if current is None:
            if value is not None:
                await Answer.create(project_id=project.id, question_id=question_id, value={"v": value})
                changed.append(question_id)
        elif current.answer != value:
            current.value = {"v": value}
            await current.save(update_fields=["value", "updated_at"])
            changed.append(question_id)
    return changed


def missing_answers(questions: list[Question], answers: dict[int, Answer]) -> dict[str, list[str]]:
    missing: dict[str, list[str]] = {}
    for question in questions:
        if not question.required:
            continue
        answer = answers.get(question.id)
        given = answer is not None and (answer.file_key if question.kind == QuestionKind.FILE else answer.answer)
        if not given:
            missing[field_name(question)] = [_("Answer this question before submitting.")]
    return missing


def answer_text(question: Question, answer: Answer | None) -> str:
    """An answer as plain text (for exports and read-only pages), in the viewer's language."""
    if answer is None:
        return ""
    if question.kind == QuestionKind.FILE:
        return answer.file_name
    labels = {c["value"]: (c["en"] or c["zh"]) for c in question.choices}
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        return ", ".join(labels.get(v, v) for v in answer.answer or [])
    if question.kind == QuestionKind.SINGLE_CHOICE:
        return labels.get(str(answer.answer), str(answer.answer or ""))
    return "" if answer.answer is None else str(answer.answer)
