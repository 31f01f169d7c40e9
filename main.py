"""Elder Service Assistant (长者服务助手): one entry point, one subcommand per process.

    python main.py run              supervisor: sandbox, action server, Rasa, then the kiosk
    python main.py kiosk            the Kivy window only (services already running)
    python main.py console          the same conversation in a terminal
    python main.py portal-sandbox   the fictional portal [--reset]
    python main.py centre-console   the volunteer desk's web page (help, lessons, usage)
    python main.py add-user NAME ROLE   a console account (volunteer or staff)
    python main.py action-server    Rasa custom actions
    python main.py rasa-server      Rasa with the trained model
    python main.py fleet up|down    a city's central dialogue service (nginx, Rasa x N, PostgreSQL, Redis)
    python main.py train            train the Rasa model if nlu/ changed
    python main.py models install   install the Vosk speech model [--from FILE]
    python main.py hash-pin         hash a staff PIN for the settings file
    python main.py say TEXT         say TEXT as the kiosk would [--dry-run: print what espeak-ng gets] [--wav FILE]
    python main.py card-reader      the ID card reader: --once reads one card, --simulate a fake one
"""

from __future__ import annotations

import argparse
import sys
from typing import Callable, List, Optional


def _run(args: argparse.Namespace) -> int:
    from runtime.supervisor import run_all

    return run_all(kiosk=not args.no_kiosk)


def _kiosk(args: argparse.Namespace) -> int:
    from kiosk.main import run_kiosk

    return run_kiosk()


def _console(args: argparse.Namespace) -> int:
    from kiosk.console import run_console

    return run_console(speak=not args.mute)


def _portal_sandbox(args: argparse.Namespace) -> int:
    from portal.sandbox.server import serve

    serve(_settings("portal-sandbox"), reset=args.reset)
    return 0


def _centre_console(args: argparse.Namespace) -> int:
    from console.server import serve

    return serve(_settings("centre-console"))


def _add_user(args: argparse.Namespace) -> int:
    from console.server import add_user

    return add_user(_settings("add-user"), args.username, args.role)


def _action_server(args: argparse.Namespace) -> int:
    from runtime.services import serve_actions

    return serve_actions(_settings("action-server"), port=args.port)


def _rasa_server(args: argparse.Namespace) -> int:
    from runtime.services import serve_rasa

    return serve_rasa(_settings("rasa-server"), port=args.port, fleet=args.fleet)


def _fleet(args: argparse.Namespace) -> int:
    from runtime import fleet

    return {"up": fleet.fleet_up, "down": fleet.fleet_down, "serve": fleet.serve_fleet}[args.action]()


def _train(args: argparse.Namespace) -> int:
    from runtime.training import train_if_changed

    return train_if_changed(_settings("train"), force=args.force)


def _models(args: argparse.Namespace) -> int:
    from kiosk.speech.model_install import install_model

    return install_model(_settings("models"), archive=args.archive, sha256=args.sha256)


def _hash_pin(args: argparse.Namespace) -> int:
    import getpass

    from common.hashing import hash_secret

    pin = args.pin or getpass.getpass("PIN: ")
    print(hash_secret(pin))
    return 0


def _card_reader(args: argparse.Namespace) -> int:
    settings = _settings("card-reader")
    from kiosk.devices import card_cli

    if args.simulate:
        from portal.sandbox.cards import sandbox_cards

        return card_cli.simulate(sandbox_cards())
    configured = settings.devices.card_reader
    port, baud_rate = args.port or configured.port, args.baud or configured.baud_rate
    if args.once:
        return card_cli.read_once(port, baud_rate, wait_seconds=args.wait)
    return card_cli.watch(port, baud_rate)


