"""Scoring a whole cycle from the events, against a hand-written SQL floor giving the same
numbers.

    python -m bench.scoring_floor --output PATH [--runs 5]   (a child process of `python -m bench`)

The portal's side is `awards.selectors.scores.score_nominations` over every active nomination
of the current cycle (the latest not finalised): the fresh computation from the events and the
reviews, not the kept scores the pages read. The floor is one SQL statement (FLOOR_SQL) that a
person would write over the same tables with the formula of docs/scoring.md:

  P_k          = min(c_k, Σ p_k × multiplier(significance))  over the verified events of
                 type k inside the window
  cooperation  = round(100 × Σ P_k / Σ c_k, 2)
  panel        = round(10 × Σ w × s / (Σ w × counted reviews), 2)   (the mean of the member
                 scores 10 Σ w s / Σ w of the submitted reviews whose member is not recused)
  final        = round(α × cooperation + (1 − α) × panel, 2)

PostgreSQL's round(numeric, 2) rounds halves away from zero: half-up, for these non-negative
numbers. Before timing anything, the child checks that both give the same cooperation, panel
and final score for every nominee, to the cent, and stops if one differs. Then it times a
warm-up and `runs` rounds of each, in turn, and writes the medians as JSON to PATH.
"""

import argparse
import json
import statistics
import time
from decimal import Decimal

import django

django.setup()

from django.db import connection  # noqa: E402

from awards.models import Cycle, Nomination  # noqa: E402
from awards.selectors.scores import score_nominations  # noqa: E402

FLOOR_SQL = """
WITH cycle AS (
    SELECT * FROM awards_cycle WHERE id = %(cycle)s
), nominee AS (
    SELECT n.id, n.enterprise_id FROM awards_nomination n
    WHERE n.cycle_id = %(cycle)s AND n.status = 'active'
), counted AS (          -- verified events in the window, per enterprise, type and significance
    SELECT e.enterprise_id, e.event_type, e.significance, count(*) AS n
    FROM partners_cooperationevent e, cycle c
    WHERE e.status = 'verified' AND e.occurred_on BETWEEN c.window_start AND c.window_end
      AND e.enterprise_id IN (SELECT enterprise_id FROM nominee)
    GROUP BY 1, 2, 3
), category AS (         -- P_k: points × multiplier, capped
    SELECT x.enterprise_id, r.event_type,
           least(r.cap, sum(x.n * r.points * CASE x.significance
                 WHEN 'routine' THEN c.multiplier_routine
                 WHEN 'notable' THEN c.multiplier_notable
                 WHEN 'major' THEN c.multiplier_major END)) AS points
    FROM counted x
    JOIN awards_eventtyperule r ON r.cycle_id = %(cycle)s AND r.event_type = x.event_type
    CROSS JOIN cycle c
    GROUP BY x.enterprise_id, r.event_type, r.cap
), cooperation AS (
    SELECT n.id AS nomination_id,
           CASE WHEN caps.total > 0
                THEN round(100 * coalesce(sum(p.points), 0) / caps.total, 2)
                ELSE 0.00 END AS score
    FROM nominee n
    LEFT JOIN category p ON p.enterprise_id = n.enterprise_id
    CROSS JOIN (SELECT sum(cap) AS total FROM awards_eventtyperule
                WHERE cycle_id = %(cycle)s) caps
    GROUP BY n.id, caps.total
), review AS (           -- the counted reviews: submitted, by a member not recused
    SELECT a.nomination_id, v.id
    FROM awards_review v JOIN awards_assignment a ON a.id = v.assignment_id
    WHERE v.status = 'submitted' AND a.declaration <> 'conflict'
      AND a.nomination_id IN (SELECT id FROM nominee)
), panel AS (            -- per nominee: how many counted reviews, and Σ weight × score
    SELECT r.nomination_id, count(*) AS reviews, sum(m.weighted) AS weighted
    FROM review r
    LEFT JOIN (SELECT s.review_id, sum(s.score * k.weight) AS weighted
               FROM awards_reviewscore s JOIN awards_panelcriterion k ON k.id = s.criterion_id
               WHERE s.review_id IN (SELECT id FROM review)
               GROUP BY s.review_id) m ON m.review_id = r.id
    GROUP BY r.nomination_id
), weights AS (
    SELECT sum(weight) AS total FROM awards_panelcriterion WHERE cycle_id = %(cycle)s
), scored AS (
    SELECT o.nomination_id, o.score AS cooperation,
           CASE WHEN w.total > 0 AND p.reviews > 0
                THEN round(10 * coalesce(p.weighted, 0) / (w.total * p.reviews), 2) END AS panel
    FROM cooperation o LEFT JOIN panel p ON p.nomination_id = o.nomination_id
    CROSS JOIN weights w
)
SELECT s.nomination_id, s.cooperation, s.panel,
       round(c.cooperation_weight * s.cooperation + (1 - c.cooperation_weight) * s.panel, 2)
FROM scored s CROSS JOIN cycle c
"""


