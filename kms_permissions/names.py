"""Condition key names: templates, their instances and spellings. One matcher for the project.

The guide writes `kms:EncryptionContext:${context-key}` and `aws:ResourceTag/${tag-key}`; the
SAR writes `kms:EncryptionContext:${EncryptionContextKey}` and `aws:ResourceTag/${TagKey}`, and
lists `kms:RecipientAttestation:PCR0` to `PCR31` where the guide has one `PCR${PCR_ID}`
template. Policies write instances such as `kms:EncryptionContext:aws:logs:arn`: the part that
fills the placeholder may hold `:`, `/` or anything else but nothing at all.

Identity ignores letter case and the placeholder's name. Standard library only, and no `re` at
import time: the lookup command's start-up depends on it.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping


def _split(name: str) -> tuple[str, str] | None:
    """(text before, text after) the first `${...}` placeholder, or None without one."""
    start = name.find("${")
    if start < 0:
        return None
    end = name.find("}", start)
    if end < 0:
        return None
    return name[:start], name[end + 1 :]


def is_template(name: str) -> bool:
    """Whether the name holds a `${...}` placeholder."""
    return _split(name) is not None


def identity(name: str) -> str:
    """A key's identity: lower case, placeholders anonymised (`kms:encryptioncontext:${}`)."""
    parts = _split(name)
    if parts is None:
        return name.lower()
    before, after = parts
    return f"{before}${{}}{identity(after)}".lower()


class Templates:
    """Templated key names, and the matching of instances to them.

    An instance matches a template when it starts with the text before the placeholder, ends
    with the text after it (case-insensitively), and something non-empty fills the
    placeholder. Longer fixed text wins, so `...:NitroTPMPCR7` never matches `...:PCR${id}`.
    Where a source enumerates a template's instances (the SAR lists `PCR0` to `PCR31`), only
    those match: `instances` maps such templates to their names.
    """

    def __init__(
        self, templates: Iterable[str], instances: Mapping[str, Iterable[str]] | None = None
    ) -> None:
        self._closed = {
            template: frozenset(name.lower() for name in names)
            for template, names in (instances or {}).items()
            if names
        }
        parts = []
        for name in set(templates):
            split = _split(name)
            if split is not None:
                before, after = split
                parts.append((before.lower(), after.lower(), name))
        # Most specific first; ties broken by name so that the choice is stable.
        parts.sort(key=lambda p: (-(len(p[0]) + len(p[1])), p[2]))
        self._parts = parts

    def names(self) -> list[str]:
        """The templates, sorted."""
        return sorted(p[2] for p in self._parts)

    def match(self, name: str) -> str | None:
        """The template `name` is an instance of, or None (templates match nothing)."""
        if is_template(name):
            return None
        wanted = name.strip().lower()
        for before, after, template in self._parts:
            if (
                len(wanted) > len(before) + len(after)
                and wanted.startswith(before)
                and wanted.endswith(after)
            ):
                closed = self._closed.get(template)
                return template if closed is None or wanted in closed else None
        return None

    def instance(self, template: str, value: str) -> str:
        """The key name that `value` makes of a template (`encryption_context("aws:s3:arn")`)."""
        split = _split(template)
        if split is None or not value:
            raise ValueError(f"{template!r} is not a template or {value!r} is empty")
        return f"{split[0]}{value}{split[1]}"


def enumerated_instances(sar_names: Iterable[str]) -> list[str]:
    """The instances among a key's SAR names (`PCR0` ... `PCR31`), leaving out other spellings
    of its template (`${EncryptionContextKey}`)."""
    return [name for name in sar_names if not is_template(name)]


def natural_key(name: str) -> tuple[object, ...]:
    """A sort key that orders `PCR2` before `PCR10`."""
    parts: list[object] = []
    digits = ""
    text = ""
    for char in name:
        if char.isdigit():
            if text:
                parts.append(text.lower())
                text = ""
            digits += char
        else:
            if digits:
                parts.append(int(digits))
                digits = ""
            text += char
    if digits:
        parts.append(int(digits))
    if text:
        parts.append(text.lower())
    return tuple((0, p) if isinstance(p, int) else (1, p) for p in parts)
