"""Briefing benchmarks (make bench; never part of make test).

* Council briefing for one council with 20 notes, contacts, a challenge history, an overdue
  action and seven years of two metrics (two trend charts with their tables): the first in a
  process (which loads the fonts) and the median of the next five.
* Region briefing for the largest region, 70 councils with 20 notes each, with the executive
  summary, a page per council with something to report and the appendix: median of three.

Each reports seconds and pages per second into bench-results/briefing.json.
Aims (issue 5): council briefing under 0.5 s; the 70-council region under 5 s.
"""

from __future__ import annotations

import json
import platform
import random
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sli_desktop.briefing import Briefing, BriefingOptions, brief_council, brief_region
from sli_desktop.domain import (
    ConcernLevel,
    Council,
    CouncilType,
    Metric,
    Note,
    Region,
    council_id,
)
from sli_desktop.vault.actions import Actions
from sli_desktop.vault.challenges import Challenges
from sli_desktop.vault.contacts import Contacts
from sli_desktop.vault.councils import Councils
from sli_desktop.vault.store import Vault
from tests.bulkload import ROOT

COUNCILS = 70
NOTES_EACH = 20
REGION = Region.SOUTH_EAST
RESULTS = ROOT / "bench-results"
TODAY = date(2026, 11, 20)
WORDS = [
    "budget",
    "reserves",
    "overspend",
    "placements",
    "scrutiny",
    "leader",
    "cabinet",
    "officers",
    "transformation",
    "housing",
    "repairs",
    "SEND",
    "transport",
    "inspection",
    "improvement",
    "recovery",
    "plan",
    "audit",
    "governance",
    "children",
    "adults",
    "social",
    "care",
    "waiting",
    "lists",
    "workforce",
    "vacancies",
    "agency",
    "staff",
]


def fill(vault: Vault) -> list[str]:
    rng = random.Random(5)
    codes = [f"E99{n:06d}" for n in range(1, COUNCILS + 1)]
    Councils(vault).upsert_register(
        Council.build(
            id=council_id(gss),
            gss_code=gss,
            name=f"Benchmark Borough Council {n:02d} (Llanfair Ŵyn-ŷ-Môn)",
            type=CouncilType.NON_METROPOLITAN_DISTRICT,
            region=REGION,
            population=rng.randint(60_000, 400_000),
        )
        for n, gss in enumerate(codes, start=1)
    )
    concerns = list(ConcernLevel)
    with vault.transaction():
        for i, gss in enumerate(codes):
            for role in ("Leader", "Chief Executive", "Section 151 Officer"):
                Contacts(vault).add(council=gss, name=f"{role} of {gss}", role=role)
            worst = concerns[i % len(concerns)]
            for k in range(NOTES_EACH):
                concern = worst if k == 0 else rng.choice(concerns[: worst.rank + 1])
                body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 120)))
                vault.save(
                    Note.build(
                        council=gss,
                        date=TODAY - timedelta(days=7 * k + i % 7),
                        title=f"Note {k} on {rng.choice(WORDS)} and {rng.choice(WORDS)}",
                        body=body + ".",
                        themes=[rng.choice(WORDS)],
                        concern=concern,
                        evidence=["Budget monitoring report"] if concern.needs_evidence else [],
                        council_aware=k % 2 == 0,
                        marking="OFFICIAL-SENSITIVE" if k % 5 == 0 else "OFFICIAL",
                        private=k == 19,
                    )
                )
            Challenges(vault).add(
                council=gss, type="corporate", status="closed", start=TODAY - timedelta(days=900)
            )
            if i % 10 == 0:
                Actions(vault).add(
                    title="Send the recovery plan", council=gss, due=TODAY - timedelta(days=9)
                )
            for metric_id, name in (("ctax", "Council tax collected"), ("res", "Reserves")):
                for year in range(2019, 2026):
                    vault.save(
                        Metric.build(
                            council=gss,
                            period=f"{year}/{(year + 1) % 100:02d}",
                            metric_id=metric_id,
                            name=name,
                            value=rng.uniform(20, 99),
                            unit="%",
                        )
                    )
    return codes


def timed(make: Callable[[], Briefing]) -> tuple[float, Briefing]:
    start = time.perf_counter()
    briefing = make()
    return time.perf_counter() - start, briefing


def figures(seconds: list[float], pages: int) -> dict[str, Any]:
    median = statistics.median(seconds)
    return {
        "runs": len(seconds),
        "seconds_median": round(median, 4),
        "seconds_worst": round(max(seconds), 4),
        "pages": pages,
        "pages_per_second": round(pages / median, 1),
    }


def test_briefing_benchmark(vault: Vault) -> None:
    started = time.perf_counter()
    codes = fill(vault)
    load_seconds = time.perf_counter() - started
    options = BriefingOptions(prepared_by="Bench", recipient="Regional Chair", today=TODAY)
    busiest = codes[4]  # a council with serious concerns and 20 notes

    first, council = timed(lambda: brief_council(vault, busiest, options))
    council_runs = [timed(lambda: brief_council(vault, busiest, options))[0] for _ in range(5)]
    region_runs = []
    for _ in range(3):
        seconds, region = timed(lambda: brief_region(vault, REGION, options))
        region_runs.append(seconds)

    assert council.notes >= NOTES_EACH - 1 and council.pages >= 3
    of_concern = sum(1 for i in range(COUNCILS) if i % len(ConcernLevel) >= 3)
    assert region.pages > of_concern  # a page at least for each council of concern

    results = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "vault": {"councils": COUNCILS, "notes": COUNCILS * NOTES_EACH, "load_s": load_seconds},
        "council_briefing": {
            "first_in_process_s": round(first, 4),
            **figures(council_runs, council.pages),
            "aim_s": 0.5,
        },
        "region_briefing": {
            "councils": COUNCILS,
            "councils_of_concern": of_concern,
            **figures(region_runs, region.pages),
            "aim_s": 5.0,
        },
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "briefing.json").write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps(results, indent=1))
