"""Anonymous usage figures per kiosk and day: visits, errands started and finished, where
residents gave up, misunderstandings, help requests, turns per errand."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from typing import Any, Dict, List

from common.errands import errand_name
from console.place_names import step_label

COLUMNS = ["kiosk_id", "day", "sessions", "errands_started", "errands_finished", "gave_up", "fallbacks",
           "help_requests", "average_turns_per_errand"]


def summary(rows: List[Dict[str, Any]]) -> Dict[str, Any]:
    per_day: Dict[tuple, Counter] = defaultdict(Counter)
    turns: Dict[tuple, List[int]] = defaultdict(list)
    gave_up_at: Counter = Counter()
    by_errand: Dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        key = (row["kiosk_id"], row["day"])
        per_day[key][row["kind"]] += 1
        if row["kind"] == "errand_finished":
            turns[key].append(int(row["turns"]))
            by_errand[row["errand"]]["finished"] += 1
        elif row["kind"] == "errand_started":
            by_errand[row["errand"]]["started"] += 1
        elif row["kind"] == "gave_up":
            gave_up_at[f"{errand_name(row['errand'])}：{step_label(row['step'], row['errand'])}"] += 1
    table = []
    for (kiosk_id, day), counts in sorted(per_day.items()):
        done = turns[(kiosk_id, day)]
        table.append({
            "kiosk_id": kiosk_id, "day": day, "sessions": counts["session"],
            "errands_started": counts["errand_started"], "errands_finished": counts["errand_finished"],
            "gave_up": counts["gave_up"], "fallbacks": counts["fallback"], "help_requests": counts["help"],
            "average_turns_per_errand": round(sum(done) / len(done), 1) if done else 0,
        })
    return {"table": table, "gave_up_at": gave_up_at.most_common(10),
            "by_errand": {errand: dict(counts) for errand, counts in sorted(by_errand.items())}}


def csv_export(figures: Dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(figures["table"])
    return out.getvalue()


def help_summary(tallies: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Per day: help requests done and expired (their words are gone; only these counts stay),
    and how long residents waited, on average, until a volunteer claimed their request."""
    per_day: Dict[str, Counter] = defaultdict(Counter)
    waited: Dict[str, float] = defaultdict(float)
    for row in tallies:
        per_day[row["day"]][row["outcome"]] += int(row["requests"])
        per_day[row["day"]]["claimed"] += int(row["claimed"])
        waited[row["day"]] += float(row["wait_seconds"])
    table = []
    for day, counts in sorted(per_day.items()):
        claimed = counts["claimed"]
        table.append({"day": day, "done": counts["done"], "expired": counts["expired"],
                      "average_wait_minutes": round(waited[day] / claimed / 60, 1) if claimed else 0})
    return table
