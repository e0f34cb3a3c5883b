"""Writing files safely: the output rules every writer follows, temporary paths, atomic renames.

A neutral module (standard library only) that every layer may use. The rules, for a file or a
folder the user names as an output:

- an empty path, a symbolic link, or anything that is not a regular file (a folder where a file
  goes, a file where a folder goes, a device, a FIFO, a socket) is refused;
- an output that is, contains or lies inside one of the command's inputs is refused, even with
  `--force`;
- an existing output is replaced only when the writer recognises it as its own earlier output
  (each writer passes its own test: a dataset's manifest, a scrape file's format, a marker);
  `--force` replaces it anyway;
- the new content is written beside the target and renamed into place, so the old output stays
  whole until the new one is complete; a folder is swapped with one atomic exchange where the
  system has it (Linux's renameat2), else by two renames that the next run can undo;
- whatever a writer stages beside its target carries a name it owns (`.NAME.kms-permissions-*`)
  and is written under a lock beside the target (`.NAME.kms-permissions.lock`, an flock the
  kernel releases when the process dies, however it dies). A run that takes the lock therefore
  knows that no writer of that target is alive: it removes the staged copies a killed run left,
  puts a folder the kill left retired back in place, and only then writes. A second run while
  one is writing is refused rather than interleaved.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock; writes are still atomic, leftovers stay
    fcntl = None  # type: ignore[assignment]

from kms_permissions.errors import InputError, OutputError, shown

# What a writer recognises as its own earlier output at a path (a file or a folder).
Recogniser = Callable[[Path], bool]

# The part of a staged name that says this tool made it: `.NAME.kms-permissions-XXXX.tmp`.
OWNED = "kms-permissions"

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISREG, "a file"),
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
)


def describe(mode: int) -> str:
    """What kind of file system entry a `st_mode` is, as a message says it."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "a special file"


def output_path(value: str | os.PathLike[str], option: str = "--out") -> Path:
    """The absolute path of an output, the symbolic links of its parents resolved.

    The last component is kept as it is, so that a symbolic link there is seen (and refused)
    rather than followed. An empty path is refused: `Path('')` would mean the current folder.
    """
    text = os.fspath(value)
    if not text.strip():
        raise OutputError(f"{option} {shown(text)}: an empty path; name a file or folder")
    absolute = Path(os.path.abspath(text))
    if absolute.parent == absolute:
        raise OutputError(f"{option} {absolute}: the root folder cannot be an output")
    return Path(os.path.realpath(absolute.parent)) / absolute.name


def real_path(path: str | os.PathLike[str]) -> Path:
    """Where `path` leads, links followed as far as they go; never an error: a link loop or a
    missing target stays as written, for the read that follows to fail on as that one file's
    problem. Every verb locates its input files with this."""
    return Path(os.path.realpath(path))


def under(root: Path, path: Path) -> str:
    """The place of a file found by walking `root` (a path that starts with `root`), as the
    walk found it: a link out of the folder (git-annex lays pages out so) keeps its place."""
    return path.relative_to(root).as_posix()


def check_output(
    target: Path,
    *,
    folder: bool,
    ours: Recogniser,
    inputs: Mapping[str, Path | None] | None = None,
    force: bool = False,
    mine: str = "kms-permissions output",
) -> None:
    """Refuse `target` (from `output_path`) unless the output rules allow writing it.

    `folder`: whether the output is a folder; `ours`: the writer's test for its own earlier
    output; `inputs`: label -> path of what the command reads; `mine`: what the writer's own
    output is called in messages.
    """
    check_inputs(target, inputs or {})
    if target.parent.is_dir():
        with claimed(target):  # what a killed run left is put right before the target is judged
            pass
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        _check_parents(target)
        return
    except OSError as exc:
        _check_parents(target)
        raise OutputError(f"{target}: cannot be written ({exc.strerror})") from None
    expected = "a folder" if folder else "a file"
    found = describe(mode)
    if found != expected:
        raise OutputError(
            f"{target}: is {found}, not {expected}; refusing to replace it with {expected}"
        )
    if folder and not _has_entries(target):
        return
    if force or ours(target):
        return
    raise OutputError(
        f"{target}: exists and is not a {mine}; refusing to replace it (pass --force to replace "
        "it anyway)"
    )


def _has_entries(folder: Path) -> bool:
    try:
        with os.scandir(folder) as entries:
            return any(True for _ in entries)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot be read ({exc.strerror})") from None


def _check_parents(target: Path) -> None:
    """Refuse a target under something that is not a folder (`--out /etc/passwd/x`)."""
    for parent in target.parents:
        try:
            mode = os.stat(parent).st_mode
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise OutputError(f"{target}: cannot be written ({parent}: {exc.strerror})") from None
        if not stat.S_ISDIR(mode):
            raise OutputError(f"{target}: lies under {parent}, which is {describe(mode)}")
        return