def _say(args: argparse.Namespace) -> int:
    from kiosk.speech.tts import espeak_phrases

    text = " ".join(args.text)
    if args.dry_run:  # no settings, no audio: only what espeak-ng would be given
        spoken, phrases = espeak_phrases(text)
        print(f"said: {spoken}")
        for number, phrase in enumerate(phrases, 1):
            print(f"phrase {number}: {phrase}")
        print("".join(phrases))
        return 0
    from pathlib import Path

    from kiosk.speech.audio_out import NullSink, write_wav
    from kiosk.speech.tts import speaker_from_settings

    settings = _settings("say")
    voice = speaker_from_settings(settings, sink=NullSink() if args.wav else None)
    try:
        if args.wav:
            samples, rate = voice.render(text)
            write_wav(Path(args.wav), samples, rate)
            print(f"{args.wav}: {len(samples) / rate:.1f} s")
        else:
            voice.speak(text)
            voice.wait_idle(120)
    finally:
        voice.close()
    return 0


def _settings(process: str):
    from config import get_settings
    from runtime.logs import setup_logging

    settings = get_settings()
    setup_logging(settings, process)
    return settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="main.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, handler: Callable[[argparse.Namespace], int], text: str):
        sub = commands.add_parser(name, help=text)
        sub.set_defaults(handler=handler)
        return sub

    command("run", _run, "start everything").add_argument(
        "--no-kiosk", action="store_true", help="services only, no window or console")
    command("kiosk", _kiosk, "the kiosk window")
    command("console", _console, "the conversation in a terminal").add_argument(
        "--mute", action="store_true", help="do not speak replies")
    command("portal-sandbox", _portal_sandbox, "the fictional portal").add_argument(
        "--reset", action="store_true", help="rebuild the sandbox database from its seed")
    command("centre-console", _centre_console, "the volunteer and staff console")
    user = command("add-user", _add_user, "add a console account (asks for the password)")
    user.add_argument("username")
    user.add_argument("role", choices=["volunteer", "staff"])
    command("action-server", _action_server, "Rasa custom actions").add_argument(
        "--port", type=int, help="instead of dialogue.action_port (fleet instances)")
    rasa = command("rasa-server", _rasa_server, "Rasa server")
    rasa.add_argument("--port", type=int, help="instead of dialogue.rasa_port (fleet instances)")
    rasa.add_argument("--fleet", action="store_true", help="PostgreSQL tracker store, Redis locks")
    command("fleet", _fleet, "a city's central dialogue service on this machine").add_argument(
        "action", choices=["up", "down", "serve"])
    command("train", _train, "train the Rasa model if needed").add_argument(
        "--force", action="store_true")
    models = command("models", _models, "speech models")
    models.add_argument("action", choices=["install"])
    models.add_argument("--from", dest="archive", help="install from a local archive")
    models.add_argument("--sha256", help="the archive's verified SHA-256 (when none is pinned)")
    command("hash-pin", _hash_pin, "hash a staff PIN").add_argument("--pin")
    say = command("say", _say, "say a text as the kiosk would (verbalised, in pinyin)")
    say.add_argument("text", nargs="+", help="the text, as the kiosk would show it")
    say.add_argument("--dry-run", action="store_true", help="print what espeak-ng is given (last line); no audio")
    say.add_argument("--wav", help="write the speech to this WAV file instead of the speaker")
    reader = command("card-reader", _card_reader, "the ID card reader (default: print its events)")
    reader.add_argument("--port", help="device or pyserial URL, instead of devices.card_reader.port")
    reader.add_argument("--baud", type=int, help="instead of devices.card_reader.baud_rate")
    mode = reader.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true", help="read one card; the last line is masked JSON")
    mode.add_argument("--simulate", action="store_true", help="a simulated reader with the sandbox's cards")
    reader.add_argument("--wait", type=float, default=10.0, help="--once: seconds to wait for a card")
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a clear line, not a traceback, for known set-up problems
        from config import ConfigError

        if isinstance(error, ConfigError):
            print(f"配置有误 / configuration error: {error}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
