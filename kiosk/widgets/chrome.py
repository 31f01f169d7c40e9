"""What surrounds every screen: the title bar, the five-button bar, and the overlays."""

from __future__ import annotations

from datetime import datetime

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.label import Label

WEEKDAYS = "一二三四五六日"


class TopBar(BoxLayout):
    """Title and today's date and time: older residents like to see both."""

    clock_text = StringProperty("")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._tick(0)
        Clock.schedule_interval(self._tick, 20)

    def _tick(self, _dt: float) -> None:
        now = datetime.now()
        self.clock_text = f"{now.month}月{now.day}日 星期{WEEKDAYS[now.weekday()]}  {now:%H:%M}"


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

    def on_kv_post(self, base_widget) -> None:
        state = App.get_running_app().state
        # A strong reference: `ids` holds only a weak proxy, and once the button is out of the
        # bar nothing else would keep it alive to be put back.
        self._microphone = self.ids.microphone.__self__
        self._slot = self.children.index(self._microphone)
        state.bind(voice_available=self._show_microphone)
        self._show_microphone(state, state.voice_available)

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