def check_inputs(target: Path, inputs: Mapping[str, Path | None]) -> None:
    """Refuse an output that is, contains or lies inside one of the `inputs` (label -> path)."""
    target = real_path(target)
    for label, given in inputs.items():
        if given is None:
            continue
        source = Path(os.path.realpath(given))
        where = f"the input {label} {given}"
        if source == target:
            raise OutputError(f"{target}: is {where}; write the output somewhere else")
        if target in source.parents:
            raise OutputError(f"{target}: contains {where}; write the output somewhere else")
        if source in target.parents:
            raise OutputError(f"{target}: lies inside {where}; write the output somewhere else")


def write_file(
    path: Path,
    data: bytes,
    *,
    ours: Recogniser,
    inputs: Mapping[str, Path | None] | None = None,
    force: bool = False,
    mine: str = "kms-permissions output",
) -> None:
    """Check `path` against the output rules, then write `data` to it atomically."""
    check_output(path, folder=False, ours=ours, inputs=inputs, force=force, mine=mine)
    try:
        atomic_write(path, data, wait=False)
    except OSError as exc:
        raise OutputError(f"{path}: not written ({_reason(exc)})") from None


@contextmanager
def replacing_folder(target: Path) -> Iterator[Path]:
    """A new empty folder beside `target` to fill; put in place of `target` when the block ends.

    The caller has checked `target` with `check_output`. The target is claimed (see `claimed`)
    for the whole block. If the block fails, the staged folder is removed and `target` is left
    as it was; an OSError becomes an OutputError naming it.
    """
    with claimed(target):
        try:
            staged = _staging_folder(target)
        except OSError as exc:
            raise OutputError(f"{target}: not written ({_reason(exc)})") from None
        try:
            yield staged
            _install_folder(staged, target)
        except OSError as exc:
            _rmtree(staged)
            raise OutputError(f"{target}: not written ({_reason(exc)})") from None
        except BaseException:
            _rmtree(staged)
            raise


@contextmanager
def claimed(target: Path, wait: bool = False) -> Iterator[None]:
    """Hold the lock of `target` (beside it) for the block, after putting right what a killed
    writer of it left: its staged copies removed, its retired folder back if the target is
    gone. With `wait`, wait for a writer that holds it; else refuse at once."""
    if fcntl is None:
        yield
        return
    lock = target.parent / f".{target.name}.{OWNED}.lock"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = _lock(lock, wait)
    except BlockingIOError:
        raise OutputError(
            f"{target}: another kms-permissions run is writing it; nothing written (try again "
            "when it is done)"
        ) from None
    except OSError as exc:
        raise OutputError(f"{target}: not written ({_reason(exc)})") from None
    try:
        _clear_leftovers(target)
        yield
    finally:
        with suppress(OSError):
            os.unlink(lock)  # while still held: a waiter then finds its lock file gone, retries
        os.close(fd)


def _lock(lock: Path, wait: bool) -> int:
    """An open descriptor of `lock` holding its flock (the file at that name, not one a
    finishing writer unlinked meanwhile)."""
    assert fcntl is not None
    flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
    while True:
        fd = os.open(lock, flags, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            held, named = os.fstat(fd), os.stat(lock, follow_symlinks=False)
        except FileNotFoundError:
            os.close(fd)
            continue
        except BaseException:
            os.close(fd)
            raise
        if (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino):
            return fd
        os.close(fd)


def _clear_leftovers(target: Path) -> None:
    """Under the target's lock: what a killed writer of `target` staged beside it (its own
    names only) is removed; a retired folder goes back in place of a missing target."""
    prefix = f".{target.name}.{OWNED}-"
    try:
        names = [name for name in os.listdir(target.parent) if name.startswith(prefix)]
    except OSError:
        return
    retired = [name for name in names if name.endswith(".old")]
    if retired and not os.path.lexists(target):  # killed between the two renames of a swap
        os.rename(target.parent / retired[0], target)
    for name in names:
        if name.endswith((".tmp", ".old")):
            _remove(target.parent / name)


def _rmtree(folder: Path) -> None:
    import shutil  # here, as tempfile below: the read paths import this module and write nothing

    shutil.rmtree(folder, ignore_errors=True)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        _rmtree(path)
    else:
        with suppress(OSError):
            path.unlink()


def _reason(exc: OSError) -> str:
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}"


