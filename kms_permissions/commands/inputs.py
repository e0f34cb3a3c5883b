"""Inputs shared by the verbs: names from arguments or standard input, checked."""

from __future__ import annotations

from kms_permissions.commands.output import read_names
from kms_permissions.errors import InputError


def names_from(values: list[str], option: str) -> list[str]:
    """The names given (`-` reads standard input, one per line); an empty standard input or one
    that is not UTF-8 is a usage error naming the option."""
    given = [v for v in values if v != "-"]
    names = read_names(values, f"{option} -")
    if "-" in values and len(names) == len(given):
        raise InputError(f"{option} -: standard input holds no name")
    return names
