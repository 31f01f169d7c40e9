"""Draw the kiosk's pictograms as white-on-transparent PNGs in assets/icons/.

Simple, solid shapes that read from arm's length; drawn here rather than downloaded so
the kiosk needs nothing from the network and the set stays consistent. Run after editing:
    .venv/bin/python scripts/draw_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SIZE = 256
WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)
OUT = Path(__file__).resolve().parent.parent / "assets" / "icons"
FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
]


def _font(size: int) -> ImageFont.FreeTypeFont:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size, index=2 if "Noto" in candidate else 0)
    return ImageFont.load_default()


def _canvas():
    image = Image.new("RGBA", (SIZE, SIZE), CLEAR)
    return image, ImageDraw.Draw(image)


def _centred_text(draw: ImageDraw.ImageDraw, box, text: str, size: int, fill=WHITE) -> None:
    font = _font(size)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x = (box[0] + box[2] - (right - left)) / 2 - left
    y = (box[1] + box[3] - (bottom - top)) / 2 - top
    draw.text((x, y), text, font=font, fill=fill)


def pension(draw):
    for y in (160, 196):
        draw.rounded_rectangle((30, y, 226, y + 30), radius=14, fill=WHITE)
    draw.ellipse((58, 12, 198, 152), fill=WHITE)
    _centred_text(draw, (58, 12, 198, 152), "¥", 100, fill=CLEAR)


def medical(draw):
    draw.rounded_rectangle((28, 48, 228, 208), radius=28, fill=WHITE)
    draw.rectangle((110, 72, 146, 184), fill=CLEAR)
    draw.rectangle((72, 110, 184, 146), fill=CLEAR)


def hotline(draw):
    draw.rounded_rectangle((70, 18, 186, 238), radius=24, fill=WHITE)
    draw.rectangle((84, 46, 172, 176), fill=CLEAR)
    draw.ellipse((116, 192, 140, 216), fill=CLEAR)
    _centred_text(draw, (84, 60, 172, 160), "12345", 26)


def track(draw):
    draw.rounded_rectangle((48, 30, 208, 238), radius=18, fill=WHITE)
    draw.rounded_rectangle((92, 14, 164, 52), radius=10, fill=WHITE)
    for y in (84, 134, 184):
        draw.line((70, y, 92, y + 20, 126, y - 14), fill=CLEAR, width=12, joint="curve")
        draw.rectangle((140, y - 2, 188, y + 12), fill=CLEAR)


def appointment(draw):
    draw.rounded_rectangle((28, 44, 228, 232), radius=20, fill=WHITE)
    draw.rectangle((28, 44, 228, 96), fill=WHITE)
    draw.rectangle((40, 104, 216, 220), fill=CLEAR)
    for x in (70, 170):
        draw.rounded_rectangle((x, 20, x + 18, 70), radius=8, fill=WHITE)
    for row in range(2):
        for column in range(3):
            x, y = 58 + column * 54, 118 + row * 50
            draw.rectangle((x, y, x + 34, y + 32), fill=WHITE)


def help_person(draw):
    draw.ellipse((96, 20, 160, 84), fill=WHITE)
    draw.rounded_rectangle((84, 92, 172, 200), radius=30, fill=WHITE)
    draw.rectangle((96, 180, 122, 244), fill=WHITE)
    draw.rectangle((134, 180, 160, 244), fill=WHITE)
    draw.line((168, 110, 220, 40), fill=WHITE, width=24)
    draw.ellipse((206, 18, 242, 54), fill=WHITE)
    draw.line((90, 110, 48, 170), fill=WHITE, width=24)


def home(draw):
    draw.polygon([(128, 24), (236, 120), (20, 120)], fill=WHITE)
    draw.rectangle((52, 118, 204, 232), fill=WHITE)
    draw.rectangle((106, 160, 150, 232), fill=CLEAR)


def back(draw):
    draw.polygon([(24, 128), (112, 40), (112, 92), (232, 92), (232, 164), (112, 164), (112, 216)],
                 fill=WHITE)


def repeat(draw):
    draw.rectangle((28, 96, 76, 160), fill=WHITE)
    draw.polygon([(76, 96), (136, 44), (136, 212), (76, 160)], fill=WHITE)
    for radius in (40, 76):
        draw.arc((136 - radius, 128 - radius, 136 + radius, 128 + radius), -50, 50, fill=WHITE, width=16)


def text_size(draw):
    _centred_text(draw, (0, 56, 176, 250), "字", 150)
    draw.rectangle((194, 12, 214, 92), fill=WHITE)
    draw.rectangle((164, 42, 244, 62), fill=WHITE)


def microphone(draw):
    draw.rounded_rectangle((88, 16, 168, 156), radius=40, fill=WHITE)
    draw.arc((56, 72, 200, 196), 0, 180, fill=WHITE, width=16)
    draw.rectangle((120, 192, 136, 230), fill=WHITE)
    draw.rectangle((80, 222, 176, 240), fill=WHITE)


def printer(draw):
    draw.rectangle((70, 20, 186, 88), fill=WHITE)
    draw.rounded_rectangle((24, 84, 232, 190), radius=18, fill=WHITE)
    draw.rectangle((70, 150, 186, 236), fill=WHITE)
    draw.rectangle((82, 162, 174, 224), fill=CLEAR)
    draw.rectangle((94, 176, 162, 184), fill=WHITE)
    draw.rectangle((94, 198, 162, 206), fill=WHITE)


def yes(draw):
    draw.line((36, 132, 100, 196, 222, 62), fill=WHITE, width=36, joint="curve")


def no(draw):
    draw.line((52, 52, 204, 204), fill=WHITE, width=36)
    draw.line((204, 52, 52, 204), fill=WHITE, width=36)


def id_card(draw):
    """The resident ID card: a card with the photo on the right and lines of text."""
    draw.rounded_rectangle((14, 52, 242, 204), radius=18, fill=WHITE)
    draw.rounded_rectangle((160, 76, 222, 150), radius=8, fill=CLEAR)
    for y in (84, 116, 148):
        draw.rounded_rectangle((36, y, 138, y + 14), radius=7, fill=CLEAR)
    draw.rounded_rectangle((36, 172, 222, 186), radius=7, fill=CLEAR)


def certification(draw):
    """A face in a frame with a tick: 资格认证."""
    draw.rounded_rectangle((10, 10, 196, 196), radius=24, outline=WHITE, width=16)
    draw.ellipse((68, 40, 138, 110), fill=WHITE)
    draw.pieslice((44, 116, 162, 234), 180, 360, fill=WHITE)
    draw.ellipse((130, 130, 254, 254), fill=CLEAR)
    draw.ellipse((142, 142, 242, 242), fill=WHITE)
    draw.line((164, 192, 186, 214, 222, 170), fill=CLEAR, width=16, joint="curve")


def payment(draw):
    """A QR-like square and a coin: 缴费."""
    for x, y in ((24, 24), (24, 132), (132, 24)):
        draw.rectangle((x, y, x + 100, y + 100), fill=WHITE)
        draw.rectangle((x + 22, y + 22, x + 78, y + 78), fill=CLEAR)
        draw.rectangle((x + 38, y + 38, x + 62, y + 62), fill=WHITE)
    draw.ellipse((140, 140, 236, 236), fill=WHITE)
    _centred_text(draw, (140, 140, 236, 236), "¥", 64, fill=CLEAR)


def family(draw):
    """An older and a younger person side by side: 帮家里人办."""
    draw.ellipse((40, 40, 110, 110), fill=WHITE)
    draw.pieslice((20, 116, 130, 256), 180, 360, fill=WHITE)
    draw.ellipse((150, 64, 208, 122), fill=WHITE)
    draw.pieslice((132, 128, 226, 248), 180, 360, fill=WHITE)


def more(draw):
    """Three dots: 更多."""
    for x in (44, 128, 212):
        draw.ellipse((x - 26, 102, x + 26, 154), fill=WHITE)


def my_appointments(draw):
    """A calendar page with the booked day ticked: 我的预约."""
    draw.rounded_rectangle((24, 44, 232, 232), radius=20, fill=WHITE)
    draw.rectangle((24, 92, 232, 104), fill=CLEAR)
    for x in (70, 186):
        draw.rounded_rectangle((x - 10, 20, x + 10, 68), radius=8, fill=WHITE)
    draw.line((76, 164, 114, 200, 184, 128), fill=CLEAR, width=22, joint="curve")


ICONS = {
    "pension": pension, "medical": medical, "hotline_report": hotline, "hotline_track": track,
    "appointment": appointment, "help": help_person, "home": home, "back": back,
    "repeat": repeat, "text_size": text_size, "microphone": microphone, "print": printer,
    "yes": yes, "no": no, "id_card": id_card, "certification": certification, "payment": payment,
    "family": family, "more": more, "my_appointments": my_appointments,
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, draw_icon in ICONS.items():
        image, draw = _canvas()
        draw_icon(draw)
        image.save(OUT / f"{name}.png")
    print(f"drew {len(ICONS)} icons in {OUT}")


if __name__ == "__main__":
    main()
