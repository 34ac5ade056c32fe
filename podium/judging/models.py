"""Judges, conflicts of interest, rubrics, assignments and scores."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class JudgeProfile(Model):
    """A judge's expertise at one summit: tracks, free tags, languages, affiliation and portfolio companies."""

    id = fields.IntField(primary_key=True)
    summit: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "platform.Summit", related_name=False, on_delete=fields.CASCADE
    )
    summit_id: int
    user: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "platform.User", related_name=False, on_delete=fields.CASCADE
    )
    user_id: int
    affiliation = fields.CharField(max_length=200, default="")
    track_ids: list[int] = fields.JSONField(default=list)
    tags: list[str] = fields.JSONField(default=list)
    languages: list[str] = fields.JSONField(default=list)
    # Company names or web domains the judge has invested in or advises.
    portfolio: list[str] = fields.JSONField(default=list)
    max_projects = fields.IntField(default=50)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "judging_judge_profile"
        unique_together = (("summit_id", "user_id"),)


class ConflictSource(StrEnum):
    DECLARED = "declared"
    DETECTED = "detected"
    ORGANIZER = "organizer"


class ConflictStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class Conflict(Model):
    """A judge's conflict of interest with a project. Declared ones hold at once, detected ones wait for an
    organizer. A confirmed conflict keeps the judge away from the project and its scores out of rankings."""

    id = fields.IntField(primary_key=True)
    judge: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "platform.User", related_name=False, on_delete=fields.CASCADE
    )
    judge_id: int
    project: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "competitions.Project", related_name=False, on_delete=fields.CASCADE
    )
    project_id: int
    source = fields.CharEnumField(ConflictSource, max_length=16)
    status = fields.CharEnumField(ConflictStatus, max_length=16)
    reason = fields.CharField(max_length=500, default="")
    decided_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "platform.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "judging_conflict"
        unique_together = (("judge_id", "project_id"),)
        indexes = (("project_id", "status"),)


class Rubric(Model):
    """How a round is scored: its criteria, whether comments are required, and whether the round is blind."""

    id = fields.IntField(primary_key=True)
    round: fields.OneToOneRelation[Any] = fields.OneToOneField(
        "competitions.Round", related_name=False, on_delete=fields.CASCADE
    )
    round_id: int
    comment_required = fields.BooleanField(default=False)
    comment_min_length = fields.IntField(default=0)
    # Team names, e-mails, schools and referrers are hidden from judges in a blind round.
    blind = fields.BooleanField(default=False)
    judges_per_project = fields.IntField(default=3)
    # Declined scorecards are given to other judges this many hours later (0: only by hand).
    reassign_after_hours = fields.IntField(default=0)
    # A live pitch round: teams pitch in slots on stage, and each slot's scores lock a grace period after it ends.
    live = fields.BooleanField(default=False)
    grace_minutes = fields.IntField(default=5)
    # A pairwise round (expo or hackathon style): judges compare two projects at a time instead of scoring.
    pairwise = fields.BooleanField(default=False)
    updated_at = fields.DatetimeField(auto_now=True)

    criteria: fields.ReverseRelation[Criterion]

    class Meta:
        table = "judging_rubric"


class Criterion(Model):
    """One scored criterion. Anchors say what a low, middle and high score means. counted=False criteria are
    shown and scored but left out of the total."""

    id = fields.IntField(primary_key=True)
    rubric: fields.ForeignKeyRelation[Rubric] = fields.ForeignKeyField(
        "judging.Rubric", related_name="criteria", on_delete=fields.CASCADE
    )
    rubric_id: int
    position = fields.IntField(default=0)
    name_en = fields.CharField(max_length=200, default="")
    name_zh = fields.CharField(max_length=200, default="")
    description_en = fields.TextField(default="")
    description_zh = fields.TextField(default="")
    anchor_low_en = fields.CharField(max_length=300, default="")
    anchor_low_zh = fields.CharField(max_length=300, default="")
    anchor_mid_en = fields.CharField(max_length=300, default="")
    anchor_mid_zh = fields.CharField(max_length=300, default="")
    anchor_high_en = fields.CharField(max_length=300, default="")
    anchor_high_zh = fields.CharField(max_length=300, default="")
    weight = fields.DecimalField(max_digits=6, decimal_places=2, default=1)
    scale_min = fields.DecimalField(max_digits=6, decimal_places=2, default=1)
    scale_max = fields.DecimalField(max_digits=6, decimal_places=2, default=10)
    scale_step = fields.DecimalField(max_digits=6, decimal_places=2, default=1)
    counted = fields.BooleanField(default=True)

    class Meta:
        table = "judging_criterion"
        ordering = ("position", "id")


