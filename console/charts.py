"""Bar and line charts for the usage page, as inline SVG with large Chinese labels."""

from __future__ import annotations

import io
from collections import defaultdict
from functools import lru_cache
from typing import Any, Dict, List

from common.errands import errand_name


@lru_cache(maxsize=1)
def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager, pyplot

    from config import get_settings
    from kiosk.fonts import font_files

    regular, _bold = font_files(get_settings().data_dir)
    font_manager.fontManager.addfont(regular)
    pyplot.rcParams["font.family"] = font_manager.FontProperties(fname=regular).get_name()
    pyplot.rcParams["font.size"] = 18
    return pyplot


def _svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    _pyplot().close(figure)
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]


def errands_bar(by_errand: Dict[str, Dict[str, int]]) -> str:
    plt = _pyplot()
    names = list(by_errand)
    figure, axes = plt.subplots(figsize=(10, 4.5))
    xs = range(len(names))
    axes.bar([x - 0.2 for x in xs], [by_errand[n].get("started", 0) for n in names], 0.4, label="开始", color="#0A4D8C")
    axes.bar([x + 0.2 for x in xs], [by_errand[n].get("finished", 0) for n in names], 0.4, label="办完",
             color="#0B5E3A", hatch="//")
    axes.set_xticks(list(xs), [errand_name(n) for n in names])
    axes.set_title("各项业务：开始和办完的次数")
    axes.legend()
    return _svg(figure)


def sessions_line(table: List[Dict[str, Any]]) -> str:
    plt = _pyplot()
    per_day: Dict[str, int] = defaultdict(int)
    for row in table:
        per_day[row["day"]] += row["sessions"]
    days = sorted(per_day)
    figure, axes = plt.subplots(figsize=(10, 4.5))
    axes.plot(days, [per_day[d] for d in days], marker="o", linewidth=3, color="#5B2C83")
    axes.set_title("每天的使用人次")
    axes.tick_params(axis="x", rotation=30)
    return _svg(figure)


def for_summary(figures: Dict[str, Any]) -> List[str]:
    if not figures["table"]:
        return []
    return [errands_bar(figures["by_errand"]), sessions_line(figures["table"])]
