"""`podium rank`: the ranking engine on CSV files. Needs no database and no settings.

    podium rank SCORES.csv [--method auto|mean|median|trimmed|clip|zscore] [--clip T | --clip ROUND=T,...]
                [--weights CRITERION=W,...] [--decimals N] [--round-weights ROUND=W,...]
                [--advance K] [--bootstrap N] [--seed S] [--out FILE]
    podium rank --pairwise COMPARISONS.csv [--out FILE] [--judges-out FILE]

SCORES.csv: ``project_id,judge_id,score`` and optionally ``criterion`` and ``round`` (other columns are
ignored). With ``criterion`` each scorecard's total is ``sum(weight x score)``; a criterion missing from
``--weights`` weighs 1, a weight of 0 means "not counted", and every counted criterion must be scored. With
``round`` the rounds are taken in the order of ``--round-weights`` (else in order of first appearance, with
equal weights), each round is aggregated alone, and the projects of the last round are ranked on their
cumulative score. Output: ``rank,project_id,score,ci_low,ci_high,n_judges,advances``; ``ci_low``/``ci_high``
are empty without ``--bootstrap`` (no interval was computed) and ``advances`` is empty without ``--advance``.

Bad input exits with status 2 and one line on stderr naming the file, row (as in the file, the header being
row 1) and column.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, NoReturn

import numpy as np

from podium.judging import pairwise, ranking

SCORE_COLUMNS = ("project_id", "judge_id", "score")
PAIRWISE_COLUMNS = ("judge_id", "winner_id", "loser_id")
MAX_DECIMALS = 10


class Refusal(Exception):
    """Input the command cannot use; the message is one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise Refusal(message)


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="podium rank", description="Rank a round from a CSV file (no database).", allow_abbrev=False)
    p.add_argument("scores", nargs="?", metavar="SCORES.csv", help="project_id,judge_id,score[,criterion][,round]")
    p.add_argument("--pairwise", metavar="COMPARISONS.csv", help="judge_id,winner_id,loser_id, applied in order")
    p.add_argument("--method", choices=ranking.METHODS, help="aggregation (default auto)")
    p.add_argument("--clip", metavar="T | ROUND=T,...", help="clip distance for --method clip")
    p.add_argument("--weights", metavar="CRITERION=W,...", help="criterion weights (default 1; 0 = not counted)")
    p.add_argument("--decimals", type=int, metavar="N", help="published precision (default 2)")
    p.add_argument("--round-weights", metavar="ROUND=W,...", help="weights of the rounds in the cumulative score")
    p.add_argument("--advance", type=int, metavar="K", help="mark the top K as advancing (ties at the cut too)")
    p.add_argument("--bootstrap", type=int, metavar="N", help="bootstrap replicates for intervals (default 0)")
    p.add_argument("--seed", type=int, metavar="S", help="random seed of the bootstrap (default 0)")
    p.add_argument("--out", metavar="FILE", help="write the ranking here instead of stdout")
    p.add_argument("--judges-out", metavar="FILE", help="with --pairwise: write judge_id,alpha,beta here")
    return p


def main(argv: Sequence[str]) -> int:
    try:
        args = parser().parse_args(argv)
        if (args.scores is None) == (args.pairwise is None):
            raise Refusal("give either SCORES.csv or --pairwise COMPARISONS.csv")
        if args.pairwise is not None:
            _run_pairwise(args)
        else:
            _run_scores(args)
    except Refusal as exc:
        print(f"podium rank: {exc}", file=sys.stderr)
        return 2
    return 0


# ---- reading ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    line: int
    values: dict[str, str]


def _read(path: str, required: Sequence[str], optional: Sequence[str] = ()) -> tuple[list[str], list[_Row]]:
    """The columns present among ``required`` + ``optional``, and each non-blank row's stripped values."""
    try:
        handle = open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115 (closed below; errors are refusals)
    except OSError as exc:
        raise Refusal(f"{path}: cannot read ({exc.strerror})") from None
    with handle:
        reader = csv.reader(handle)
        try:
            return _rows(path, reader, required, optional)
        except UnicodeDecodeError:
            raise Refusal(f"{path}: not UTF-8 text") from None
        except csv.Error as exc:
            raise Refusal(f"{path} row {reader.line_num}: {exc}") from None


