"""What each `main.py` subcommand does: one small function per process or tool.

Why apart from main.py: the entry point stays a table of commands and their options that
reads in a minute; the work behind each command lives in its own package, and these
functions only pick it up. Every import is inside its function, so `main.py install` runs
on a fresh Debian's python3 with only the standard library, and `main.py say --dry-run`
needs no settings. `load_settings(process)` loads the validated settings and sets up that
process's logging, once, for the commands that need them.
"""

from __future__ import annotations

import argparse
import sys


def run(args: argparse.Namespace) -> int:
    from runtime.supervisor import run_all

    return run_all(kiosk=not args.no_kiosk)


def kiosk(args: argparse.Namespace) -> int:
    from kiosk.main import run_kiosk

    return run_kiosk()


def terminal(args: argparse.Namespace) -> int:
    from kiosk.terminal import run_terminal

    return run_terminal(speak=not args.mute)


def portal_sandbox(args: argparse.Namespace) -> int:
    from portal.sandbox.server import serve

    serve(load_settings("portal-sandbox"), reset=args.reset)
    return 0


def centre_console(args: argparse.Namespace) -> int:
    from console.server import serve

    return serve(load_settings("centre-console"))


def add_user(args: argparse.Namespace) -> int:
    from console.server import add_user

    return add_user(load_settings("add-user"), args.username, args.role)


def add_kiosk(args: argparse.Namespace) -> int:
    from console.server import add_kiosk

    return add_kiosk(load_settings("add-kiosk"), args.kiosk_id)


def action_server(args: argparse.Namespace) -> int:
    from runtime.services import serve_actions

    return serve_actions(load_settings("action-server"), port=args.port)


def rasa_server(args: argparse.Namespace) -> int:
    from runtime.services import serve_rasa

    return serve_rasa(load_settings("rasa-server"), port=args.port, fleet=args.fleet)


def fleet(args: argparse.Namespace) -> int:
    if args.action == "gate":
        from runtime.gate import serve_gate

        return serve_gate(load_settings("conversation-gate"), port=args.port)
    if args.action in ("add-kiosk", "remove-kiosk"):
        from config import get_settings
        from runtime.kiosk_keys import kiosk_key_command

        return kiosk_key_command(get_settings(), args.action, args.kiosk_id)
    from runtime import fleet

    return {"up": fleet.fleet_up, "down": fleet.fleet_down, "serve": fleet.serve_fleet}[args.action]()


def train(args: argparse.Namespace) -> int:
    from runtime.training import train_if_changed

    return train_if_changed(load_settings("train"), force=args.force)


def models(args: argparse.Namespace) -> int:
    from kiosk.speech.model_install import install_model

    return install_model(load_settings("models"), archive=args.archive, sha256=args.sha256)


def hash_pin(args: argparse.Namespace) -> int:
    import getpass

    from common.hashing import hash_secret

    pin = args.pin or getpass.getpass("PIN: ")
    print(hash_secret(pin))
    return 0


def card_reader(args: argparse.Namespace) -> int:
    settings = load_settings("card-reader")
    from kiosk.devices import card_cli

    if args.simulate:
        from portal.sandbox.cards import sandbox_cards

        return card_cli.simulate(sandbox_cards())
    configured = settings.devices.card_reader
    port, baud_rate = args.port or configured.port, args.baud or configured.baud_rate
    if args.once:
        return card_cli.read_once(port, baud_rate, wait_seconds=args.wait)
    return card_cli.watch(port, baud_rate)


def say(args: argparse.Namespace) -> int:
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

    settings = load_settings("say")
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


def voice_pack(args: argparse.Namespace) -> int:
    from kiosk.speech import pack_cli

    if args.action == "prompts":  # read from the sources: no settings needed
        return pack_cli.prompts(write=args.write)
    settings = load_settings("voice-pack")
    if args.action == "coverage":
        return pack_cli.show_coverage(settings.data_dir, args.target, as_json=args.json)
    if not args.target:
        print("voice-pack import needs the pack's folder (the one holding manifest.json)", file=sys.stderr)
        return 2
    return pack_cli.import_from(settings.data_dir, args.target, replace=args.replace)


def bundle(args: argparse.Namespace) -> int:
    from pathlib import Path

    from runtime.bundle import run_bundle

    return run_bundle(load_settings("bundle"), Path(args.out), version=args.version)


def install(args: argparse.Namespace) -> int:
    from pathlib import Path

    from runtime.install import install  # standard library only: runs on a fresh Debian's python3

    return install(Path(args.root), Path(args.bundle) if args.bundle else None, kiosk_id=args.kiosk_id,
                   centre_id=args.centre, district=args.district)


def rollback(args: argparse.Namespace) -> int:
    from pathlib import Path

    from runtime.install import rollback

    return rollback(Path(args.root))


def uninstall(args: argparse.Namespace) -> int:
    from pathlib import Path

    from runtime.install import uninstall

    return uninstall(Path(args.root), purge_data=args.purge_data)


def maintenance(args: argparse.Namespace) -> int:
    from runtime.maintenance import run_maintenance

    return run_maintenance(load_settings("maintenance"), health_only=args.health, if_due=args.if_due,
                           wait_ready=args.wait_ready)


def load_settings(process: str):
    from config import get_settings
    from runtime.logs import setup_logging

    settings = get_settings()
    setup_logging(settings, process)
    return settings
