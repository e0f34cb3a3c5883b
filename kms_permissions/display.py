"""Small display helpers shared by the command line and the site."""

from __future__ import annotations

# Characters a terminal acts on rather than shows: C0 and C1 controls (escape sequences, a
# carriage return that overwrites a line, a line break that forges one) and the bidirectional
# overrides that reorder what is shown.
_UNPRINTABLE = {
    code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    for code in (*range(0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A))
}


def printable(text: str) -> str:
    """`text` with every character a terminal would act on shown escaped (`\\x1b`, `\\x0d`,
    `\\u202e`): what a policy or a file name holds is shown, never obeyed."""
    return text.translate(_UNPRINTABLE)


def compact(names: list[str]) -> list[str]:
    """Names with numbered runs folded for reading: `...PCR0` to `...PCR31` as `...PCR{0..31}`."""
    import re

    families: dict[str, list[int]] = {}
    order: list[str] = []
    for name in names:
        match = re.fullmatch(r"(.*?\D)(\d+)", name)
        stem = match.group(1) if match else name
        if stem not in families:
            families[stem] = []
            order.append(stem)
        if match:
            families[stem].append(int(match.group(2)))
    out = []
    for stem in order:
        numbers = sorted(families[stem])
        if len(numbers) > 2:
            out.append(f"{stem}{{{numbers[0]}..{numbers[-1]}}}")
        elif numbers:
            out += [f"{stem}{n}" for n in numbers]
        else:
            out.append(stem)
    return out


def family(name: str) -> str:
    """The folded name of a numbered key (`...PCR7` -> `...PCR{n}`), or the name itself."""
    import re

    match = re.fullmatch(r"(.*?\D)(\d+)", name)
    return f"{match.group(1)}{{n}}" if match else name


# Short names of the sources facts come from (kms_permissions.model.FACT_SOURCES has the long ones),
# in the order outputs show them.
SOURCE_NAMES = {
    "permissions": "the permissions reference",
    "conditions": "the condition key pages",
    "sar": "the SAR",
    "api": "the API Reference",
    "notes": "the guide's notes",
}