def _rows(
    path: str, reader: Iterator[list[str]], required: Sequence[str], optional: Sequence[str]
) -> tuple[list[str], list[_Row]]:
    header = next(reader, None)
    if header is None:
        raise Refusal(f"{path}: empty file, expected a header row")
    names = [h.strip() for h in header]
    for name in required:
        if name not in names:
            raise Refusal(f"{path}: missing column '{name}'")
    wanted = [c for c in (*required, *optional) if c in names]
    for name in wanted:
        if names.count(name) > 1:
            raise Refusal(f"{path}: column '{name}' appears twice")
    where = {c: names.index(c) for c in wanted}
    rows = []
    for fields in reader:
        line = reader.line_num  # type: ignore[attr-defined]
        if not any(f.strip() for f in fields):
            continue
        if len(fields) > len(names):
            raise Refusal(f"{path} row {line}, column {len(names) + 1}: a value beyond the {len(names)} columns")
        values = {}
        for column, i in where.items():
            if i >= len(fields):
                raise Refusal(f"{path} row {line}, column '{column}': missing")
            value = fields[i].strip()
            if not value:
                raise Refusal(f"{path} row {line}, column '{column}': empty")
            values[column] = value
        rows.append(_Row(line, values))
    if not rows:
        raise Refusal(f"{path}: no data rows")
    return wanted, rows


def _number(path: str, row: _Row, column: str) -> float:
    text = row.values[column]
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise Refusal(f"{path} row {row.line}, column '{column}': '{text}' is not a number")
    return value


def _pairs(option: str, text: str) -> dict[str, float]:
    """``NAME=NUMBER,...`` into a dict; numbers finite and not negative."""
    out: dict[str, float] = {}
    for item in text.split(","):
        name, sep, raw = item.partition("=")
        name, raw = name.strip(), raw.strip()
        if not sep or not name:
            raise Refusal(f"{option}: expected NAME=NUMBER, got '{item.strip()}'")
        if name in out:
            raise Refusal(f"{option}: '{name}' is given twice")
        out[name] = _option_number(option, raw)
    return out


def _option_number(option: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 0):
        raise Refusal(f"{option}: '{raw}' is not a number of 0 or more")
    return value


# ---- scores -------------------------------------------------------------------------------------------


def _run_scores(args: argparse.Namespace) -> None:
    if args.judges_out is not None:
        raise Refusal("--judges-out applies only with --pairwise")
    path: str = args.scores
    method: ranking.Method = args.method or "auto"
    decimals = 2 if args.decimals is None else args.decimals
    if not 0 <= decimals <= MAX_DECIMALS:
        raise Refusal(f"--decimals: {decimals} is not between 0 and {MAX_DECIMALS}")
    if args.advance is not None and args.advance < 1:
        raise Refusal(f"--advance: {args.advance} is not 1 or more")
    if args.bootstrap is not None and args.bootstrap < 0:
        raise Refusal(f"--bootstrap: {args.bootstrap} is negative")
    if args.seed is not None and args.seed < 0:
        raise Refusal(f"--seed: {args.seed} is negative")
    if args.clip is not None and method != "clip":
        raise Refusal("--clip applies only with --method clip")
    if method == "clip" and args.clip is None:
        raise Refusal("--method clip needs --clip T or --clip ROUND=T,...")
    columns, rows = _read(path, SCORE_COLUMNS, ("criterion", "round"))
    has_criterion, has_round = "criterion" in columns, "round" in columns
    if args.weights is not None and not has_criterion:
        raise Refusal(f"--weights needs a 'criterion' column in {path}")
    if args.round_weights is not None and not has_round:
        raise Refusal(f"--round-weights needs a 'round' column in {path}")

    cards = _scorecards(path, rows, has_criterion)
    criteria = list(dict.fromkeys(c for key in cards for c in cards[key].scores))
    weights = _pairs("--weights", args.weights) if args.weights is not None else {}
    for name in weights:
        if name not in criteria:
            raise Refusal(f"--weights: {path} has no criterion '{name}'")
    if has_criterion and not any(weights.get(c, 1.0) > 0 for c in criteria):
        raise Refusal("--weights: every criterion has weight 0")

    order = list(dict.fromkeys(key[0] for key in cards))
    round_weights = None
    if args.round_weights is not None:
        given = _pairs("--round-weights", args.round_weights)
        for name in given:
            if name not in order:
                raise Refusal(f"--round-weights: {path} has no round '{name}'")
        for name in order:
            if name not in given:
                raise Refusal(f"--round-weights: no weight for round '{name}'")
        if not any(given.values()):
            raise Refusal("--round-weights: every round has weight 0")
        order, round_weights = list(given), list(given.values())
    clip = _clips(args.clip, order, has_round) if method == "clip" else {}

    rounds = []
    for name in order:
        keys = [key for key in cards if key[0] == name]
        matrix = np.array([[cards[k].scores.get(c, math.nan) for c in criteria] for k in keys], dtype=np.float64)
        for k, card in zip(keys, matrix, strict=True):
            for c, value in zip(criteria, card, strict=True):
                if math.isnan(value) and weights.get(c, 1.0) > 0:
                    raise Refusal(
                        f"{path} row {cards[k].line}, column 'criterion': judge '{k[2]}' has no '{c}' score "
                        f"for project '{k[1]}'"
                    )
        total = ranking.totals(matrix, [weights.get(c, 1.0) for c in criteria])
        rounds.append(ranking.Round([k[1] for k in keys], [k[2] for k in keys], total, method, clip.get(name)))
    result = ranking.rank_rounds(
        rounds,
        weights=round_weights,
        decimals=decimals,
        rule=ranking.Rule(top=args.advance) if args.advance is not None else None,
        bootstrap=args.bootstrap or 0,
        seed=args.seed or 0,
    )
    _write(args.out, _score_lines(result, decimals))


