"""Lists of condition keys on a page, numbered families folded into one line."""

from __future__ import annotations

from collections.abc import Callable

from kms_permissions.display import compact, family
from kms_permissions.generator.markdown import code
from kms_permissions.generator.site.context import Site
from kms_permissions.names import natural_key


def folded_names(site: Site, names: list[str], here: str, numbers: bool = True) -> list[str]:
    """Each name linked to its page; a run of three or more numbered names (PCR0 ... PCR31)
    as one entry, `kms:...PCR{0..31}`, linking each instance by its number (or with
    `numbers=False`, only saying how many)."""
    runs: dict[str, list[str]] = {}
    for name in names:
        runs.setdefault(family(name), []).append(name)
    shown = []
    for members in runs.values():
        if len(members) < 3:
            shown += [site.name_link(name, here) for name in members]
            continue
        members = sorted(members, key=natural_key)
        if not numbers:
            shown.append(f"{code(compact(members)[0])} ({len(members)} keys)")
            continue
        stem = family(members[0]).removesuffix("{n}")
        each = [site.name_link(m, here, label=m[len(stem) :]) for m in members]
        shown.append(f"{code(compact(members)[0])} ({len(members)} keys: {', '.join(each)})")
    return shown


def key_list(
    site: Site, names: list[str], here: str, note: Callable[[list[str]], str] | None = None
) -> list[str]:
    """Markdown list items for condition keys, families folded; `note` adds text after each
    entry (given the names it stands for)."""
    runs: dict[str, list[str]] = {}
    for name in names:
        runs.setdefault(family(name), []).append(name)
    items = []
    for members in runs.values():
        parts = [members] if len(members) >= 3 else [[m] for m in members]
        for part in parts:
            (entry,) = folded_names(site, part, here)
            items.append(f"- {entry}" + (f" ({note(part)})" if note else ""))
    return items
