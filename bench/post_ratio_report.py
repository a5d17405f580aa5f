"""The figures and verdicts bench_post_ratio.py prints once its rounds are run."""

from __future__ import annotations

import argparse
import os
import statistics
from itertools import pairwise

from http_load import Batches, WrkResult

GOALS = {"sqlite": 0.55, "postgres": 0.45}
P99_GOAL_MS = 30.0  # at 32 connections
MINIMAL_GOAL = 1.2  # consent/minimal, SQLite with synchronous=full
NORMAL_GOAL = 0.9  # consent (full) / consent (normal)
UNSTEADY = 0.15  # rounds further apart than this were disturbed by other work


def report(
    arguments: argparse.Namespace,
    runs: dict[str, list[WrkResult]],
    batches: dict[str, list[Batches]],
    answered: dict[str, int],
    records: dict[str, int],
) -> None:
    print(f"load average after: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    for name in records:
        print(
            f"{name} log: {records[name]:,} records written; wrk counted {answered[name]:,} "
            "answers (warm-up and pre-check included)"
        )
        failures = sum(run.errors for run in runs[name])
        if failures or records[name] < answered[name]:
            raise SystemExit(
                f"INVALID: {failures} {name} answers were not 2xx, or the log holds fewer records "
                f"({records[name]:,}) than answers ({answered[name]:,}); the figures above do "
                "not measure 201s"
            )
    median = {
        name: statistics.median(r.per_second for r in results) for name, results in runs.items()
    }
    p99 = {name: statistics.median(r.p99_ms for r in results) for name, results in runs.items()}
    best = {name: max(r.per_second for r in results) for name, results in runs.items()}
    spread = {
        name: 1 - min(r.per_second for r in results) / best[name] for name, results in runs.items()
    }
    print(
        f"backend {arguments.backend}, gunicorn {arguments.workers} {arguments.worker_class} "
        f"workers ({arguments.threads_per_worker} thread(s) each"
        + (", consent-server serve's defaults)" if arguments.serve_defaults else ")")
        + (", a listening socket per worker" if arguments.reuse_port else ", one shared socket")
        + f", wrk {arguments.threads} threads / {arguments.connections} connections / "
        f"{arguments.duration:g} s, {arguments.rounds} rounds alternating"
        + (", a fresh Idempotency-Key per request" if arguments.idempotency_key else "")
        + (f", synchronous={arguments.sqlite_synchronous}" if arguments.backend == "sqlite" else "")
    )
    for name in runs:
        line = (
            f"{name:8} median {median[name]:8.0f} req/s (best {best[name]:.0f}, rounds "
            f"{spread[name]:.0%} apart), median p99 {p99[name]:6.1f} ms"
        )
        if name in batches:
            made = batches[name]
            line += (
                f", records/transaction median {statistics.median(b.mean for b in made):.2f} "
                f"(largest {max(b.largest for b in made)})"
            )
        print(line)
    judge(arguments, runs, median, p99, spread)


def verdict(value: float, goal: float, higher: bool = True) -> str:
    met = value >= goal if higher else value <= goal
    return f"goal {'>=' if higher else '<='} {goal:g}: {'met' if met else 'MISSED'}"


def judge(
    arguments: argparse.Namespace,
    runs: dict[str, list[WrkResult]],
    median: dict[str, float],
    p99: dict[str, float],
    spread: dict[str, float],
) -> None:
    unsteady = [name for name, value in spread.items() if value > UNSTEADY]
    rates = [run.per_second for run in runs["consent"]]
    falling = (
        len(rates) > 1
        and all(later < earlier for earlier, later in pairwise(rates))
        and rates[-1] < (1 - UNSTEADY) * rates[0]
    )
    if falling:
        print(
            f"FALLING: the consent rate drops round after round ({rates[0]:.0f} to "
            f"{rates[-1]:.0f} req/s): an append costs more as the log grows"
        )
    elif unsteady:
        print(
            f"UNSTEADY: the {' and '.join(unsteady)} rates differ by more than {UNSTEADY:.0%} "
            "between rounds; other work on the machine skewed them: rerun on a quiet machine"
        )
    to_minimal = median["consent"] / median["minimal"]
    print(f"ratio consent/minimal (medians): {to_minimal:.3f}", end="")
    if arguments.backend == "sqlite" and arguments.sqlite_synchronous == "full":
        print(f" ({verdict(to_minimal, MINIMAL_GOAL)})", end="")
    print()
    if "normal" in median:
        to_normal = median["consent"] / median["normal"]
        print(
            f"ratio consent (synchronous={arguments.sqlite_synchronous}) / consent "
            f"(synchronous=normal), medians: {to_normal:.3f} ({verdict(to_normal, NORMAL_GOAL)})"
        )
    if arguments.connections == 32:
        print(
            f"consent p99 (median of rounds): {p99['consent']:.1f} ms "
            f"({verdict(p99['consent'], P99_GOAL_MS, higher=False)})"
        )
    ratio = median["consent"] / median["bare"]
    goal = GOALS[arguments.backend]
    print(
        f"ratio consent/bare (medians): {ratio:.3f} ({verdict(ratio, goal)}"
        f"{', falling' if falling else ', unsteady' if unsteady else ''})"
    )