@dataclass
class _Card:
    line: int  # first row of the scorecard
    scores: dict[str, float]


def _scorecards(path: str, rows: list[_Row], has_criterion: bool) -> dict[tuple[str, str, str], _Card]:
    """Scorecards keyed by (round, project, judge), in order of first appearance."""
    cards: dict[tuple[str, str, str], _Card] = {}
    for row in rows:
        v = row.values
        key = (v.get("round", ""), v["project_id"], v["judge_id"])
        criterion = v.get("criterion", "")
        card = cards.setdefault(key, _Card(row.line, {}))
        if criterion in card.scores:
            what = f", criterion '{criterion}'" if has_criterion else ""
            where = f" in round '{key[0]}'" if key[0] else ""
            raise Refusal(
                f"{path} row {row.line}, column 'score': a second score from judge '{key[2]}' for project "
                f"'{key[1]}'{what}{where} (first on row {card.line})"
            )
        card.scores[criterion] = _number(path, row, "score")
    return cards


def _clips(text: str, rounds: list[str], has_round: bool) -> dict[str, float]:
    if "=" not in text:
        value = _option_number("--clip", text.strip())
        return dict.fromkeys(rounds, value)
    if not has_round:
        raise Refusal("--clip ROUND=T needs a 'round' column")
    given = _pairs("--clip", text)
    for name in given:
        if name not in rounds:
            raise Refusal(f"--clip: there is no round '{name}'")
    for name in rounds:
        if name not in given:
            raise Refusal(f"--clip: no T for round '{name}'")
    return given


def _score_lines(result: ranking.Ranking, decimals: int) -> Iterator[list[str]]:
    yield ["rank", "project_id", "score", "ci_low", "ci_high", "n_judges", "advances"]

    def fixed(a: ranking.Floats | None, i: int) -> str:
        return "" if a is None else f"{a[i]:.{decimals}f}"

    for i, pid in enumerate(result.project_ids):
        advances = "" if result.advances is None else ("true" if result.advances[i] else "false")
        yield [
            str(result.rank[i]),
            str(pid),
            fixed(result.score, i),
            fixed(result.ci_low, i),
            fixed(result.ci_high, i),
            str(result.n_judges[i]),
            advances,
        ]


# ---- pairwise -----------------------------------------------------------------------------------------


def _run_pairwise(args: argparse.Namespace) -> None:
    for option in ("method", "clip", "weights", "decimals", "round_weights", "advance", "bootstrap", "seed"):
        if getattr(args, option) is not None:
            raise Refusal(f"--{option.replace('_', '-')} does not apply to --pairwise")
    path: str = args.pairwise
    _, rows = _read(path, PAIRWISE_COLUMNS)
    votes = []
    for row in rows:
        judge, winner, loser = (row.values[c] for c in PAIRWISE_COLUMNS)
        if winner == loser:
            raise Refusal(f"{path} row {row.line}, column 'loser_id': '{loser}' is also the winner")
        votes.append((judge, winner, loser))
    result = pairwise.rank_comparisons(votes)

    def lines() -> Iterator[list[str]]:
        yield ["rank", "project_id", "mu", "sigma_sq"]
        for rank, pid in zip(result.rank, result.project_ids, strict=True):
            item = result.items[pid]
            yield [str(rank), str(pid), repr(item.mu), repr(item.sigma_sq)]

    def judge_lines() -> Iterator[list[str]]:
        yield ["judge_id", "alpha", "beta"]
        for jid, judge in result.judges.items():
            yield [str(jid), repr(judge.alpha), repr(judge.beta)]

    _write(args.out, lines())
    if args.judges_out is not None:
        _write(args.judges_out, judge_lines())


def _write(path: str | None, lines: Iterator[list[str]]) -> None:
    if path is None:
        _emit(sys.stdout, lines)
        return
    try:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            _emit(handle, lines)
    except OSError as exc:
        raise Refusal(f"{path}: cannot write ({exc.strerror})") from None


def _emit(handle: IO[str], lines: Iterator[list[str]]) -> None:
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerows(lines)
