"""Judge assignment for one round as a min-cost max-flow: a pure function, no database.

The network, solved with OR-Tools' ``SimpleMinCostFlow.solve_max_flow_with_min_cost``::

    source --need--> project --1, pair cost--> judge ==unit arcs, rising cost==> sink

* ``source -> project`` carries the project's need: ``per_project`` minus its kept judges (never below 0).
* ``project -> judge`` exists only for a *candidate* pair (see below), capacity 1, cost :func:`pair_cost`.
* ``judge -> sink`` is split into one arc per unit of remaining capacity. The arc for the judge's n-th
  project in the round (kept ones included) costs ``LOAD_STEP * (n - 1)``, so the total load cost is convex
  (quadratic) and the solver spreads work instead of filling the cheapest judge up to the cap.

Max flow comes first, so when capacity cannot cover every need as many slots as possible are still filled,
and ``Plan.shortfall`` says what is missing.

Cost model (integers; lower is better). A pair costs the sum of:

* ``TRACK_MISMATCH`` = 100 when the project's track is not among the judge's tracks (overall mode only;
  in track mode such a judge is not a candidate at all). A project without a track matches nobody.
* ``TAG_STEP`` = 10 for each of the ``MAX_TAG_BONUS_TAGS`` = 3 tags the pair does *not* share: a pair
  sharing three or more free tags pays 0, one sharing none pays 30 (that is "minus 10 per shared tag",
  floored at three tags, shifted so costs are never negative).
* ``LANGUAGE_MISMATCH`` = 30 when both sides list languages and have none in common.

``LOAD_STEP`` = 5 weighs balance against these. Moving a project from a judge with load ``a`` to one with
load ``b`` saves ``5 * (a - b - 1)``, so the solver gives up a preference once the load gap ``a - b``
exceeds ``preference / 5 + 1``: one shared tag (10) holds up to a gap of 3, a shared language or the full
tag preference (30) up to 7, a track match (100) up to 21. Balance beats tag preferences quickly, but
takes a project away from its own track only when the track's judges are far busier than the others.
With identical judges and room to spare, loads differ by at most 1.

Candidate pruning. At 10,000 projects x 800 judges the full bipartite graph has 8 million arcs. Each
project keeps only its best ``candidate_limit(per_project)`` = max(4k, 30) allowed judges, ordered by
pair cost and then by a hash of (seed, project, judge) so that equally good judges are spread across
projects rather than every project listing the same 30. Allowed means: not forbidden, not already kept
for that project, has remaining capacity, and (in track mode) shares the track. With 4k candidates per
need of k the pruned graph is feasible whenever the full one is, in practice. When it is not (typically in
overall mode when one track has far more projects than its judges can hold, so its projects listed only
its own, full, judges), the projects left short on a pruned list get more judges and the round is solved
again: first their best ``candidate_limit`` judges among those with capacity still spare, then, if some
are still short, every allowed judge with spare capacity. Max flow is exact on the graph finally solved;
it can fall below the full graph's only when some list stayed pruned and the missing slots would need a
chain of swaps through judges outside those lists. No instance in the tests or benchmarks does that.

Kept pairs (``existing``) are taken as given: they count towards coverage and load even if they break a
rule (a conflict found later, a cap lowered); removing such pairs is the caller's decision.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.graph.python.min_cost_flow import SimpleMinCostFlow  # type: ignore[import-untyped]

TRACK_MISMATCH = 100
TAG_STEP = 10
MAX_TAG_BONUS_TAGS = 3
LANGUAGE_MISMATCH = 30
LOAD_STEP = 5

MIN_CANDIDATES = 30
CANDIDATES_PER_SLOT = 4

_MASK64 = (1 << 64) - 1

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
_Attribute = Callable[["JudgeSlot"], Iterable[object]]


@dataclass(frozen=True)
class ProjectSlot:
    """A project to be judged in the round; ``tags`` are lower-case words, ``languages`` codes like "en"."""

    id: int
    track_id: int | None
    tags: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()


@dataclass(frozen=True)
class JudgeSlot:
    """``capacity`` is the most projects the judge may hold in the round in total, kept ones included."""

    id: int
    capacity: int
    track_ids: frozenset[int] = frozenset()
    tags: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Plan:
    pairs: list[tuple[int, int]]  # new (project_id, judge_id) pairs only, sorted
    shortfall: dict[int, int]  # project_id -> judges still missing, only projects missing some
    loads: dict[int, int]  # judge_id -> load after the plan (kept + new), every judge
    coverage: dict[int, int]  # project_id -> judges after the plan (kept + new), every project


def candidate_limit(per_project: int) -> int:
    return max(CANDIDATES_PER_SLOT * per_project, MIN_CANDIDATES)


def pair_cost(project: ProjectSlot, judge: JudgeSlot, *, by_track: bool) -> int | None:
    """The cost of giving ``project`` to ``judge`` (see the module docstring); None if the judge is never a
    candidate for it on expertise grounds. Conflicts and capacity are checked by the solver, not here."""
    track_match = project.track_id is not None and project.track_id in judge.track_ids
    if by_track and not track_match:
        return None
    cost = 0 if track_match else TRACK_MISMATCH
    cost += TAG_STEP * (MAX_TAG_BONUS_TAGS - min(len(project.tags & judge.tags), MAX_TAG_BONUS_TAGS))
    if project.languages and judge.languages and not project.languages & judge.languages:
        cost += LANGUAGE_MISMATCH
    return cost


def plan_assignments(
    projects: Sequence[ProjectSlot],
    judges: Sequence[JudgeSlot],
    *,
    per_project: int,
    existing: Iterable[tuple[int, int]] = (),
    forbidden: Iterable[tuple[int, int]] = (),
    by_track: bool = False,
    seed: int = 0,
) -> Plan:
    """Fill every project up to ``per_project`` judges with new pairs, keeping ``existing`` ones.

    Pairs naming unknown projects or judges are ignored. Raises ValueError for a negative
    ``per_project`` or duplicate project or judge ids. Deterministic for equal inputs and ``seed``."""
    if per_project < 0:
        raise ValueError("per_project must not be negative")
    project_at = _index(p.id for p in projects)
    judge_at = _index(j.id for j in judges)
    if len(project_at) != len(projects):
        raise ValueError("duplicate project ids")
    if len(judge_at) != len(judges):
        raise ValueError("duplicate judge ids")

    kept = {(project_at[p], judge_at[j]) for p, j in existing if p in project_at and j in judge_at}
    excluded: dict[int, list[int]] = {}
    for pi, ji in kept:
        excluded.setdefault(pi, []).append(ji)
    for p, j in forbidden:
        if p in project_at and j in judge_at:
            excluded.setdefault(project_at[p], []).append(judge_at[j])

    kept_coverage = np.zeros(len(projects), dtype=np.int64)
    kept_load = np.zeros(len(judges), dtype=np.int64)
    for pi, ji in kept:
        kept_coverage[pi] += 1
        kept_load[ji] += 1
    need = np.maximum(per_project - kept_coverage, 0)
    capacity = np.array([j.capacity for j in judges], dtype=np.int64)
    remaining = np.maximum(capacity - kept_load, 0)

    pool = _JudgePool(judges, by_track=by_track, seed=seed)
    limit = candidate_limit(per_project)
    available = remaining > 0
    lists: dict[int, IntArray] = {}
    pruned: set[int] = set()
    for pi in np.flatnonzero(need > 0).tolist():
        allowed = pool.allowed(projects[pi], available, excluded.get(pi, ()))
        if len(allowed) > limit:
            pruned.add(pi)
        lists[pi] = pool.best(projects[pi], allowed, limit)

    new = _solve(projects, pool, lists, need, remaining, kept_load)
    for widen_to in (limit, None):
        filled = np.bincount(np.array([pi for pi, _ in new], dtype=np.int64), minlength=len(projects))
        short = sorted(pi for pi in pruned if filled[pi] < need[pi])
        if not short:
            break
        taken = np.bincount(np.array([ji for _, ji in new], dtype=np.int64), minlength=len(judges))
        spare = available & (remaining > taken)
        for pi in short:
            wider = pool.allowed(projects[pi], spare, excluded.get(pi, ()))
            if widen_to is not None:
                wider = pool.best(projects[pi], wider, widen_to)
            lists[pi] = np.union1d(lists[pi], wider)
        new = _solve(projects, pool, lists, need, remaining, kept_load)

    coverage = kept_coverage.copy()
    load = kept_load.copy()
    for pi, ji in new:
        coverage[pi] += 1
        load[ji] += 1
    return Plan(
        pairs=sorted((projects[pi].id, judges[ji].id) for pi, ji in new),
        shortfall={
            projects[pi].id: per_project - int(coverage[pi])
            for pi in range(len(projects))
            if coverage[pi] < per_project
        },
        loads={judge.id: int(load[ji]) for ji, judge in enumerate(judges)},
        coverage={project.id: int(coverage[pi]) for pi, project in enumerate(projects)},
    )


def _index(ids: Iterable[int]) -> dict[int, int]:
    return {id_: at for at, id_ in enumerate(ids)}


class _JudgePool:
    """The judges as arrays, so one project is costed against all of them in a few numpy operations.

    ``costs`` agrees with :func:`pair_cost` pair by pair (a test holds it to that)."""

    def __init__(self, judges: Sequence[JudgeSlot], *, by_track: bool, seed: int) -> None:
        self.size = len(judges)
        self.by_track = by_track
        self.seed = seed
        self.track_members = _members(judges, lambda j: j.track_ids)
        self.tag_members = _members(judges, lambda j: j.tags)
        self.language_members = _members(judges, lambda j: j.languages)
        self.has_languages = np.array([bool(j.languages) for j in judges], dtype=np.bool_)
        self.judge_hash = _splitmix(np.array([j.id for j in judges], dtype=np.int64).view(np.uint64))
        self.nowhere = np.zeros(self.size, dtype=np.bool_)

    def track_match(self, project: ProjectSlot) -> BoolArray:
        if project.track_id is None:
            return self.nowhere
        return self.track_members.get(project.track_id, self.nowhere)

    def allowed(self, project: ProjectSlot, available: BoolArray, excluded: Iterable[int]) -> IntArray:
        mask = available & self.track_match(project) if self.by_track else available.copy()
        mask[list(excluded)] = False
        return np.flatnonzero(mask).astype(np.int64)

    def costs(self, project: ProjectSlot, judges: IntArray) -> IntArray:
        cost = np.where(self.track_match(project)[judges], 0, TRACK_MISMATCH).astype(np.int64)
        shared_tags = np.zeros(len(judges), dtype=np.int64)
        for tag in project.tags:
            members = self.tag_members.get(tag)
            if members is not None:
                shared_tags += members[judges]
        cost += TAG_STEP * (MAX_TAG_BONUS_TAGS - np.minimum(shared_tags, MAX_TAG_BONUS_TAGS))
        if project.languages:
            shared = np.zeros(len(judges), dtype=np.bool_)
            for language in project.languages:
                members = self.language_members.get(language)
                if members is not None:
                    shared |= members[judges]
            cost += np.where(self.has_languages[judges] & ~shared, LANGUAGE_MISMATCH, 0)
        return cost

    def best(self, project: ProjectSlot, judges: IntArray, limit: int) -> IntArray:
        """The ``limit`` cheapest of ``judges``, ties broken by a seeded hash of (project, judge)."""
        if len(judges) <= limit:
            return judges
        salt = np.uint64(_splitmix_int(((self.seed & _MASK64) * 0x9E3779B97F4A7C15 ^ project.id) & _MASK64))
        tiebreak = _splitmix(self.judge_hash[judges] ^ salt) >> np.uint64(24)
        key = (self.costs(project, judges).astype(np.uint64) << np.uint64(40)) | tiebreak
        return np.sort(judges[np.argpartition(key, limit - 1)[:limit]])


def _members(judges: Sequence[JudgeSlot], attribute: _Attribute) -> dict[object, BoolArray]:
    members: dict[object, BoolArray] = {}
    for at, judge in enumerate(judges):
        for value in attribute(judge):
            if value not in members:
                members[value] = np.zeros(len(judges), dtype=np.bool_)
            members[value][at] = True
    return members


def _splitmix(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    z = x + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _splitmix_int(x: int) -> int:
    z = (x + 0x9E3779B97F4A7C15) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


def _solve(
    projects: Sequence[ProjectSlot],
    pool: _JudgePool,
    lists: dict[int, IntArray],
    need: IntArray,
    remaining: IntArray,
    kept_load: IntArray,
) -> list[tuple[int, int]]:
    """One min-cost max-flow over the candidate lists; returns new (project index, judge index) pairs."""
    if not lists:
        return []
    order = sorted(lists)
    edge_project = np.concatenate([np.full(len(lists[pi]), pi, dtype=np.int64) for pi in order])
    edge_judge = np.concatenate([lists[pi] for pi in order])
    edge_cost = np.concatenate([pool.costs(projects[pi], lists[pi]) for pi in order])

    # A judge can never take more new projects than it has candidate arcs, nor more than the total need.
    units = np.minimum(remaining, np.bincount(edge_judge, minlength=pool.size))
    units = np.minimum(units, int(need[order].sum()))
    unit_judge = np.repeat(np.arange(pool.size, dtype=np.int64), units)
    first_unit = np.cumsum(units) - units
    unit_rank = np.arange(len(unit_judge), dtype=np.int64) - np.repeat(first_unit, units)
    unit_cost = LOAD_STEP * (kept_load[unit_judge] + unit_rank)

    source, sink, project_base = 0, 1, 2
    judge_base = project_base + len(projects)
    supply_projects = np.array(order, dtype=np.int64)
    tails = np.concatenate([np.zeros(len(order), dtype=np.int64), project_base + edge_project, judge_base + unit_judge])
    heads = np.concatenate(
        [project_base + supply_projects, judge_base + edge_judge, np.full(len(unit_judge), sink, dtype=np.int64)]
    )
    capacities = np.concatenate(
        [need[supply_projects], np.ones(len(edge_judge), dtype=np.int64), np.ones(len(unit_judge), dtype=np.int64)]
    )
    costs = np.concatenate([np.zeros(len(order), dtype=np.int64), edge_cost, unit_cost])

    flow = SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), capacities.astype(np.int64), costs.astype(np.int64)
    )
    total = int(need[supply_projects].sum())
    flow.set_node_supply(source, total)
    flow.set_node_supply(sink, -total)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    first_edge = len(order)
    used = np.asarray(flow.flows(np.arange(first_edge, first_edge + len(edge_judge), dtype=np.int32))) > 0
    return list(zip(edge_project[used].tolist(), edge_judge[used].tolist(), strict=True))
