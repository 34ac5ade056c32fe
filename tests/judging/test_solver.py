"""The judge-assignment solver on random and hand-made instances: hard rules, max flow, kept work, preferences."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from podium.judging import solver
from podium.judging.solver import JudgeSlot, Plan, ProjectSlot, pair_cost, plan_assignments

# The autouse database-cleanup fixture in tests/conftest.py is a no-op for tests without `app`.
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TAGS = ["ai", "bio", "chips", "energy", "fintech"]
LANGUAGES = ["en", "zh"]
UNKNOWN = 10_000  # ids above this name no project or judge


@dataclass
class Instance:
    projects: list[ProjectSlot]
    judges: list[JudgeSlot]
    per_project: int
    existing: list[tuple[int, int]] = field(default_factory=list)
    forbidden: list[tuple[int, int]] = field(default_factory=list)
    by_track: bool = False
    seed: int = 0

    def plan(self) -> Plan:
        return plan_assignments(
            self.projects,
            self.judges,
            per_project=self.per_project,
            existing=self.existing,
            forbidden=self.forbidden,
            by_track=self.by_track,
            seed=self.seed,
        )

    def kept(self) -> set[tuple[int, int]]:
        project_ids = {p.id for p in self.projects}
        judge_ids = {j.id for j in self.judges}
        return {(p, j) for p, j in self.existing if p in project_ids and j in judge_ids}

    def allowed(self, project: ProjectSlot, judge: JudgeSlot) -> bool:
        if (project.id, judge.id) in set(self.forbidden) | self.kept():
            return False
        return not self.by_track or (project.track_id is not None and project.track_id in judge.track_ids)

    def max_new(self) -> int:
        """Max flow over the full allowed graph, by plain augmenting paths: the most new pairs any plan can add."""
        kept = self.kept()
        coverage = Counter(p for p, _ in kept)
        load = Counter(j for _, j in kept)
        residual: dict[str, dict[str, int]] = {"s": {}, "t": {}}
        for p in self.projects:
            residual[f"p{p.id}"] = {}
        for j in self.judges:
            residual[f"j{j.id}"] = {}

        def arc(tail: str, head: str, capacity: int) -> None:
            residual[tail][head] = residual[tail].get(head, 0) + capacity
            residual[head].setdefault(tail, 0)

        for p in self.projects:
            arc("s", f"p{p.id}", max(self.per_project - coverage[p.id], 0))
            for j in self.judges:
                if self.allowed(p, j):
                    arc(f"p{p.id}", f"j{j.id}", 1)
        for j in self.judges:
            arc(f"j{j.id}", "t", max(j.capacity - load[j.id], 0))
        total = 0
        while True:
            parent: dict[str, str] = {"s": "s"}
            queue = deque(["s"])
            while queue and "t" not in parent:
                node = queue.popleft()
                for head, capacity in residual[node].items():
                    if capacity > 0 and head not in parent:
                        parent[head] = node
                        queue.append(head)
            if "t" not in parent:
                return total
            node = "t"
            while node != "s":
                residual[parent[node]][node] -= 1
                residual[node][parent[node]] += 1
                node = parent[node]
            total += 1


@st.composite
def instances(draw: st.DrawFn) -> Instance:
    tracks = draw(st.integers(1, 3))
    words = st.frozensets(st.sampled_from(TAGS), max_size=3)
    languages = st.frozensets(st.sampled_from(LANGUAGES), max_size=2)
    projects = [
        ProjectSlot(
            id=1 + i,
            track_id=draw(st.none() | st.integers(1, tracks)),
            tags=draw(words),
            languages=draw(languages),
        )
        for i in range(draw(st.integers(0, 12)))
    ]
    judges = [
        JudgeSlot(
            id=100 + i,
            capacity=draw(st.integers(0, 7)),
            track_ids=draw(st.frozensets(st.integers(1, tracks), max_size=2)),
            tags=draw(words),
            languages=draw(languages),
        )
        for i in range(draw(st.integers(0, 10)))
    ]
    # Pairs over the known ids plus one unknown id on each side, which the solver must ignore.
    project_ids = st.sampled_from([p.id for p in projects] + [UNKNOWN + 1])
    judge_ids = st.sampled_from([j.id for j in judges] + [UNKNOWN + 2])
    pairs = st.lists(st.tuples(project_ids, judge_ids), max_size=15)
    return Instance(
        projects=projects,
        judges=judges,
        per_project=draw(st.integers(0, 4)),
        existing=draw(pairs),
        forbidden=draw(pairs),
        by_track=draw(st.booleans()),
        seed=draw(st.integers(0, 2**32)),
    )


@st.composite
def ample_instances(draw: st.DrawFn) -> Instance:
    """Every project has k allowed judges, and capacity is enough for any way of handing out the slots."""
    instance = draw(instances())
    projects = len(instance.projects)
    k = draw(st.integers(1, 3))
    judges = [
        JudgeSlot(
            id=100 + i, capacity=projects, track_ids=frozenset({1, 2, 3}), tags=frozenset(), languages=frozenset()
        )
        for i in range(k + draw(st.integers(0, 3)))
    ]
    return Instance(
        projects=instance.projects,
        judges=judges,
        per_project=k,
        by_track=instance.by_track and all(p.track_id is not None for p in instance.projects),
        seed=instance.seed,
    )


# ---- properties over random instances ------------------------------------------------------------


def assert_hard_rules(instance: Instance, plan: Plan) -> None:
    kept = instance.kept()
    new = Counter(plan.pairs)
    judges = {j.id: j for j in instance.judges}
    projects = {p.id: p for p in instance.projects}

    assert plan.pairs == sorted(new)
    assert max(new.values(), default=1) == 1
    assert not set(plan.pairs) & kept
    assert not set(plan.pairs) & set(instance.forbidden)
    assert all(p in projects and j in judges for p, j in plan.pairs)
    if instance.by_track:
        assert all(projects[p].track_id in judges[j].track_ids for p, j in plan.pairs)

    kept_load = Counter(j for _, j in kept)
    new_load = Counter(j for _, j in plan.pairs)
    for judge in instance.judges:
        assert plan.loads[judge.id] == kept_load[judge.id] + new_load[judge.id]
        assert new_load[judge.id] <= max(judge.capacity - kept_load[judge.id], 0)

    kept_coverage = Counter(p for p, _ in kept)
    new_coverage = Counter(p for p, _ in plan.pairs)
    for project in instance.projects:
        assert plan.coverage[project.id] == kept_coverage[project.id] + new_coverage[project.id]
        assert new_coverage[project.id] <= max(instance.per_project - kept_coverage[project.id], 0)
    assert plan.shortfall == {p: instance.per_project - c for p, c in plan.coverage.items() if c < instance.per_project}


@PROPERTY
@given(instances())
def test_hard_rules_hold_and_the_plan_is_a_maximum_flow(instance: Instance) -> None:
    plan = instance.plan()

    assert_hard_rules(instance, plan)
    assert len(plan.pairs) == instance.max_new()


@PROPERTY
@given(instances(), ample_instances())
def test_pruned_candidate_lists_keep_the_rules_and_still_fill_ample_rounds(instance: Instance, ample: Instance) -> None:
    # The instances above are smaller than the real candidate limit; shrink it so pruning and widening run.
    with patch.object(solver, "MIN_CANDIDATES", 1), patch.object(solver, "CANDIDATES_PER_SLOT", 1):
        plan = instance.plan()
        ample_plan = ample.plan()

    assert_hard_rules(instance, plan)
    assert len(plan.pairs) <= instance.max_new()
    assert ample_plan.shortfall == {}


@PROPERTY
@given(ample_instances())
def test_every_project_gets_k_judges_when_capacity_is_ample(instance: Instance) -> None:
    plan = instance.plan()

    assert plan.shortfall == {}
    assert set(plan.coverage.values()) <= {instance.per_project}


@PROPERTY
@given(instances())
def test_a_rerun_with_the_plan_kept_adds_nothing(instance: Instance) -> None:
    first = instance.plan()
    instance.existing = instance.existing + first.pairs

    again = instance.plan()

    assert again.pairs == []
    assert again.shortfall == first.shortfall
    assert again.loads == first.loads


@PROPERTY
@given(instances(), st.data())
def test_a_late_project_or_a_new_judge_only_fills_gaps(instance: Instance, data: st.DataObject) -> None:
    first = instance.plan()
    instance.existing = instance.existing + first.pairs
    late = ProjectSlot(id=50, track_id=data.draw(st.integers(1, 3)), tags=frozenset({"ai"}))
    newcomer = JudgeSlot(id=500, capacity=data.draw(st.integers(0, 8)), track_ids=frozenset({1, 2}))

    with_late = Instance(**{**instance.__dict__, "projects": [*instance.projects, late]}).plan()
    with_newcomer = Instance(**{**instance.__dict__, "judges": [*instance.judges, newcomer]}).plan()

    assert {p for p, _ in with_late.pairs} <= {late.id}
    assert {j for _, j in with_newcomer.pairs} <= {newcomer.id}
    assert sum(with_newcomer.shortfall.values()) == sum(first.shortfall.values()) - len(with_newcomer.pairs)


@PROPERTY
@given(instances())
def test_the_same_input_gives_the_same_plan(instance: Instance) -> None:
    assert instance.plan() == instance.plan()


@PROPERTY
@given(
    st.builds(
        ProjectSlot,
        id=st.integers(1, 5),
        track_id=st.none() | st.integers(1, 3),
        tags=st.frozensets(st.sampled_from(TAGS)),
        languages=st.frozensets(st.sampled_from(LANGUAGES)),
    ),
    st.lists(
        st.builds(
            JudgeSlot,
            id=st.integers(100, 10**6),
            capacity=st.just(1),
            track_ids=st.frozensets(st.integers(1, 3)),
            tags=st.frozensets(st.sampled_from(TAGS)),
            languages=st.frozensets(st.sampled_from(LANGUAGES)),
        ),
        max_size=8,
        unique_by=lambda j: j.id,
    ),
    st.booleans(),
)
def test_the_vectorised_costs_agree_with_pair_cost(
    project: ProjectSlot, judges: list[JudgeSlot], by_track: bool
) -> None:
    pool = solver._JudgePool(judges, by_track=by_track, seed=0)
    everyone = np.arange(len(judges), dtype=np.int64)
    allowed = pool.allowed(project, np.ones(len(judges), dtype=np.bool_), ())

    assert [judges[i] for i in allowed] == [j for j in judges if pair_cost(project, j, by_track=by_track) is not None]
    assert pool.costs(project, everyone).tolist() == [pair_cost(project, j, by_track=False) for j in judges]


# ---- the cost model and preferences --------------------------------------------------------------


def test_pair_cost_numbers() -> None:
    project = ProjectSlot(
        id=1, track_id=1, tags=frozenset({"ai", "bio", "chips", "energy"}), languages=frozenset({"zh"})
    )

    assert (
        pair_cost(project, JudgeSlot(id=1, capacity=1, track_ids=frozenset({1}), tags=project.tags), by_track=True) == 0
    )
    assert pair_cost(project, JudgeSlot(id=1, capacity=1, track_ids=frozenset({1})), by_track=True) == 30
    assert pair_cost(project, JudgeSlot(id=1, capacity=1, track_ids=frozenset({2})), by_track=True) is None
    assert pair_cost(project, JudgeSlot(id=1, capacity=1, track_ids=frozenset({2})), by_track=False) == 130
    judge = JudgeSlot(id=1, capacity=1, track_ids=frozenset({1}), tags=frozenset({"ai"}), languages=frozenset({"en"}))
    assert pair_cost(project, judge, by_track=False) == 20 + 30
    assert pair_cost(ProjectSlot(id=2, track_id=None), JudgeSlot(id=1, capacity=1), by_track=True) is None


def test_overall_mode_prefers_judges_of_the_projects_track() -> None:
    projects = [ProjectSlot(id=i, track_id=1 + i % 2) for i in range(6)]
    judges = [JudgeSlot(id=100 + i, capacity=6, track_ids=frozenset({1 + i % 2})) for i in range(6)]

    plan = plan_assignments(projects, judges, per_project=2)

    assert len(plan.pairs) == 12
    assert all(p % 2 == j % 2 for p, j in plan.pairs)


def test_overall_mode_crosses_tracks_when_a_track_has_no_room_but_track_mode_does_not() -> None:
    projects = [ProjectSlot(id=i, track_id=1) for i in range(4)]
    judges = [
        JudgeSlot(id=100, capacity=2, track_ids=frozenset({1})),
        JudgeSlot(id=101, capacity=4, track_ids=frozenset({2})),
    ]

    overall = plan_assignments(projects, judges, per_project=1)
    by_track = plan_assignments(projects, judges, per_project=1, by_track=True)

    assert overall.shortfall == {}
    assert overall.loads == {100: 2, 101: 2}
    assert by_track.loads == {100: 2, 101: 0}
    assert sum(by_track.shortfall.values()) == 2


def test_identical_judges_end_within_one_project_of_each_other() -> None:
    projects = [ProjectSlot(id=i, track_id=1) for i in range(23)]
    judges = [JudgeSlot(id=100 + i, capacity=50, track_ids=frozenset({1})) for i in range(10)]

    plan = plan_assignments(projects, judges, per_project=3, seed=3)

    assert plan.shortfall == {}
    assert sorted(plan.loads.values()) == [6] + [7] * 9


def test_kept_work_counts_towards_balance() -> None:
    projects = [ProjectSlot(id=i, track_id=1) for i in range(15)]
    judges = [JudgeSlot(id=100 + i, capacity=20, track_ids=frozenset({1})) for i in range(3)]
    existing = [(i, 100) for i in range(6)]

    plan = plan_assignments(projects, judges, per_project=1, existing=existing)

    assert plan.loads[100] == 6
    assert sorted(plan.loads.values()) == [4, 5, 6]
    assert {p for p, _ in plan.pairs} == set(range(6, 15))


def test_shared_tags_and_language_win_between_equally_loaded_judges() -> None:
    project = ProjectSlot(id=1, track_id=1, tags=frozenset({"bio"}), languages=frozenset({"zh"}))
    judges = [
        JudgeSlot(id=100, capacity=1, track_ids=frozenset({1}), languages=frozenset({"en"})),
        JudgeSlot(id=101, capacity=1, track_ids=frozenset({1}), tags=frozenset({"bio"}), languages=frozenset({"en"})),
        JudgeSlot(id=102, capacity=1, track_ids=frozenset({1}), languages=frozenset({"zh"})),
        JudgeSlot(id=103, capacity=1, track_ids=frozenset({1})),
    ]

    plan = plan_assignments([project], judges, per_project=2)

    assert plan.pairs == [(1, 102), (1, 103)]


def test_judges_over_their_cap_take_nothing_new_and_keep_their_load() -> None:
    projects = [ProjectSlot(id=i, track_id=1) for i in range(4)]
    judges = [
        JudgeSlot(id=100, capacity=2, track_ids=frozenset({1})),
        JudgeSlot(id=101, capacity=1, track_ids=frozenset({1})),
    ]
    existing = [(0, 100), (1, 100), (2, 100)]

    plan = plan_assignments(projects, judges, per_project=1, existing=existing)

    assert plan.pairs == [(3, 101)]
    assert plan.loads == {100: 3, 101: 1}
    assert plan.coverage == {0: 1, 1: 1, 2: 1, 3: 1}


def test_projects_with_k_kept_judges_need_nothing() -> None:
    projects = [ProjectSlot(id=1, track_id=1)]
    judges = [JudgeSlot(id=100 + i, capacity=5, track_ids=frozenset({1})) for i in range(4)]

    plan = plan_assignments(projects, judges, per_project=2, existing=[(1, 100), (1, 101), (1, 102)])

    assert plan.pairs == []
    assert plan.coverage == {1: 3}
    assert plan.shortfall == {}


def test_short_projects_get_a_wider_list_when_pruning_left_them_short(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(solver, "MIN_CANDIDATES", 1)
    monkeypatch.setattr(solver, "CANDIDATES_PER_SLOT", 1)
    projects = [ProjectSlot(id=i, track_id=1) for i in range(4)]
    judges = [JudgeSlot(id=100, capacity=1, track_ids=frozenset({1}))] + [
        JudgeSlot(id=101 + i, capacity=1, track_ids=frozenset({2})) for i in range(3)
    ]

    plan = plan_assignments(projects, judges, per_project=1)

    assert plan.shortfall == {}
    assert sorted(plan.loads.values()) == [1, 1, 1, 1]


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="per_project"):
        plan_assignments([], [], per_project=-1)
    with pytest.raises(ValueError, match="project ids"):
        plan_assignments([ProjectSlot(id=1, track_id=1)] * 2, [], per_project=1)
    with pytest.raises(ValueError, match="judge ids"):
        plan_assignments([], [JudgeSlot(id=1, capacity=1)] * 2, per_project=1)


def test_a_competition_sized_round_is_fully_planned() -> None:
    rng = np.random.default_rng(5)
    projects = [
        ProjectSlot(id=i, track_id=int(rng.integers(1, 8)), tags=frozenset(rng.choice(TAGS, 2).tolist()))
        for i in range(2_000)
    ]
    judges = [
        JudgeSlot(
            id=10_000 + i, capacity=65, track_ids=frozenset({1 + i % 7}), tags=frozenset(rng.choice(TAGS, 2).tolist())
        )
        for i in range(200)
    ]

    plan = plan_assignments(projects, judges, per_project=5, seed=1)  # overall mode: 200 judges, lists of 30

    assert plan.shortfall == {}
    assert len(plan.pairs) == 10_000
    assert max(plan.loads.values()) <= 65
    assert all(projects[p].track_id in judges[j - 10_000].track_ids for p, j in plan.pairs)
