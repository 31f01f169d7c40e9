"""Text that never shrinks: what does not fit is split into pages at sentence ends, with big
上一页 / 下一页 buttons, instead of small print or a scroll gesture."""

from __future__ import annotations

import re
from typing import List

from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    StringProperty,
)
from kivy.uix.boxlayout import BoxLayout

from kiosk import theme
from kiosk.widgets.line_breaking import break_lines

_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")
PAGER_HEIGHT = 130


def sentences(text: str) -> List[str]:
    return [piece for piece in _SENTENCE_END.split(text) if piece.strip()]


class PagedText(BoxLayout):
    text = StringProperty("")
    font_size = NumericProperty(40)
    bold = BooleanProperty(False)
    color = ListProperty(list(theme.TEXT))
    line_height = NumericProperty(1.35)
    pages = ListProperty([""])
    page = NumericProperty(0)
    shown = StringProperty("")  # the current page, broken into lines the Chinese way

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._trigger = Clock.create_trigger(self._paginate, 0)
        self.bind(text=self._trigger, font_size=self._trigger, size=self._trigger,
                  bold=self._trigger)
        self.bind(pages=self._show, page=self._show)

    def _lines(self, text: str, width: float) -> str:
        ruler = CoreLabel(font_name="Kiosk", font_size=self.font_size, bold=self.bold)
        return break_lines(text, width, lambda piece: ruler.get_extents(piece)[0])

    def _show(self, *_args) -> None:
        page = self.pages[min(self.page, len(self.pages) - 1)] if self.pages else ""
        self.shown = self._lines(page, self.width)

    def _height_of(self, text: str, width: float) -> float:
        label = CoreLabel(text=self._lines(text, width), font_name="Kiosk", font_size=self.font_size,
                          bold=self.bold, line_height=self.line_height, text_size=(width, None))
        label.refresh()
        return float(label.texture.height) if label.texture else 0.0

    def _paginate(self, *_args) -> None:
        width = max(self.width, 10)
        pieces = sentences(self.text)
        self.page = 0  # before the pages change, so the shown index is always valid
        if not pieces or self._height_of(self.text, width) <= self.height:
            self.pages = [self.text]
            self._show()  # the width may have changed while the text did not
            return
        room = max(self.height - PAGER_HEIGHT, self.font_size * 1.5)
        pages: List[str] = []
        current = ""
        for piece in pieces:
            candidate = current + piece
            if current and self._height_of(candidate, width) > room:
                pages.append(current)
                current = piece
            else:
                current = candidate
        pages.append(current)
        self.pages = pages
        self._show()

    @property
    def paged(self) -> bool:
        return len(self.pages) > 1

    def next_page(self) -> None:
        self.page = min(self.page + 1, len(self.pages) - 1)

    def previous_page(self) -> None:
        self.page = max(self.page - 1, 0)