class AssignmentStatus(StrEnum):
    ASSIGNED = "assigned"
    SUBMITTED = "submitted"
    DECLINED = "declined"
    CONFLICTED = "conflicted"
    REMOVED = "removed"


class Assignment(Model):
    """A judge's scorecard for one project in one round: the scores, the comment and whether it is submitted."""

    id = fields.IntField(primary_key=True)
    round: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "competitions.Round", related_name=False, on_delete=fields.CASCADE
    )
    round_id: int
    project: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "competitions.Project", related_name=False, on_delete=fields.CASCADE
    )
    project_id: int
    judge: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "platform.User", related_name=False, on_delete=fields.CASCADE
    )
    judge_id: int
    status = fields.CharEnumField(AssignmentStatus, max_length=16, default=AssignmentStatus.ASSIGNED)
    comment = fields.TextField(default="")
    # Bumped on every save; an autosave names the version it edits, so a stale tab cannot overwrite a submit.
    version = fields.IntField(default=0)
    due_at = fields.DatetimeField(null=True)
    submitted_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    scores: fields.ReverseRelation[Score]

    class Meta:
        table = "judging_assignment"
        unique_together = (("round_id", "project_id", "judge_id"),)
        indexes = (("judge_id", "round_id", "status"), ("round_id", "status"))


class Score(Model):
    id = fields.IntField(primary_key=True)
    assignment: fields.ForeignKeyRelation[Assignment] = fields.ForeignKeyField(
        "judging.Assignment", related_name="scores", on_delete=fields.CASCADE
    )
    assignment_id: int
    criterion: fields.ForeignKeyRelation[Criterion] = fields.ForeignKeyField(
        "judging.Criterion", related_name=False, on_delete=fields.RESTRICT
    )
    criterion_id: int
    value = fields.DecimalField(max_digits=6, decimal_places=2)

    class Meta:
        table = "judging_score"
        unique_together = (("assignment_id", "criterion_id"),)


class ScoreChange(Model):
    """The audit trail of a scorecard: who changed which value (or the comment, criterion empty), and when."""

    id = fields.IntField(primary_key=True)
    assignment: fields.ForeignKeyRelation[Assignment] = fields.ForeignKeyField(
        "judging.Assignment", related_name=False, on_delete=fields.CASCADE
    )
    assignment_id: int
    criterion_id = fields.IntField(null=True)
    what = fields.CharField(max_length=32)
    old = fields.TextField(null=True)
    new = fields.TextField(null=True)
    changed_by_id = fields.IntField(null=True)
    changed_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "judging_score_change"
        indexes = (("assignment_id", "changed_at"),)


class PitchSlot(Model):
    """A team's turn on stage in a live round ("7+3": pitch, then questions). Judges score the running slot,
    and its scores lock grace minutes after its questions end."""

    id = fields.IntField(primary_key=True)
    round: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "competitions.Round", related_name=False, on_delete=fields.CASCADE
    )
    round_id: int
    project: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "competitions.Project", related_name=False, on_delete=fields.CASCADE
    )
    project_id: int
    position = fields.IntField()
    pitch_seconds = fields.IntField(default=420)
    qa_seconds = fields.IntField(default=180)
    started_at = fields.DatetimeField(null=True)

    class Meta:
        table = "judging_pitch_slot"
        unique_together = (("round_id", "project_id"),)
        ordering = ("position", "id")


