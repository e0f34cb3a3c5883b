"""Reading a file to check: regular files only, a size cap, UTF-8, and short echoes.

Every problem is a `PolicyError` naming the file; nothing here blocks (a FIFO with no writer
is refused before it is opened for reading) or reads more than the cap.
"""

from __future__ import annotations

import os
import stat
import sys

from kms_permissions.policy.document import PolicyError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO

# A CloudFormation template is at most 1 MB, a key policy 32 KB; plan JSON of a large
# configuration runs to megabytes.
MAX_BYTES = 16 * 1024 * 1024
# Policies nest about 6 levels, templates and Terraform plans about 30.
MAX_DEPTH = 100
ECHO = 80


def shown(value: object, limit: int = ECHO) -> str:
    """A value as it may be echoed in a message: repr, cut to `limit` characters, and no
    character that cannot be printed (a lone surrogate is shown escaped)."""
    text = repr(value) if isinstance(value, str) else str(value)
    if len(text) > limit:
        text = f"{text[: limit - 1]}… ({len(text)} characters)"
    return safe(text)


def safe(text: str) -> str:
    """`text` with lone surrogates escaped, so that it can be written as UTF-8."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _read_capped(stream: BinaryIO) -> bytes:
    """At most MAX_BYTES + 1 bytes of a stream, read a megabyte at a time: `read(MAX_BYTES + 1)`
    would set aside a buffer of that size for every file, however small."""
    chunks: list[bytes] = []
    left = MAX_BYTES + 1
    while left > 0:
        chunk = stream.read(min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_bytes(name: str, stdin: BinaryIO | None = None) -> bytes:
    """The bytes of a file (`-`: standard input), at most MAX_BYTES."""
    if name == "-":
        if stdin is None:
            from kms_permissions.files import stdin_problem

            problem = stdin_problem()
            if problem is not None:
                raise PolicyError(problem)
        data = _read_capped(stdin or sys.stdin.buffer)
    else:
        try:
            info = os.stat(name)
        except OSError as exc:
            raise PolicyError(f"{exc.strerror or exc}") from None
        if stat.S_ISDIR(info.st_mode):
            raise PolicyError("is a folder")
        if not stat.S_ISREG(info.st_mode):
            raise PolicyError("not a regular file (a device, FIFO or socket is not read)")
        try:
            # O_NONBLOCK: should the path be swapped for a FIFO after the check, opening it
            # still returns at once.
            fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError as exc:
            raise PolicyError(f"{exc.strerror or exc}") from None
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise PolicyError("not a regular file (a device, FIFO or socket is not read)")
            data = _read_capped(handle)
    if len(data) > MAX_BYTES:
        raise PolicyError(f"larger than {MAX_BYTES // (1024 * 1024)} MiB; not read")
    return data


def decode(data: bytes) -> str:
    """UTF-8 text (a byte order mark is dropped), or a PolicyError naming the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise PolicyError(
            f"line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
