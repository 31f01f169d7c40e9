"""What surrounds every screen: the title bar, the five-button bar, and the overlays."""

from __future__ import annotations

from datetime import datetime

from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.label import Label

WEEKDAYS = "一二三四五六日"


class TopBar(BoxLayout):
    """Title and today's date and time: older residents like to see both."""

    clock_text = StringProperty("")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        Clock.schedule_once(self._tick, 0)
        Clock.schedule_interval(self._tick, 20)

    def _tick(self, _dt: float = 0) -> None:
        self.fit_clock()

    def fit_clock(self) -> None:
        """The longest form of the date and time that fits on one line beside the title."""
        label = self.ids.get("clock")
        now = datetime.now()
        forms = [f"{now.month}月{now.day}日 星期{WEEKDAYS[now.weekday()]}  {now:%H:%M}",
                 f"{now.month}月{now.day}日  {now:%H:%M}", f"{now:%H:%M}"]
        if label is None or label.width <= 1:
            self.clock_text = forms[0]
            return
        ruler = CoreLabel(font_name="Kiosk", font_size=label.font_size)
        self.clock_text = next((form for form in forms if ruler.get_extents(form)[0] <= label.width), forms[-1])


class TitleLabel(Label):
    def on_touch_down(self, touch):
        staff = App.get_running_app().controller.staff
        if self.collide_point(*touch.pos) and staff is not None:
            staff.title_tapped()
        return super().on_touch_down(touch)


class NavBar(BoxLayout):
    """首页, 返回, (说话,) 再听一遍, 字大一点, 找人帮忙: the same place on every screen.

    The microphone button is taken out of the bar, not just hidden, when voice input is off,
    so the other buttons share its room."""

    needed = NumericProperty(0)  # the height the tallest button's words need (buttons.FittedButton)

    def on_kv_post(self, base_widget) -> None:
        for button in self.children:
            button.bind(needed_height=self._needed)
        state = App.get_running_app().state
        # A strong reference: `ids` holds only a weak proxy, and once the button is out of the
        # bar nothing else would keep it alive to be put back.
        self._microphone = self.ids.microphone.__self__
        self._slot = self.children.index(self._microphone)
        state.bind(voice_available=self._show_microphone)
        self._show_microphone(state, state.voice_available)

    def _needed(self, *_args) -> None:
        self.needed = max((getattr(button, "needed_height", 0) for button in self.children), default=0)

    def _show_microphone(self, _state, available: bool) -> None:
        present = self._microphone.parent is self
        if available and not present:
            self.add_widget(self._microphone, index=self._slot)
        elif not available and present:
            self.remove_widget(self._microphone)


class Overlay(FloatLayout):
    """A full-screen layer above the screens; it takes every touch while shown."""

    def on_touch_down(self, touch):
        super().on_touch_down(touch)
        return True


class WaitingOverlay(Overlay):
    pass


class IdleOverlay(Overlay):
    pass


class KioskRoot(BoxLayout):
    pass