class Method(StrEnum):
    AUTO = "auto"
    MEAN = "mean"
    MEDIAN = "median"
    TRIMMED = "trimmed"
    CLIP = "clip"
    ZSCORE = "zscore"
    PAIRWISE = "pairwise"


class AdvanceScope(StrEnum):
    OVERALL = "overall"
    TRACK = "track"
    DIVISION = "division"
    TRACK_DIVISION = "track_division"


class RankingPolicy(Model):
    """How a round is ranked and who advances: the aggregation method, the published precision, the weight of
    the round in cumulative scores, and the advancement rule."""

    id = fields.IntField(primary_key=True)
    round: fields.OneToOneRelation[Any] = fields.OneToOneField(
        "competitions.Round", related_name=False, on_delete=fields.CASCADE
    )
    round_id: int
    method = fields.CharEnumField(Method, max_length=16, default=Method.AUTO)
    clip = fields.DecimalField(max_digits=8, decimal_places=3, null=True)
    decimals = fields.IntField(default=2)
    # Weight of this round's score in the cumulative score of this and later rounds (0: not carried on).
    cumulative_weight = fields.DecimalField(max_digits=6, decimal_places=2, default=0)
    advance_count = fields.IntField(default=0)
    advance_scope = fields.CharEnumField(AdvanceScope, max_length=16, default=AdvanceScope.OVERALL)
    advance_threshold = fields.DecimalField(max_digits=8, decimal_places=3, null=True)
    # Ties at the cut-off: all advance (empty), or the higher mean on this criterion wins.
    tie_break_criterion_id = fields.IntField(null=True)
    share_comments = fields.BooleanField(default=False)
    bootstrap = fields.IntField(default=200)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "judging_ranking_policy"


class RankingRun(Model):
    """One computation of a round's ranking: its method, parameters and a digest of its input, so the same
    scores are never ranked twice. final marks the run a round was finalised with."""

    id = fields.IntField(primary_key=True)
    round: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "competitions.Round", related_name=False, on_delete=fields.CASCADE
    )
    round_id: int
    method = fields.CharEnumField(Method, max_length=16)
    parameters: dict[str, Any] = fields.JSONField(default=dict)
    input_digest = fields.CharField(max_length=64)
    scorecards = fields.IntField(default=0)
    final = fields.BooleanField(default=False)
    computed_at = fields.DatetimeField(auto_now_add=True)

    rows: fields.ReverseRelation[RankingRow]

    class Meta:
        table = "judging_ranking_run"
        unique_together = (("round_id", "input_digest"),)
        indexes = (("round_id", "computed_at"),)


class RankingRow(Model):
    id = fields.IntField(primary_key=True)
    run: fields.ForeignKeyRelation[RankingRun] = fields.ForeignKeyField(
        "judging.RankingRun", related_name="rows", on_delete=fields.CASCADE
    )
    run_id: int
    project: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "competitions.Project", related_name=False, on_delete=fields.CASCADE
    )
    project_id: int
    rank = fields.IntField()
    score = fields.DecimalField(max_digits=10, decimal_places=4)
    round_score = fields.DecimalField(max_digits=10, decimal_places=4, null=True)
    plain_mean = fields.DecimalField(max_digits=10, decimal_places=4, null=True)
    ci_low = fields.FloatField(null=True)
    ci_high = fields.FloatField(null=True)
    rank_low = fields.IntField(null=True)
    rank_high = fields.IntField(null=True)
    n_judges = fields.IntField(default=0)
    spread = fields.FloatField(null=True)
    p_advance = fields.FloatField(null=True)
    advances = fields.BooleanField(default=False)
    linked = fields.BooleanField(default=True)

    class Meta:
        table = "judging_ranking_row"
        unique_together = (("run_id", "project_id"),)
        ordering = ("rank", "project_id")


