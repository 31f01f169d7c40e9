"""Big buttons: a coloured rounded panel with a pictogram and a few large characters.

Service tiles and the bar's buttons are FittedButtons: their words keep the largest size
that fits (never below the body floor of the text step), on balanced lines, and the
pictogram takes the room the words leave, above or beside them (kiosk/widgets/fitting.py).
The other big buttons (choices, keys, pagers) keep the simple stacked layout: their sizes
are set by the screens they are on.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Tuple

from kivy.core.text import Label as CoreLabel
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image
from kivy.uix.label import Label

from kiosk import theme
from kiosk.widgets.fitting import ABOVE, BESIDE, Fit, fit_button, needed_height

LINE_HEIGHT = 0.9  # Noto Sans CJK's own line is 1.45 em: lines then sit 1.375 em apart (>= 1.3)


class BigButton(ButtonBehavior, BoxLayout):
    """Tap target; `label_size` is in reference pixels at the standard text step."""

    text = StringProperty("")
    icon = StringProperty("")
    colour = ListProperty(list(theme.BAR_BUTTON))
    text_colour = ListProperty(list(theme.ON_DARK))
    label_size = NumericProperty(theme.TILE_LABEL)
    icon_size = NumericProperty(theme.ICON)
    payload = StringProperty("")
    side_by_side = BooleanProperty(False)


@lru_cache(maxsize=4096)
def measure(text: str, size: float) -> Tuple[float, float]:
    """The drawn size of bold kiosk text (with newlines) at a font size, in pixels."""
    label = CoreLabel(text=text, font_name="Kiosk", font_size=round(size, 1), bold=True, line_height=LINE_HEIGHT)
    label.refresh()
    return (float(label.texture.width), float(label.texture.height)) if label.texture else (0.0, 0.0)


class FittedButton(BigButton):
    """A big button that lays out its own words and pictogram (see the module docstring).

    Sizes are reference pixels: `label_size` is the words' size at the standard step, grown
    with the text step up to `max_growth`; `floor_size` (the body floor) grows fully with it."""

    font_scale = NumericProperty(1.0)
    max_growth = NumericProperty(10.0)
    floor_size = NumericProperty(theme.FLOOR_BODY)
    icon_min = NumericProperty(40)
    inner_padding = NumericProperty(12)
    inner_spacing = NumericProperty(8)
    fit = ObjectProperty(None, allownone=True)  # the Fit in use (tests read it)
    needed_height = NumericProperty(0)  # the least height its words need at its width

    def __init__(self, **kwargs) -> None:
        self._icon = Image(fit_mode="contain", size_hint=(None, None))
        self._label = Label(font_name="Kiosk", bold=True, halign="center", valign="middle",
                            line_height=LINE_HEIGHT, size_hint=(None, None))
        super().__init__(**kwargs)
        self.add_widget(self._icon)
        self.add_widget(self._label)
        for name in ("text", "icon", "font_scale", "label_size", "floor_size", "icon_size", "icon_min",
                     "max_growth", "inner_padding", "inner_spacing", "text_colour"):
            self.fbind(name, self._trigger_layout)

    def sizes(self) -> dict:
        """The fitting arguments in window pixels at the current text step."""
        scale = self.font_scale
        return {"padding": dp(self.inner_padding), "spacing": dp(self.inner_spacing),
                "nominal": max(dp(self.label_size) * min(scale, self.max_growth), dp(self.floor_size) * scale),
                "floor": dp(self.floor_size) * scale, "measure": measure}

    def do_layout(self, *_args) -> None:
        sizes = self.sizes()
        has_icon = bool(self.icon)
        fit = fit_button(self.text, self.width, self.height, icon_max=dp(self.icon_size), icon_min=dp(self.icon_min),
                         has_icon=has_icon, **sizes)
        self.needed_height = needed_height(self.text, self.width, icon_min=dp(self.icon_min), has_icon=has_icon,
                                           **sizes)
        self.fit = fit
        self._place(fit)

    def _place(self, fit: Fit) -> None:
        label, icon = self._label, self._icon
        label.text, label.font_size, label.color = fit.text, fit.font_size, self.text_colour
        label.disabled_color = self.text_colour  # a greyed-out button keeps readable words
        drawn_w, drawn_h = fit.text_size
        label.size = (drawn_w, drawn_h)
        label.text_size = (drawn_w, None)
        icon.source = self.icon
        icon.opacity = 1 if fit.icon > 0 and self.icon else 0
        icon.size = (fit.icon, fit.icon) if fit.icon > 0 else (0, 0)
        gap = dp(self.inner_spacing) if fit.icon > 0 else 0
        cx, cy = self.center
        if fit.placement == ABOVE:
            top = cy + (fit.icon + gap + drawn_h) / 2
            icon.pos = (cx - fit.icon / 2, top - fit.icon)
            label.pos = (cx - drawn_w / 2, top - fit.icon - gap - drawn_h)
        elif fit.placement == BESIDE:
            words = measure(fit.text, fit.font_size)[0]
            left = cx - (fit.icon + gap + words) / 2
            icon.pos = (left, cy - fit.icon / 2)
            label.pos = (left + fit.icon + gap + words / 2 - drawn_w / 2, cy - drawn_h / 2)
        else:
            label.pos = (cx - drawn_w / 2, cy - drawn_h / 2)


class ServiceTile(FittedButton):
    """A home-screen service: its pictogram and 2-6 characters, as large as the tile allows."""


class BarButton(FittedButton):
    """One of the buttons that are on every screen in the same place."""


class VoiceButton(FittedButton):
    """The home screen's voice switch: the name of the voice it switches to, on one line."""

    natural_width = NumericProperty(0)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        for name in ("text", "font_scale", "label_size", "inner_padding"):
            self.fbind(name, self._natural)

    def _natural(self, *_args) -> None:
        words = measure(self.text, self.sizes()["nominal"])[0] if self.text else 0
        self.natural_width = max(dp(theme.FLOOR_TARGET), words + 2 * dp(self.inner_padding) + dp(8))


class ChoiceButton(BigButton):
    """A reply choice (a name to pick, 是/不是) as a big tile."""


class KeyButton(BigButton):
    """A keypad key; digits as large as the service tiles."""
