"""Big buttons: a coloured rounded panel with a pictogram and a few large characters."""

from __future__ import annotations

from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from kiosk import theme


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


class ServiceTile(BigButton):
    """A home-screen service: pictogram above, 2-4 characters below."""


class BarButton(BigButton):
    """One of the five buttons that are on every screen in the same place."""


class ChoiceButton(BigButton):
    """A reply choice (a name to pick, 是/不是) as a big tile."""


class KeyButton(BigButton):
    """A keypad key; digits as large as the service tiles."""
