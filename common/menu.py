"""The services a resident can start from the home screen (window, console and dialogue alike)."""

from __future__ import annotations

# (tile id, label of 2-4 characters, payload sent to Rasa)
TILES = [
    ("pension", "查养老金", "/query_pension"),
    ("medical", "查医保", "/query_medical_insurance"),
    ("hotline_report", "反映问题", "/hotline_report"),
    ("hotline_track", "办件进度", "/hotline_track"),
    ("appointment", "预约办事", "/book_appointment"),
    ("help", "找人帮忙", "/help_volunteer"),
]

GREETING = "您好！请点一下您要办的事。"

# The same services as Rasa buttons, for replies that offer the menu again.
MENU_BUTTONS = [{"title": label, "payload": payload} for _tile, label, payload in TILES]
