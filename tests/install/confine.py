"""Run a command with the filesystem and network a systemd unit would give it, without systemd.

This container has no systemd as PID 1, so the tests rebuild what matters of the units'
sandbox with namespaces instead (`unshare --mount [--net]` runs this script first):

    --writable DIR   stays writable; every other mount is made read-only (ProtectSystem=strict
                     with ReadWritePaths=, and for the installer: "writes nothing outside DIR")
    --hide DIR       an empty tmpfs over DIR (ProtectHome=yes over /root and /home: the installed
                     kiosk must not lean on the build machine's pyenv in /root)
    --private-tmp    fresh /tmp and /var/tmp (PrivateTmp=yes)
    --loopback       bring up lo in the new network namespace: loopback only, no network
    --user UID:GID   drop to this user with no supplementary groups and no new privileges
                     (User=, NoNewPrivileges=yes)
    --syscalls SET   allow only this systemd system-call set, as expanded by systemd-analyze;
                     anything else fails with EPERM (SystemCallFilter=, SystemCallErrorNumber=EPERM;
                     needs python3-seccomp)

Standard library only; it runs with the system Python before the command it becomes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from typing import List

API_FILESYSTEMS = ("/proc", "/sys", "/dev")


def _mount(*arguments: str) -> None:
    subprocess.run(["mount", *arguments], check=True)


def _mount_points() -> List[str]:
    points = []
    with open("/proc/self/mountinfo", encoding="utf-8") as table:
        for line in table:
            point = line.split()[4].encode().decode("unicode_escape")
            points.append(point)
    return points


def confine(writable: List[str], hide: List[str], private_tmp: bool, loopback: bool) -> None:
    _mount("--make-rprivate", "/")
    for folder in writable:
        _mount("--bind", folder, folder)
    for point in sorted(set(_mount_points())):
        if point in writable or any(point == api or point.startswith(api + "/") for api in API_FILESYSTEMS):
            continue
        subprocess.run(["mount", "-o", "remount,bind,ro", point], check=False, capture_output=True)
    for folder in hide:
        if os.path.isdir(folder):
            _mount("-t", "tmpfs", "-o", "mode=0755,size=1m", "tmpfs", folder)
    if private_tmp:
        for folder in ("/tmp", "/var/tmp"):
            _mount("-t", "tmpfs", "-o", "mode=1777", "tmpfs", folder)
    if loopback:
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True)


def syscalls_of(group: str) -> List[str]:
    """Every system call in a systemd set, its nested sets expanded (`systemd-analyze syscall-filter`)."""
    listing = subprocess.run(["systemd-analyze", "syscall-filter", group], capture_output=True, text=True,
                             check=True).stdout
    names: List[str] = []
    for line in listing.splitlines()[1:]:
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        names += syscalls_of(entry) if entry.startswith("@") else [entry]
    return names


def load_syscall_filter(group: str) -> None:
    import errno

    import seccomp

    allowed = seccomp.SyscallFilter(defaction=seccomp.ERRNO(errno.EPERM))
    for name in sorted(set(syscalls_of(group))):
        try:
            allowed.add_rule(seccomp.ALLOW, name)
        except (RuntimeError, ValueError):
            continue  # a call this architecture does not have
    allowed.load()


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--writable", action="append", default=[])
    parser.add_argument("--hide", action="append", default=[])
    parser.add_argument("--private-tmp", action="store_true")
    parser.add_argument("--loopback", action="store_true")
    parser.add_argument("--user", help="UID:GID")
    parser.add_argument("--syscalls", help="a systemd system-call set, e.g. @system-service")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    confine([os.path.realpath(path) for path in args.writable], args.hide, args.private_tmp, args.loopback)
    if args.user:
        uid, gid = args.user.split(":")
        command = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--no-new-privs",
                   "--inh-caps=-all", "--bounding-set=-all", "--", *command]
    if args.syscalls:
        load_syscall_filter(args.syscalls)  # last: setpriv and the command both run under it
    os.execvp(command[0], command)
    return 127


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
