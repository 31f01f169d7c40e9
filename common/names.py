"""Masked forms of residents' names, for screens, speech and logs.

A name is shown only as its first and last characters (张桂英 -> 张*英, 王林 -> 王*): enough
for a resident to recognise their own, too little for a passer-by to learn it. The rule is
the portal's own (portal/sandbox/identity.py), so the kiosk and the portal always agree.
"""

from __future__ import annotations


def mask_name(name: str) -> str:
    """'张桂英' -> '张*英', '王林' -> '王*', '欧阳秀英' -> '欧**英'."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