def _staging_folder(target: Path) -> Path:
    """A new empty folder beside `target` (same disk, so it can be renamed into place)."""
    import tempfile

    target.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(dir=target.parent, prefix=_owned(target), suffix=".tmp"))
    staged.chmod(0o777 & ~_umask())  # mkdtemp makes it private; the result is an ordinary folder
    return staged


def _owned(target: Path) -> str:
    return f".{target.name}.{OWNED}-"


def _install_folder(staged: Path, target: Path) -> None:
    """Put the complete folder `staged` in place of `target`: one atomic exchange where the
    system has it, else two renames (a kill between them leaves the old folder retired, which
    the next run puts back); the old one back if that fails."""
    if target.is_dir() and not target.is_symlink() and not any(target.iterdir()):
        target.rmdir()
    if not os.path.lexists(target):
        os.rename(staged, target)
        return
    if exchange(staged, target):
        _rmtree(staged)  # the old folder, now under the staged name
        return
    import tempfile

    # mkdtemp only to reserve an unused name beside the target, so both renames stay on one disk.
    retired = Path(tempfile.mkdtemp(dir=target.parent, prefix=_owned(target), suffix=".old"))
    retired.rmdir()
    os.rename(target, retired)
    try:
        os.rename(staged, target)
    except OSError:
        os.rename(retired, target)
        raise
    _rmtree(retired)


def exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one atomic step (Linux's renameat2 with RENAME_EXCHANGE, which the
    standard library does not wrap: ctypes, loaded only here); False where the system or the
    file system cannot, and nothing is changed then."""
    global _renameat2
    if _renameat2 is None:
        try:
            import ctypes

            function = ctypes.CDLL(None, use_errno=True).renameat2
            function.argtypes = [
                ctypes.c_int,
                ctypes.c_char_p,
                ctypes.c_int,
                ctypes.c_char_p,
                ctypes.c_uint,
            ]
            _renameat2 = function
        except (OSError, AttributeError):  # not Linux, or a C library without it
            _renameat2 = False
    if not callable(_renameat2):
        return False
    import ctypes

    at_cwd, rename_exchange = -100, 2
    done = _renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), rename_exchange)
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), os.fspath(second))


_renameat2: Callable[..., int] | bool | None = None


def atomic_write(path: Path, data: bytes, wait: bool = True) -> None:
    """Write `data` to `path` through a temporary file and a rename, under the path's lock
    (`claimed`; `wait`: for a writer holding it, else refuse)."""
    import tempfile

    with claimed(path, wait):
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=_owned(path), suffix=".tmp")
        try:
            os.fchmod(fd, 0o666 & ~_umask())
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def stdin_problem() -> str | None:
    """Why standard input cannot be read as an input, or None: closed (`<&-`), or a terminal,
    where a read would wait for typing that the user does not know is expected."""
    stream = sys.stdin
    try:
        terminal = stream is not None and stream.isatty()
    except (ValueError, OSError):  # a stream object whose file was closed
        stream = None
    if stream is None:
        return "standard input is closed; nothing to read"
    if terminal:
        return "standard input is a terminal; pipe the input in, or name a file"
    return None


def read_limited(path: Path, limit: int, what: str = "file") -> bytes:
    """A regular file's bytes, refusing special files (devices, FIFOs) and files over `limit`.

    The file is opened without blocking, so a FIFO with no writer is refused rather than
    waited on. FileNotFoundError is raised as it is (callers say what a missing file means);
    any other OSError becomes an InputError naming the path.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{path}: is {describe(info.st_mode)}, not a {what}")
        if info.st_size > limit:
            raise InputError(f"{path}: {info.st_size} bytes, over the {limit}-byte limit")
        chunks = []
        size = 0
        while chunk := os.read(fd, 1 << 20):
            size += len(chunk)
            if size > limit:  # the file grew while it was read
                raise InputError(f"{path}: over the {limit}-byte limit")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    finally:
        os.close(fd)


@contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file `path` (made if absent) for the block; others wait.

    The operating system drops the lock when the process ends, killed or not, so a lock is
    never left stale. (The `filelock` package does this too, but it is a scraping extra and
    the corpus is read without extras.)
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        if sys.platform == "win32":
            import msvcrt

            while True:
                try:  # LK_LOCK gives up after ten tries a second apart: wait on
                    handle.seek(0)
                    msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    continue
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield  # closing the file releases the lock


def remove_leftovers(target: Path) -> list[Path]:
    """Remove the staging folders a killed `replacing_folder` left beside `target`.

    Only safe while no other writer of `target` runs (the caller holds their common lock).
    Returns what was removed.
    """
    found = [
        path
        for path in target.parent.glob(f".{target.name}.*")
        if path.suffix in (".tmp", ".old") and path.is_dir() and not path.is_symlink()
    ]
    for path in found:
        _rmtree(path)
    return found


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