def floor(cycle: Cycle) -> dict[int, tuple]:
    """{nomination id: (cooperation, panel, final)} by FLOOR_SQL."""
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, {"cycle": cycle.pk})
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


def portal(cycle: Cycle) -> dict[int, tuple]:
    """The same, by score_nominations over the cycle's active nominations."""
    nominations = Nomination.objects.filter(cycle=cycle, status=Nomination.Status.ACTIVE)
    return {
        s.nomination.pk: (s.cooperation_score, s.panel_score, s.final_score)
        for s in score_nominations(cycle, nominations)
    }


def cents(value) -> str:
    return "—" if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def check_equal(ours: dict, theirs: dict) -> None:
    """Stop unless both give every nominee the same three scores, to the cent."""
    if ours.keys() != theirs.keys():
        raise SystemExit(f"not the same nominees: {len(ours)} against {len(theirs)}")
    differ = [
        (pk, ours[pk], theirs[pk])
        for pk in ours
        if [cents(v) for v in ours[pk]] != [cents(v) for v in theirs[pk]]
        or [v is None for v in ours[pk]] != [v is None for v in theirs[pk]]
    ]
    if differ:
        lines = "\n".join(f"  nomination {pk}: portal {a}, floor {b}" for pk, a, b in differ[:10])
        raise SystemExit(f"{len(differ)} nominees scored differently:\n{lines}")


def timed(function, cycle) -> float:
    start = time.perf_counter()
    function(cycle)
    return (time.perf_counter() - start) * 1000


def measure(runs: int) -> dict:
    cycle = (
        Cycle.objects.exclude(status__in=Cycle.FROZEN_STATUSES).order_by("-year").first()
        or Cycle.objects.order_by("-year").first()
    )
    ours, theirs = portal(cycle), floor(cycle)  # also the warm-up
    check_equal(ours, theirs)
    portal_ms, floor_ms = [], []
    for _ in range(runs):
        floor_ms.append(timed(floor, cycle))
        portal_ms.append(timed(portal, cycle))
    return {
        "cycle_year": cycle.year,
        "nominees": len(ours),
        "reviewed": sum(1 for scores in ours.values() if scores[1] is not None),
        "equal_to_the_cent": True,
        "runs": runs,
        "portal_ms": portal_ms,
        "floor_ms": floor_ms,
        "portal_median_ms": statistics.median(portal_ms),
        "floor_median_ms": statistics.median(floor_ms),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", required=True, help="where to write the JSON figures")
    parser.add_argument("--runs", type=int, default=5, help="timed rounds after the warm-up")
    options = parser.parse_args()
    with open(options.output, "w") as handle:
        json.dump(measure(options.runs), handle, indent=1)


if __name__ == "__main__":
    main()
