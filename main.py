"""Elder Service Assistant (长者服务助手): one entry point, one subcommand per process.

    python main.py run              supervisor: sandbox, action server, Rasa, then the kiosk
    python main.py kiosk            the Kivy window only (services already running)
    python main.py terminal         the same conversation in a terminal (no display)
    python main.py portal-sandbox   the fictional portal [--reset]
    python main.py centre-console   the volunteer desk's web page (help, lessons, usage)
    python main.py add-user NAME ROLE   a console account (volunteer or staff)
    python main.py add-kiosk KIOSK_ID   a new console key for one kiosk (printed once)
    python main.py action-server    Rasa custom actions
    python main.py rasa-server      Rasa with the trained model
    python main.py fleet up|down    a city's central dialogue service (nginx, Rasa x N, PostgreSQL, Redis)
    python main.py fleet add-kiosk ID   a kiosk's own key for the fleet, printed once [remove-kiosk ID]
    python main.py train            train the Rasa model if nlu/ changed
    python main.py models install   install the Vosk speech model [--from FILE]
    python main.py hash-pin         hash a staff PIN for the settings file
    python main.py say TEXT         say TEXT as the kiosk would [--dry-run: print what espeak-ng gets] [--wav FILE]
    python main.py card-reader      the ID card reader: --once reads one card, --simulate a fake one
    python main.py voice-pack prompts|coverage|import   recorded voice packs [--write] [PACK] [PATH --replace]
    python main.py bundle           one offline archive: code, wheels for both Pythons, models [--out DIR]
    python main.py install          (root) install or update this PC [--from BUNDLE] [--root DIR]
    python main.py rollback         (root) back to the previous installed version [--root DIR]
    python main.py uninstall        (root) remove the installed kiosk [--purge-data] [--root DIR]
    python main.py maintenance      nightly upkeep: databases, logs, health record [--health]
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


def _terminal(args: argparse.Namespace) -> int:
    from kiosk.terminal import run_terminal

    return run_terminal(speak=not args.mute)


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


def _add_kiosk(args: argparse.Namespace) -> int:
    from console.server import add_kiosk

    return add_kiosk(_settings("add-kiosk"), args.kiosk_id)


def _action_server(args: argparse.Namespace) -> int:
    from runtime.services import serve_actions

    return serve_actions(_settings("action-server"), port=args.port)


def _rasa_server(args: argparse.Namespace) -> int:
    from runtime.services import serve_rasa

    return serve_rasa(_settings("rasa-server"), port=args.port, fleet=args.fleet)


def _fleet(args: argparse.Namespace) -> int:
    if args.action == "gate":
        from runtime.gate import serve_gate

        return serve_gate(_settings("conversation-gate"), port=args.port)
    if args.action in ("add-kiosk", "remove-kiosk"):
        from config import get_settings
        from runtime.kiosk_keys import kiosk_key_command

        return kiosk_key_command(get_settings(), args.action, args.kiosk_id)
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


def _voice_pack(args: argparse.Namespace) -> int:
    from kiosk.speech import pack_cli

    if args.action == "prompts":  # read from the sources: no settings needed
        return pack_cli.prompts(write=args.write)
    settings = _settings("voice-pack")
    if args.action == "coverage":
        return pack_cli.show_coverage(settings.data_dir, args.target, as_json=args.json)
    if not args.target:
        print("voice-pack import needs the pack's folder (the one holding manifest.json)", file=sys.stderr)
        return 2
    return pack_cli.import_from(settings.data_dir, args.target, replace=args.replace)


def _bundle(args: argparse.Namespace) -> int:
    from pathlib import Path

    from runtime.bundle import run_bundle

    return run_bundle(_settings("bundle"), Path(args.out), version=args.version)


def _install(args: argparse.Namespace) -> int:
    from pathlib import Path

    from runtime.install import install  # standard library only: runs on a fresh Debian's python3

    return install(Path(args.root), Path(args.bundle) if args.bundle else None, kiosk_id=args.kiosk_id,
                   centre_id=args.centre, district=args.district)


def _rollback(args: argparse.Namespace) -> int:
    from pathlib import Path

    from runtime.install import rollback

    return rollback(Path(args.root))


def _uninstall(args: argparse.Namespace) -> int:
    from pathlib import Path

    from runtime.install import uninstall

    return uninstall(Path(args.root), purge_data=args.purge_data)


def _maintenance(args: argparse.Namespace) -> int:
    from runtime.maintenance import run_maintenance

    return run_maintenance(_settings("maintenance"), health_only=args.health, if_due=args.if_due,
                           wait_ready=args.wait_ready)


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
        "--no-kiosk", action="store_true", help="services only, no window or terminal conversation")
    command("kiosk", _kiosk, "the kiosk window")
    command("terminal", _terminal, "the conversation in a terminal").add_argument(
        "--mute", action="store_true", help="do not speak replies")
    command("portal-sandbox", _portal_sandbox, "the fictional portal").add_argument(
        "--reset", action="store_true", help="rebuild the sandbox database from its seed")
    command("centre-console", _centre_console, "the volunteer and staff console")
    user = command("add-user", _add_user, "add a console account (asks for the password)")
    user.add_argument("username")
    user.add_argument("role", choices=["volunteer", "staff"])
    command("add-kiosk", _add_kiosk, "a new console key for one kiosk (replaces its old key)").add_argument(
        "kiosk_id")
    command("action-server", _action_server, "Rasa custom actions").add_argument(
        "--port", type=int, help="instead of dialogue.action_port (fleet instances)")
    rasa = command("rasa-server", _rasa_server, "Rasa server")
    rasa.add_argument("--port", type=int, help="instead of dialogue.rasa_port (fleet instances)")
    rasa.add_argument("--fleet", action="store_true", help="PostgreSQL tracker store, Redis locks")
    fleet = command("fleet", _fleet, "a city's central dialogue service on this machine")
    fleet.add_argument("action", choices=["up", "down", "serve", "gate", "add-kiosk", "remove-kiosk"])
    fleet.add_argument("kiosk_id", nargs="?", help="add-kiosk, remove-kiosk: the kiosk's id")
    fleet.add_argument("--port", type=int, help="gate: instead of fleet.gate_base_port")
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
    pack = command("voice-pack", _voice_pack, "recorded voice packs: the prompt list, coverage, import")
    pack.add_argument("action", choices=["prompts", "coverage", "import"])
    pack.add_argument("target", nargs="?", help="coverage: one pack's id; import: the pack's folder (USB stick)")
    pack.add_argument("--write", action="store_true", help="prompts: update kiosk/speech/prompts.json")
    pack.add_argument("--json", action="store_true", help="coverage: as JSON")
    pack.add_argument("--replace", action="store_true", help="import: replace the pack of the same id")
    bundle = command("bundle", _bundle, "an offline install/update archive of this checkout (needs the registry once)")
    bundle.add_argument("--out", default=".", help="folder for elder-kiosk-<version>.tar (default: here)")
    bundle.add_argument("--version", help="instead of git describe (e.g. a release number)")
    install = command("install", _install, "install or update the kiosk on this PC (as root)")
    install.add_argument("--from", dest="bundle", help="an offline bundle (USB stick); default: this checkout")
    install.add_argument("--root", default="/", help="install under this folder instead of / (tests, images)")
    install.add_argument("--kiosk-id", help="first install: this kiosk's id (default: the host name)")
    install.add_argument("--centre", help="first install: the centre's id")
    install.add_argument("--district", help="first install: the centre's county or district, e.g. 章贡区")
    command("rollback", _rollback, "back to the previously installed version (as root)").add_argument(
        "--root", default="/", help="the folder given to install --root")
    uninstall = command("uninstall", _uninstall, "remove the installed kiosk, keeping its data (as root)")
    uninstall.add_argument("--root", default="/", help="the folder given to install --root")
    uninstall.add_argument("--purge-data", action="store_true", help="also delete the data folder and its user")
    upkeep = command("maintenance", _maintenance, "vacuum databases, rotate logs, record health (timers run it)")
    when = upkeep.add_mutually_exclusive_group()
    when.add_argument("--health", action="store_true", help="only write the health record")
    when.add_argument("--if-due", action="store_true", help="only if the last run is more than a day old")
    when.add_argument("--wait-ready", action="store_true", help="wait until every service answers (unit start)")
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
