"""The judge's autosave (PATCH /api/v1/scorecards/{id}) on its one-query path: a few fixed queries, and the
same answers, refusals and change trail as the full scorecard."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from podium.competitions.models import Competition, Round, RoundStatus
from podium.judging.api import scorecard_json
from podium.judging.models import (
    Assignment,
    AssignmentStatus,
    Conflict,
    ConflictStatus,
    Criterion,
    PitchSlot,
    Rubric,
    Score,
    ScoreChange,
)
from podium.judging.services import scoring
from podium.platform.auth import Actor, load_roles
from podium.platform.errors import Conflict as Refused
from podium.platform.i18n import utcnow
from podium.platform.summits.models import Role, SummitRole
from podium.platform.users.models import User
from tests.factories import make_round
from tests.helpers import count_queries
from tests.judging.test_judging import _assign, _bearer, _judged_round, _scorecard_of

ROOT = Path(__file__).parents[2]


def _judging_statements(queries: list[str]) -> list[str]:
    """The statements of the scorecard itself (not the bearer token's lookup)."""
    return [q for q in queries if "judging_" in q]


async def _actor(user: User) -> Actor:
    return Actor(user=user, roles=await load_roles(user.id))


async def test_an_autosave_runs_the_same_few_queries_whatever_it_changes(client: httpx.AsyncClient) -> None:
    review, judges, _field = await _judged_round()
    rubric = await Rubric.get(round_id=review.id)
    await Criterion.create(rubric=rubric, position=3, name_en="Technology", name_zh="技术")
    await _assign(client, review)
    judge = judges[0]
    card = await _scorecard_of(judge, review)
    team, market, tech = await Criterion.filter(rubric__round_id=review.id).order_by("position")
    headers = await _bearer(judge)
    url = f"/api/v1/scorecards/{card.id}"
    await client.get(url, headers=headers)  # the token's first use is recorded once

    with count_queries() as one:
        saved = await client.patch(url, json={f"c_{team.id}": "8"}, headers=headers)
    assert saved.status_code == 200
    with count_queries() as three:
        saved = await client.patch(
            url, json={f"c_{team.id}": "7", f"c_{market.id}": "0", f"c_{tech.id}": "5"}, headers=headers
        )
    assert saved.status_code == 200
    # Load, lock, current scores, then the scores and their trail in one statement: for one score as for three.
    assert len(_judging_statements(one.queries)) == len(_judging_statements(three.queries)) == 4
    with count_queries() as unchanged:
        again = await client.patch(url, json={f"c_{team.id}": "7"}, headers=headers)
    assert len(_judging_statements(unchanged.queries)) == 1  # the load: nothing to write
    assert again.json() == saved.json()

    # The answer is what the full scorecard says after the save, and what GET says.
    full = await scoring.get_scorecard(actor=await _actor(judge), assignment_id=card.id)
    assert saved.json() == scorecard_json(full)
    assert (await client.get(url, headers=headers)).json() == saved.json()
    assert saved.json()["scores"] == {f"c_{team.id}": "7", f"c_{market.id}": "0", f"c_{tech.id}": "5"}
    assert saved.json()["version"] == (await Assignment.get(id=card.id)).version == 2


async def test_an_autosave_keeps_the_trail_and_an_unchanged_form_writes_nothing(client: httpx.AsyncClient) -> None:
    review, judges, _field = await _judged_round()
    await _assign(client, review)
    judge = judges[0]
    card = await _scorecard_of(judge, review)
    team, market = await Criterion.filter(rubric__round_id=review.id).order_by("position")
    elsewhere = await make_round(
        competition=await Competition.get(id=review.competition_id), status=RoundStatus.JUDGING
    )
    foreign = await Criterion.create(rubric=await Rubric.create(round=elsewhere), name_en="Elsewhere")
    headers = await _bearer(judge)
    url = f"/api/v1/scorecards/{card.id}"

    async def patch(body: Mapping[str, object]) -> dict[str, object]:
        response = await client.patch(url, json=body, headers=headers)
        assert response.status_code == 200, response.text
        answer: dict[str, object] = response.json()
        return answer

    form = {f"c_{team.id}": "8", f"c_{market.id}": "0", "comment": "Good."}
    assert (await patch(form))["version"] == 1
    assert (await patch(form))["version"] == 1  # the same form again: no write, no new version
    # A criterion of another round, a field that names none, and unknown fields are ignored.
    ignored = await patch({f"c_{foreign.id}": "5", "c_x": "5", "c_": "1", "colour": "red", "submit": "yes"})
    assert ignored["version"] == 1
    assert await Score.filter(criterion_id=foreign.id).count() == 0
    cleared = await patch({**form, f"c_{market.id}": " ", "comment": "Good team."})
    assert cleared["version"] == 2
    assert cleared["scores"] == {f"c_{team.id}": "8"}
    assert cleared["comment"] == "Good team."
    assert await patch({f"c_{market.id}": ""}) == cleared  # clearing what is not there changes nothing
    assert (await patch({f"c_{team.id}": "8.0", f"c_{market.id}": "4.5"}))["version"] == 3
    everything = await patch({f"c_{team.id}": "9", f"c_{market.id}": "", "comment": "Done."})
    assert (everything["version"], everything["scores"]) == (4, {f"c_{team.id}": "9"})
    assert (await patch({f"c_{market.id}": "2"}))["scores"] == {f"c_{team.id}": "9", f"c_{market.id}": "2"}

    trail = await ScoreChange.filter(assignment_id=card.id).order_by("id")
    assert [(c.what, c.criterion_id, c.old, c.new, c.changed_by_id) for c in trail] == [
        ("score", team.id, None, "8", judge.id),
        ("score", market.id, None, "0", judge.id),
        ("comment", None, "", "Good.", judge.id),
        ("score", market.id, "0", None, judge.id),
        ("comment", None, "Good.", "Good team.", judge.id),
        ("score", market.id, None, "4.5", judge.id),
        ("score", team.id, "8", "9", judge.id),
        ("score", market.id, "4.5", None, judge.id),
        ("comment", None, "Good team.", "Done.", judge.id),
        ("score", market.id, None, "2", judge.id),
    ]
    assert {s.criterion_id: s.value for s in await Score.filter(assignment_id=card.id)} == {team.id: 9, market.id: 2}
    stored = await Assignment.get(id=card.id)
    assert (stored.version, stored.comment, stored.status) == (5, "Done.", AssignmentStatus.ASSIGNED)


async def test_an_autosave_refuses_as_the_full_scorecard_does(client: httpx.AsyncClient) -> None:
    review, judges, field = await _judged_round(judges=3, projects=2, k=3)
    await _assign(client, review)
    judge = judges[0]
    cards = await Assignment.filter(round_id=review.id, judge_id=judge.id).order_by("id")
    team, market = await Criterion.filter(rubric__round_id=review.id).order_by("position")
    headers = await _bearer(judge)

    async def patch(card_id: int, body: object, who: dict[str, str] = headers) -> httpx.Response:
        return await client.patch(f"/api/v1/scorecards/{card_id}", json=body, headers=who)

    mine = cards[0].id
    other = await Assignment.get(round_id=review.id, judge_id=judges[1].id, project_id=cards[0].project_id)
    assert (await patch(other.id, {f"c_{team.id}": "5"})).status_code == 404  # another judge's card
    assert (await patch(999_999, {f"c_{team.id}": "5"})).status_code == 404

    bad = await patch(mine, {f"c_{team.id}": "11", f"c_{market.id}": "4.3", "comment": "x" * 20001})
    assert bad.status_code == 422
    assert bad.json()["errors"] == {
        f"c_{team.id}": ["Give a score from 1 to 10 in steps of 1."],
        f"c_{market.id}": ["Give a score from 0 to 5 in steps of 0.5."],
        "comment": ["Use at most 20000 characters."],
    }
    assert (await patch(mine, {"comment": 5})).json()["errors"] == {"comment": ["Send the comment as text."]}
    assert (await patch(mine, [1])).status_code == 422

    # Submitted: a change and an unchanged form are both refused, the card stays as it was.
    await Assignment.filter(id=mine).update(status=AssignmentStatus.SUBMITTED)
    for body in ({f"c_{team.id}": "5"}, {}):
        refused = await patch(mine, body)
        assert refused.status_code == 409
        assert refused.json()["errors"]["__all__"] == [
            "This scorecard is submitted. Ask an organizer to unlock it to change it."
        ]
    assert (await patch(mine, {f"c_{team.id}": "11"})).status_code == 422  # bad input is named first, as before
    await Assignment.filter(id=mine).update(status=AssignmentStatus.ASSIGNED)

    # Judging closed: refused with the reason.
    await Round.filter(id=review.id).update(judging_close_at=utcnow() - timedelta(minutes=1))
    closed = await patch(mine, {f"c_{team.id}": "5"})
    assert closed.status_code == 409
    assert closed.json()["errors"]["__all__"] == ["Judging for this round is not open, so scores cannot change."]
    await Round.filter(id=review.id).update(judging_close_at=utcnow() + timedelta(days=1))
    assert (await patch(mine, {f"c_{team.id}": "5"})).status_code == 200

    # A confirmed conflict, a removed or declined card, and a revoked judge role: not found.
    conflict = await Conflict.create(
        judge=judge, project_id=cards[0].project_id, source="declared", status=ConflictStatus.CONFIRMED
    )
    assert (await patch(mine, {f"c_{team.id}": "6"})).status_code == 404
    await Conflict.filter(id=conflict.id).update(status=ConflictStatus.PENDING)
    assert (await patch(mine, {f"c_{team.id}": "6"})).status_code == 200
    for status in (AssignmentStatus.REMOVED, AssignmentStatus.DECLINED, AssignmentStatus.CONFLICTED):
        await Assignment.filter(id=mine).update(status=status)
        assert (await patch(mine, {f"c_{team.id}": "7"})).status_code == 404, status
    await Assignment.filter(id=mine).update(status=AssignmentStatus.ASSIGNED)
    await SummitRole.filter(user_id=judge.id, role=Role.JUDGE).delete()
    assert (await patch(mine, {f"c_{team.id}": "7"})).status_code == 404
    assert [s.value for s in await Score.filter(assignment_id=mine)] == [6]
    assert len(field) == 2


async def test_an_autosave_in_a_round_without_a_rubric_makes_the_empty_rubric(client: httpx.AsyncClient) -> None:
    review, judges, _field = await _judged_round()
    await _assign(client, review)
    card = await _scorecard_of(judges[0], review)
    await Rubric.filter(round_id=review.id).delete()  # its criteria go with it
    saved = await client.patch(f"/api/v1/scorecards/{card.id}", json={"c_1": "5"}, headers=await _bearer(judges[0]))
    assert saved.status_code == 200
    assert (saved.json()["criteria"], saved.json()["scores"], saved.json()["version"]) == ([], {}, 0)
    assert await Rubric.filter(round_id=review.id).count() == 1


async def test_an_autosave_in_a_live_round_follows_the_slot(client: httpx.AsyncClient) -> None:
    review, judges, _field = await _judged_round(judges=1, projects=1, k=1)
    await Rubric.filter(round_id=review.id).update(live=True, grace_minutes=2)
    await _assign(client, review)
    card = await _scorecard_of(judges[0], review)
    team = await Criterion.filter(rubric__round_id=review.id).order_by("position").first()
    assert team is not None
    headers = await _bearer(judges[0])
    url = f"/api/v1/scorecards/{card.id}"

    async def messages() -> list[str]:
        response = await client.patch(url, json={f"c_{team.id}": "6"}, headers=headers)
        return [] if response.status_code == 200 else response.json()["errors"]["__all__"]

    waiting = ["This team has not pitched yet; score it when its slot starts."]
    assert await messages() == waiting
    slot = await PitchSlot.create(round_id=review.id, project_id=card.project_id, position=1)
    assert await messages() == waiting
    await PitchSlot.filter(id=slot.id).update(started_at=utcnow() - timedelta(minutes=11))
    assert await messages() == []
    await PitchSlot.filter(id=slot.id).update(started_at=utcnow() - timedelta(minutes=12, seconds=1))
    assert await messages() == ["This pitch slot has ended and its scores are locked."]
    assert [s.value for s in await Score.filter(assignment_id=card.id)] == [6]


async def test_a_light_autosave_racing_a_submit_never_changes_a_submitted_card(client: httpx.AsyncClient) -> None:
    review, judges, _field = await _judged_round()
    await _assign(client, review)
    judge = judges[0]
    team, market = await Criterion.filter(rubric__round_id=review.id).order_by("position")
    actor = await _actor(judge)
    for attempt in range(8):
        card_row = (await Assignment.filter(round_id=review.id, judge_id=judge.id).order_by("id"))[attempt % 2]
        await Assignment.filter(id=card_row.id).update(status=AssignmentStatus.ASSIGNED, comment="Ten chars or more.")
        full = await scoring.get_scorecard(actor=actor, assignment_id=card_row.id)
        await scoring.save(actor=actor, card=full, values={f"c_{team.id}": "5", f"c_{market.id}": "2"}, comment=None)

        async def autosave(value: str, card_id: int = card_row.id) -> str:
            card = await scoring.get_light_scorecard(actor=actor, assignment_id=card_id)
            try:
                await scoring.save(actor=actor, card=card, values={f"c_{team.id}": value}, comment=None)
            except Refused:
                return "refused"
            return "saved"

        baseline = await ScoreChange.filter(assignment_id=card_row.id).order_by("-id").first()
        await asyncio.gather(autosave(str(attempt + 1)), scoring.submit(actor=actor, card=full), autosave("9"))
        after = await ScoreChange.filter(assignment_id=card_row.id, id__gt=baseline.id if baseline else 0).order_by(
            "id"
        )
        assert [c.what for c in after].count("submitted") == 1
        assert after[-1].what == "submitted"
        assert (await Assignment.get(id=card_row.id)).status == AssignmentStatus.SUBMITTED


async def test_a_save_from_a_stale_tab_that_matches_what_is_saved_writes_nothing(client: httpx.AsyncClient) -> None:
    review, judges, _field = await _judged_round()
    await _assign(client, review)
    judge = judges[0]
    row = await _scorecard_of(judge, review)
    team, market = await Criterion.filter(rubric__round_id=review.id).order_by("position")
    actor = await _actor(judge)
    stale = await scoring.get_light_scorecard(actor=actor, assignment_id=row.id)  # a tab opened before the saves
    fresh = await scoring.get_light_scorecard(actor=actor, assignment_id=row.id)
    assert await scoring.save(actor=actor, card=fresh, values={f"c_{team.id}": "7"}, comment="Seen.") == 1
    trail = await ScoreChange.filter(assignment_id=row.id).count()
    # The stale tab sends what the other one saved: checked under the lock, nothing is written.
    assert await scoring.save(actor=actor, card=stale, values={f"c_{team.id}": "7"}, comment="Seen.") == 1
    assert (stale.assignment.version, stale.assignment.comment, stale.scores) == (1, "Seen.", {team.id: 7})
    assert await ScoreChange.filter(assignment_id=row.id).count() == trail
    assert (await Assignment.get(id=row.id)).version == 1
    # And a real change from it is saved against what is there now.
    assert await scoring.save(actor=actor, card=stale, values={f"c_{market.id}": "1"}, comment=None) == 2
    last = await ScoreChange.filter(assignment_id=row.id).order_by("-id").first()
    assert last is not None
    assert (last.what, last.old, last.new) == ("score", None, "1")


_ON_SQLITE = """
import asyncio, json, sys
from pathlib import Path

from podium.judging.api import scorecard_json
from podium.judging.models import Assignment, AssignmentStatus, Criterion, ScoreChange
from podium.judging.services import scoring
from podium.platform import db
from podium.platform.auth import Actor, load_roles
from podium.platform.errors import Conflict
from podium.settings import Settings
from tests.judging.test_judging import _judged_round, _scorecard_of


async def main(var: Path) -> None:
    settings = Settings(
        database_url=f"sqlite://{var}/podium.sqlite3", var_dir=var, secret_key="x" * 32, _env_file=None
    )
    await db.migrate(settings)
    await db.close_db()
    await db.init_db(settings)
    review, judges, _field = await _judged_round()
    await Assignment.create(round=review, project=_field[0], judge=judges[0])
    card_row = await _scorecard_of(judges[0], review)
    team, market = await Criterion.filter(rubric__round_id=review.id).order_by("position")
    actor = Actor(user=judges[0], roles=await load_roles(judges[0].id))
    out = {}
    card = await scoring.get_light_scorecard(actor=actor, assignment_id=card_row.id)
    values = {f"c_{team.id}": "8", f"c_{market.id}": "0"}
    out["first"] = await scoring.save(actor=actor, card=card, values=values, comment="Good.")
    out["same"] = await scoring.save(actor=actor, card=card, values=values, comment="Good.")
    card = await scoring.get_light_scorecard(actor=actor, assignment_id=card_row.id)
    out["changed"] = await scoring.save(actor=actor, card=card, values={f"c_{market.id}": "", f"c_{team.id}": "9"},
                                        comment=None)
    out["answer"] = scorecard_json(card)
    out["full"] = scorecard_json(await scoring.get_scorecard(actor=actor, assignment_id=card_row.id))
    out["trail"] = [(c.what, c.old, c.new) for c in await ScoreChange.filter(assignment_id=card_row.id).order_by("id")]
    await Assignment.filter(id=card_row.id).update(status=AssignmentStatus.SUBMITTED)
    try:
        await scoring.save(actor=actor, card=card, values={f"c_{team.id}": "1"}, comment=None)
    except Conflict as exc:
        out["submitted"] = exc.message
    await db.close_db()
    print(json.dumps(out))


asyncio.run(main(Path(sys.argv[1])))
"""


@pytest.mark.sqlite
async def test_an_autosave_on_sqlite_saves_the_same(tmp_path: Path) -> None:
    def run() -> subprocess.CompletedProcess[str]:
        env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "LOG_LEVEL": "WARNING"}
        return subprocess.run(
            [sys.executable, "-c", _ON_SQLITE, str(tmp_path)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    result = await asyncio.to_thread(run)
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert (out["first"], out["same"], out["changed"]) == (1, 1, 2)
    assert out["answer"] == out["full"]
    assert out["answer"]["comment"] == "Good."
    assert list(out["answer"]["scores"].values()) == ["9"]
    assert out["trail"] == [
        ["score", None, "8"],
        ["score", None, "0"],
        ["comment", "", "Good."],
        ["score", "8", "9"],
        ["score", "0", None],
    ]
    assert out["submitted"] == "This scorecard is submitted. Ask an organizer to unlock it to change it."
