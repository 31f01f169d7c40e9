"""The grid of service tiles (home and 更多): as many rows as fit, each tile at least a
touch target and tall enough for its words at the body floor of the text step.

Why the grid says how many tiles fit instead of squeezing them: at 1024 x 768, or at the
largest text step, two rows of six tiles no longer fit under the greeting; squeezed tiles
drew their pictograms over their words. The screen reads `room` and shows that many (the
most used errands, 更多 and 找人帮忙 on the home screen; a page of the rest on 更多).
"""

from __future__ import annotations

from typing import List, Sequence

from kivy.metrics import dp
from kivy.properties import ListProperty, NumericProperty
from kivy.uix.gridlayout import GridLayout

from kiosk import theme
from kiosk.widgets.buttons import ServiceTile
from kiosk.widgets.fitting import needed_height


class TileGrid(GridLayout):
    room = NumericProperty(6)  # tiles that fit: cols x rows
    max_rows = NumericProperty(2)
    font_scale = NumericProperty(1.0)
    labels = ListProperty([])  # the words of every tile that might be shown here

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._probe = ServiceTile()  # the tiles' own sizes from their kv rule
        for name in ("height", "width", "font_scale", "labels", "max_rows", "cols"):
            self.fbind(name, self._measure_room)

    def row_height_needed(self, labels: Sequence[str]) -> float:
        """The least row height: a touch target, and every label at the floor in its tile."""
        cols = max(1, int(self.cols or 1))
        width = (self.width - self.padding[0] - self.padding[2] - self.spacing[0] * (cols - 1)) / cols
        probe = self._probe
        probe.font_scale = self.font_scale
        sizes = probe.sizes()
        needs: List[float] = [dp(theme.FLOOR_TARGET)]
        for label in labels:
            needs.append(needed_height(label, width, icon_min=dp(probe.icon_min), **sizes))
        return max(needs)

    def _measure_room(self, *_args) -> None:
        if self.width <= 1 or self.height <= 1:
            return
        row = self.row_height_needed(self.labels)
        gap = self.spacing[1]
        usable = self.height - self.padding[1] - self.padding[3]
        rows = int((usable + gap) // (row + gap))
        rows = max(1, min(int(self.max_rows), rows))
        self.room = rows * int(self.cols or 1)
