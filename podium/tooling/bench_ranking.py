"""Timing of the ranking engine on a synthetic online round: totals, then `auto` with bootstrap intervals.

Run alone with ``python -m podium.tooling.bench_ranking``."""

from __future__ import annotations

import time

import numpy as np

from podium.judging import ranking


def synthetic_round(
    projects: int = 10_000, judges_per_project: int = 5, criteria: int = 5, judge_pool: int = 800, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scorecards (project, judge, criterion scores 1-10) from judges with their own severity and scale.

    Each project gets ``judges_per_project`` distinct judges along a random stride through the pool, so judges
    share projects and the whole round is one connected design."""
    rng = np.random.default_rng(seed)
    k = judges_per_project
    base = rng.integers(0, judge_pool, projects)
    stride = rng.integers(1, max(judge_pool // k, 2), projects)
    judge = ((base[:, None] + stride[:, None] * np.arange(k)) % judge_pool).reshape(-1)
    project = np.repeat(np.arange(projects), k)
    quality = rng.normal(0.0, 1.0, projects)
    severity = rng.normal(0.0, 0.8, judge_pool)
    scale = np.exp(rng.normal(0.0, 0.3, judge_pool))
    view = 6.0 - severity[judge] + scale[judge] * (quality[project] + rng.normal(0.0, 0.5, len(judge)))
    per_criterion = view[:, None] + rng.normal(0.0, 0.7, (len(judge), criteria))
    return project, judge, np.clip(np.rint(per_criterion), 1, 10)


def time_ranking(
    projects: int = 10_000, judges_per_project: int = 5, criteria: int = 5, bootstrap: int = 200, seed: int = 0
) -> dict[str, float]:
    """Seconds for the weighted totals and for ``rank_round(method="auto")`` with ``bootstrap`` replicates."""
    project, judge, scores = synthetic_round(projects, judges_per_project, criteria, seed=seed)
    weights = np.linspace(1.0, 2.0, criteria)
    start = time.perf_counter()
    total = ranking.totals(scores, weights)
    after_totals = time.perf_counter()
    ranked = ranking.rank_round(
        project.tolist(),
        judge.tolist(),
        total,
        method="auto",
        bootstrap=bootstrap,
        seed=seed,
        rule=ranking.Rule(top=100),
    )
    end = time.perf_counter()
    assert len(ranked.project_ids) == projects
    return {
        "projects": float(projects),
        "scorecards": float(len(total)),
        "bootstrap": float(bootstrap),
        "totals_s": after_totals - start,
        "rank_s": end - after_totals,
        "total_s": end - start,
    }


def main() -> None:
    result = time_ranking()
    print(
        f"ranking {int(result['projects'])} projects, {int(result['scorecards'])} scorecards, auto with "
        f"{int(result['bootstrap'])} bootstrap replicates: totals {result['totals_s']:.3f} s, "
        f"rank {result['rank_s']:.3f} s, total {result['total_s']:.3f} s"
    )


if __name__ == "__main__":
    main()
