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

from runtime import commands


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="main.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    subcommands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, handler: Callable[[argparse.Namespace], int], text: str):
        sub = subcommands.add_parser(name, help=text)
        sub.set_defaults(handler=handler)
        return sub

    command("run", commands.run, "start everything").add_argument(
        "--no-kiosk", action="store_true", help="services only, no window or terminal conversation")
    command("kiosk", commands.kiosk, "the kiosk window")
    command("terminal", commands.terminal, "the conversation in a terminal").add_argument(
        "--mute", action="store_true", help="do not speak replies")
    command("portal-sandbox", commands.portal_sandbox, "the fictional portal").add_argument(
        "--reset", action="store_true", help="rebuild the sandbox database from its seed")
    command("centre-console", commands.centre_console, "the volunteer and staff console")
    user = command("add-user", commands.add_user, "add a console account (asks for the password)")
    user.add_argument("username")
    user.add_argument("role", choices=["volunteer", "staff"])
    command("add-kiosk", commands.add_kiosk, "a new console key for one kiosk (replaces its old key)").add_argument(
        "kiosk_id")
    command("action-server", commands.action_server, "Rasa custom actions").add_argument(
        "--port", type=int, help="instead of dialogue.action_port (fleet instances)")
    rasa = command("rasa-server", commands.rasa_server, "Rasa server")
    rasa.add_argument("--port", type=int, help="instead of dialogue.rasa_port (fleet instances)")
    rasa.add_argument("--fleet", action="store_true", help="PostgreSQL tracker store, Redis locks")
    fleet = command("fleet", commands.fleet, "a city's central dialogue service on this machine")
    fleet.add_argument("action", choices=["up", "down", "serve", "gate", "add-kiosk", "remove-kiosk"])
    fleet.add_argument("kiosk_id", nargs="?", help="add-kiosk, remove-kiosk: the kiosk's id")
    fleet.add_argument("--port", type=int, help="gate: instead of fleet.gate_base_port")
    command("train", commands.train, "train the Rasa model if needed").add_argument(
        "--force", action="store_true")
    models = command("models", commands.models, "speech models")
    models.add_argument("action", choices=["install"])
    models.add_argument("--from", dest="archive", help="install from a local archive")
    models.add_argument("--sha256", help="the archive's verified SHA-256 (when none is pinned)")
    command("hash-pin", commands.hash_pin, "hash a staff PIN").add_argument("--pin")
    say = command("say", commands.say, "say a text as the kiosk would (verbalised, in pinyin)")
    say.add_argument("text", nargs="+", help="the text, as the kiosk would show it")
    say.add_argument("--dry-run", action="store_true", help="print what espeak-ng is given (last line); no audio")
    say.add_argument("--wav", help="write the speech to this WAV file instead of the speaker")
    reader = command("card-reader", commands.card_reader, "the ID card reader (default: print its events)")
    reader.add_argument("--port", help="device or pyserial URL, instead of devices.card_reader.port")
    reader.add_argument("--baud", type=int, help="instead of devices.card_reader.baud_rate")
    mode = reader.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true", help="read one card; the last line is masked JSON")
    mode.add_argument("--simulate", action="store_true", help="a simulated reader with the sandbox's cards")
    reader.add_argument("--wait", type=float, default=10.0, help="--once: seconds to wait for a card")
    pack = command("voice-pack", commands.voice_pack, "recorded voice packs: the prompt list, coverage, import")
    pack.add_argument("action", choices=["prompts", "coverage", "import"])
    pack.add_argument("target", nargs="?", help="coverage: one pack's id; import: the pack's folder (USB stick)")
    pack.add_argument("--write", action="store_true", help="prompts: update kiosk/speech/prompts.json")
    pack.add_argument("--json", action="store_true", help="coverage: as JSON")
    pack.add_argument("--replace", action="store_true", help="import: replace the pack of the same id")
    bundle = command("bundle", commands.bundle,
                     "an offline install/update archive of this checkout (needs the registry once)")
    bundle.add_argument("--out", default=".", help="folder for elder-kiosk-<version>.tar (default: here)")
    bundle.add_argument("--version", help="instead of git describe (e.g. a release number)")
    install = command("install", commands.install, "install or update the kiosk on this PC (as root)")
    install.add_argument("--from", dest="bundle", help="an offline bundle (USB stick); default: this checkout")
    install.add_argument("--root", default="/", help="install under this folder instead of / (tests, images)")
    install.add_argument("--kiosk-id", help="first install: this kiosk's id (default: the host name)")
    install.add_argument("--centre", help="first install: the centre's id")
    install.add_argument("--district", help="first install: the centre's county or district, e.g. 章贡区")
    command("rollback", commands.rollback, "back to the previously installed version (as root)").add_argument(
        "--root", default="/", help="the folder given to install --root")
    uninstall = command("uninstall", commands.uninstall, "remove the installed kiosk, keeping its data (as root)")
    uninstall.add_argument("--root", default="/", help="the folder given to install --root")
    uninstall.add_argument("--purge-data", action="store_true", help="also delete the data folder and its user")
    upkeep = command("maintenance", commands.maintenance,
                     "vacuum databases, rotate logs, record health (timers run it)")
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
