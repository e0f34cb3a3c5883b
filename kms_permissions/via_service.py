"""kms:ViaService values: `SERVICE.REGION.amazonaws.com`, their parts and the Region's form.

The guide writes each service's name as `ec2.AWS_region.amazonaws.com`. The China Regions'
endpoints end in `.amazonaws.com.cn` instead, so a value of that form in a `cn-` Region is read
as well-formed (never flagged); the suffix is not accepted with another Region. Standard
library only, and no `re` at import time (the generated constants import this on first use of
their helper).
"""

from __future__ import annotations

from functools import cache

SUFFIX = ".amazonaws.com"
CHINA_SUFFIX = ".amazonaws.com.cn"
CHINA_REGION_PREFIX = "cn-"
PLACEHOLDER = "AWS_region"
# A Region: two letters, one or two words, a number (us-east-1, us-gov-west-1, us-isob-east-1).
REGION_PATTERN = r"[a-z]{2}(?:-[a-z]+){1,2}-[1-9][0-9]?"
REGION_EXAMPLE = "us-east-1"


@cache
def _region() -> object:
    import re

    return re.compile(REGION_PATTERN)


def is_region(text: str) -> bool:
    """Whether `text` has the form of an AWS Region name (us-east-1); not whether it exists."""
    return _region().fullmatch(text) is not None  # type: ignore[attr-defined]


def prefix_of(name: str) -> str:
    """The service part of a ViaService name as the guide writes it (ec2 for
    ec2.AWS_region.amazonaws.com)."""
    return name.split(".", 1)[0]


def value(prefix: str, region: str) -> str:
    """`PREFIX.REGION.amazonaws.com`; ValueError when the Region does not have a Region's form."""
    if not is_region(region):
        raise ValueError(f"{region!r} is not a Region name such as {REGION_EXAMPLE}")
    return f"{prefix}.{region}{SUFFIX}"


def split(text: str) -> tuple[str, str] | None:
    """(service part, Region part) of `SERVICE.REGION.amazonaws.com` (or of
    `SERVICE.cn-REGION.amazonaws.com.cn`); None for another form."""
    china = text.endswith(CHINA_SUFFIX)
    suffix = CHINA_SUFFIX if china else SUFFIX
    if not text.endswith(suffix):
        return None
    parts = text[: -len(suffix)].split(".")
    if len(parts) != 2 or not all(parts):
        return None
    if china and not parts[1].startswith(CHINA_REGION_PREFIX):
        return None
    return parts[0], parts[1]


def problem(text: str, prefixes: set[str], elided: tuple[str, ...] = ()) -> str | None:
    """What is wrong with a kms:ViaService condition value, or None when it names a service of
    `prefixes` in a Region of the right form.

    `elided` are the services whose names the table held does not give (Amazon ElastiCache in
    the guide's markdown copies): a message about an unknown service says so, since such a value
    may be theirs. A value with a wildcard (`*`, `?`) is not judged: it is a pattern."""
    if "*" in text or "?" in text:
        return None
    parts = split(text)
    if parts is None:
        return f"{text!r} is not of the form SERVICE.REGION{SUFFIX}"
    prefix, region = parts
    if prefix not in prefixes:
        said = f"{text!r} names no service the guide lists as supporting kms:ViaService"
        if elided:
            said += f" (the table held does not give the names of {', '.join(elided)})"
        return said
    if not is_region(region):
        return f"{text!r}: {region!r} is not a Region name such as {REGION_EXAMPLE}"
    return None
