"""`podium rank` as organizers run it: a subprocess on CSV files, its output columns and its refusals."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

PODIUM = str(Path(sys.executable).parent / "podium")
COLUMNS = ["rank", "project_id", "score", "ci_low", "ci_high", "n_judges", "advances"]


def podium_rank(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PODIUM, "rank", *map(str, args)], capture_output=True, text=True, timeout=60, check=False)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(text.splitlines()))


def refused(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_mean_ranking_has_the_contract_columns_and_ties_at_the_cut_advance(tmp_path: Path) -> None:
    scores = write(
        tmp_path / "scores.csv",
        "project_id,judge_id,score\np1,j1,7\np1,j2,8\np2,j1,9\np2,j2,6\np3,j1,9\np3,j2,9\np4,j1,4\np4,j2,5\n",
    )
    result = podium_rank(scores, "--method", "mean", "--advance", "2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == ",".join(COLUMNS)
    assert rows(result.stdout) == [
        {
            "rank": "1",
            "project_id": "p3",
            "score": "9.00",
            "ci_low": "",
            "ci_high": "",
            "n_judges": "2",
            "advances": "true",
        },
        {
            "rank": "2",
            "project_id": "p1",
            "score": "7.50",
            "ci_low": "",
            "ci_high": "",
            "n_judges": "2",
            "advances": "true",
        },
        {
            "rank": "2",
            "project_id": "p2",
            "score": "7.50",
            "ci_low": "",
            "ci_high": "",
            "n_judges": "2",
            "advances": "true",
        },
        {
            "rank": "4",
            "project_id": "p4",
            "score": "4.50",
            "ci_low": "",
            "ci_high": "",
            "n_judges": "2",
            "advances": "false",
        },
    ]


def test_rounds_combine_into_a_cumulative_score_with_round_weights(tmp_path: Path) -> None:
    scores = write(
        tmp_path / "rounds.csv",
        "\ufeffround,project_id,judge_id,score\n"  # a spreadsheet's byte-order mark
        "online,a,j1,6\nonline,a,j2,7\nonline,a,j3,7\n"
        "online,b,j1,8\nonline,b,j2,8\nonline,b,j3,9\n"
        "online,c,j1,5\nonline,c,j2,5\nonline,c,j3,5\n"
        "final,a,j4,7.25\nfinal,a,j5,7\nfinal,b,j4,6.5\nfinal,b,j5,6.5\n",
    )
    out = tmp_path / "ranking.csv"
    result = podium_rank(
        scores, "--method", "mean", "--round-weights", "online=1,final=3", "--decimals", "2", "--out", out
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    # a: online 20/3 -> 6.67, final 7.125 -> 7.13; (6.67 + 3 x 7.13) / 4 = 7.015 -> 7.02.
    # b: online 25/3 -> 8.33, final 6.5; (8.33 + 19.5) / 4 = 6.9575 -> 6.96. c did not reach the final.
    assert [(r["rank"], r["project_id"], r["score"], r["n_judges"]) for r in rows(out.read_text())] == [
        ("1", "a", "7.02", "2"),
        ("2", "b", "6.96", "2"),
    ]


def test_criteria_are_weighted_and_a_zero_weight_is_not_counted(tmp_path: Path) -> None:
    scores = write(
        tmp_path / "criteria.csv",
        "project_id,judge_id,criterion,score,comment\n"
        "p1,j1,team,8,good\np1,j1,market,6,\np1,j1,style,1,\n"
        "p2,j1,team,5,\np2,j1,market,9,\n",
    )
    result = podium_rank(scores, "--method", "mean", "--weights", "team=2,style=0", "--decimals", "1")
    assert result.returncode == 0, result.stderr
    assert [(r["project_id"], r["score"]) for r in rows(result.stdout)] == [("p1", "22.0"), ("p2", "19.0")]


def test_clip_per_round_and_bootstrap_intervals(tmp_path: Path) -> None:
    lines = ["round,project_id,judge_id,score"]
    for project, base in (("a", 8), ("b", 6), ("c", 4)):
        lines += [f"r1,{project},j{k},{base + (k % 3) - 1}" for k in range(6)]
    scores = write(tmp_path / "clip.csv", "\n".join(lines) + "\n")
    args: list[str | Path] = [scores, "--method", "clip", "--clip", "r1=0.5", "--bootstrap", "50", "--seed", "3"]
    result = podium_rank(*args)
    assert result.returncode == 0, result.stderr
    table = rows(result.stdout)
    assert [r["project_id"] for r in table] == ["a", "b", "c"]
    for r in table:
        assert float(r["ci_low"]) <= float(r["score"]) <= float(r["ci_high"])
    assert podium_rank(*args).stdout == result.stdout


def test_auto_is_the_default_method(tmp_path: Path) -> None:
    scores = write(
        tmp_path / "s.csv", "project_id,judge_id,score\np1,j1,7\np1,j2,8\np2,j1,6\np2,j2,5\np3,j1,9\np3,j2,9\n"
    )
    result = podium_rank(scores)
    assert result.returncode == 0, result.stderr
    assert [r["project_id"] for r in rows(result.stdout)] == ["p3", "p1", "p2"]


def test_missing_column_is_refused(tmp_path: Path) -> None:
    scores = write(tmp_path / "s.csv", "project_id,judge_id,points\np1,j1,7\n")
    assert refused(podium_rank(scores)) == f"podium rank: {scores}: missing column 'score'"


def test_a_score_that_is_not_a_number_is_refused_with_its_row_and_column(tmp_path: Path) -> None:
    scores = write(tmp_path / "s.csv", "project_id,judge_id,score\np1,j1,7\n\np1,j2,abc\n")
    assert refused(podium_rank(scores)) == f"podium rank: {scores} row 4, column 'score': 'abc' is not a number"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bogus"], "podium rank: unrecognized arguments: --bogus"),
        (
            ["--method", "best"],
            "podium rank: argument --method: invalid choice: 'best' (choose from 'auto', "
            "'mean', 'median', 'trimmed', 'clip', 'zscore')",
        ),
        (["--decimals", "two"], "podium rank: argument --decimals: invalid int value: 'two'"),
        (["--clip", "1"], "podium rank: --clip applies only with --method clip"),
        (["--method", "clip"], "podium rank: --method clip needs --clip T or --clip ROUND=T,..."),
        (["--weights", "team=2"], "podium rank: --weights needs a 'criterion' column in {scores}"),
        (["--round-weights", "r1=1"], "podium rank: --round-weights needs a 'round' column in {scores}"),
    ],
)
def test_bad_options_are_refused_in_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    scores = write(tmp_path / "s.csv", "project_id,judge_id,score\np1,j1,7\n")
    assert refused(podium_rank(scores, *args)) == message.format(scores=scores)


def test_duplicate_and_incomplete_scorecards_are_refused(tmp_path: Path) -> None:
    twice = write(tmp_path / "twice.csv", "project_id,judge_id,score\np1,j1,7\np1,j1,8\n")
    assert refused(podium_rank(twice)) == (
        f"podium rank: {twice} row 3, column 'score': a second score from judge 'j1' for project 'p1' (first on row 2)"
    )
    partial = write(tmp_path / "partial.csv", "project_id,judge_id,criterion,score\np1,j1,team,7\np1,j2,market,8\n")
    assert refused(podium_rank(partial)) == (
        f"podium rank: {partial} row 2, column 'criterion': judge 'j1' has no 'market' score for project 'p1'"
    )


def test_pairwise_votes_rank_projects_and_write_judges(tmp_path: Path) -> None:
    votes = write(tmp_path / "votes.csv", "judge_id,winner_id,loser_id\nj1,a,b\nj2,a,c\nj1,b,c\n")
    judges = tmp_path / "judges.csv"
    result = podium_rank("--pairwise", votes, "--judges-out", judges)
    assert result.returncode == 0, result.stderr
    table = rows(result.stdout)
    assert list(table[0]) == ["rank", "project_id", "mu", "sigma_sq"]
    assert [(r["rank"], r["project_id"]) for r in table] == [("1", "a"), ("2", "b"), ("3", "c")]
    first = float(next(r for r in table if r["project_id"] == "a")["mu"])
    assert first > 0
    judge_rows = rows(judges.read_text())
    assert [r["judge_id"] for r in judge_rows] == ["j1", "j2"]
    assert list(judge_rows[0]) == ["judge_id", "alpha", "beta"]


def test_pairwise_refusals(tmp_path: Path) -> None:
    votes = write(tmp_path / "votes.csv", "judge_id,winner_id,loser_id\nj1,a,b\nj1,c,c\n")
    assert refused(podium_rank("--pairwise", votes)) == (
        f"podium rank: {votes} row 3, column 'loser_id': 'c' is also the winner"
    )
    assert refused(podium_rank("--pairwise", votes, "--method", "mean")) == (
        "podium rank: --method does not apply to --pairwise"
    )
    assert refused(podium_rank()) == "podium rank: give either SCORES.csv or --pairwise COMPARISONS.csv"
