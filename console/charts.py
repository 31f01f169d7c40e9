"""Bar and line charts for the usage page, as SVG images with large Chinese labels."""

from __future__ import annotations

import asyncio
import io
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any, Dict, List, Optional, Tuple

from common.errands import errand_name

_DRAWING = ThreadPoolExecutor(1, thread_name_prefix="charts")


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
    return buffer.getvalue()


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


CHARTS = {"errands.svg": ("各项业务：开始和办完的次数", lambda figures: errands_bar(figures["by_errand"])),
          "sessions.svg": ("每天的使用人次", lambda figures: sessions_line(figures["table"]))}


def available(figures: Dict[str, Any]) -> List[Tuple[str, str]]:
    """(address, description) of each chart there is data for."""
    return [(f"/charts/{name}", title) for name, (title, _draw) in CHARTS.items()] if figures["table"] else []


def _draw(name: str, figures: Dict[str, Any]) -> Optional[str]:
    if name not in CHARTS or not figures["table"]:
        return None
    return CHARTS[name][1](figures)


async def chart(name: str, figures: Dict[str, Any]) -> Optional[str]:
    """One chart as an SVG document, or None (no such chart, or no data yet). Drawn on one
    thread of its own: pyplot is not thread-safe, and a drawing must not hold up other pages."""
    return await asyncio.get_running_loop().run_in_executor(_DRAWING, _draw, name, figures)