class JudgeEffect(Model):
    """A judge's fitted severity (shift) and scale (stretch) in a ranking run, with outliers flagged."""

    id = fields.IntField(primary_key=True)
    run: fields.ForeignKeyRelation[RankingRun] = fields.ForeignKeyField(
        "judging.RankingRun", related_name="judges", on_delete=fields.CASCADE
    )
    run_id: int
    judge_id = fields.IntField()
    severity = fields.FloatField()
    scale = fields.FloatField()
    scorecards = fields.IntField(default=0)
    outlier = fields.BooleanField(default=False)
    # Pairwise rounds: the chance that this judge picks the better project (Crowd BT's alpha / (alpha + beta)).
    reliability = fields.FloatField(null=True)

    class Meta:
        table = "judging_judge_effect"


class Advancement(Model):
    """A round's outcome for one project, written when the round is finalised: its place and whether it
    advances to the next round. The next round's field is the projects that advanced."""

    id = fields.IntField(primary_key=True)
    round: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "competitions.Round", related_name=False, on_delete=fields.CASCADE
    )
    round_id: int
    project: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "competitions.Project", related_name=False, on_delete=fields.CASCADE
    )
    project_id: int
    rank = fields.IntField()
    score = fields.DecimalField(max_digits=10, decimal_places=4)
    advances = fields.BooleanField()

    class Meta:
        table = "judging_advancement"
        unique_together = (("round_id", "project_id"),)
        ordering = ("rank", "project_id")


class AwardScope(StrEnum):
    OVERALL = "overall"
    TRACK = "track"


class AwardTier(Model):
    """A prize of the competition (first prize, excellence prize …): how many, from the final ranking overall
    or per track."""

    id = fields.IntField(primary_key=True)
    competition: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "competitions.Competition", related_name=False, on_delete=fields.CASCADE
    )
    competition_id: int
    position = fields.IntField(default=0)
    name_en = fields.CharField(max_length=200, default="")
    name_zh = fields.CharField(max_length=200, default="")
    count = fields.IntField()
    scope = fields.CharEnumField(AwardScope, max_length=16, default=AwardScope.OVERALL)
    prize_amount = fields.BigIntField(default=0)  # minor units of the summit's currency
    referrer_share_percent = fields.DecimalField(max_digits=5, decimal_places=2, default=0)

    class Meta:
        table = "judging_award_tier"
        ordering = ("position", "id")


class Award(Model):
    """A prize granted to a project. The referrer named on the project is credited its share."""

    id = fields.IntField(primary_key=True)
    tier: fields.ForeignKeyRelation[AwardTier] = fields.ForeignKeyField(
        "judging.AwardTier", related_name="awards", on_delete=fields.CASCADE
    )
    tier_id: int
    project: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "competitions.Project", related_name=False, on_delete=fields.CASCADE
    )
    project_id: int
    rank = fields.IntField()
    referrer = fields.CharField(max_length=200, default="")
    referrer_amount = fields.BigIntField(default=0)
    granted_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "judging_award"
        unique_together = (("tier_id", "project_id"),)
        ordering = ("tier_id", "rank")


class Comparison(Model):
    """A judge's vote in a pairwise round: of the two projects shown, the winner was better."""

    id = fields.IntField(primary_key=True)
    round: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "competitions.Round", related_name=False, on_delete=fields.CASCADE
    )
    round_id: int
    judge: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "platform.User", related_name=False, on_delete=fields.CASCADE
    )
    judge_id: int
    winner: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "competitions.Project", related_name=False, on_delete=fields.CASCADE
    )
    winner_id: int
    loser: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "competitions.Project", related_name=False, on_delete=fields.CASCADE
    )
    loser_id: int
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "judging_comparison"
        indexes = (("round_id", "id"), ("round_id", "judge_id"))


class PairCursor(Model):
    """Where a judge stands in a pairwise round: the project seen last and the one to compare it with next."""

    id = fields.IntField(primary_key=True)
    round: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "competitions.Round", related_name=False, on_delete=fields.CASCADE
    )
    round_id: int
    judge: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "platform.User", related_name=False, on_delete=fields.CASCADE
    )
    judge_id: int
    seen: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "competitions.Project", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    seen_id: int | None
    upcoming: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "competitions.Project", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    upcoming_id: int | None
    votes = fields.IntField(default=0)

    class Meta:
        table = "judging_pair_cursor"
        unique_together = (("round_id", "judge_id"),)
