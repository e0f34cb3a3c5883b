"""Replacing several outputs as one: all of them, or none of them, even across a kill.

Each new folder is first copied beside its target (same disk, so the swap is a rename); then
the targets are swapped in one after another, and the writers that write in place (`generate`)
run with a copy on disk of every file they will touch. A journal (a JSON file written
atomically) records each step before it is taken: the staged copies, the name each old folder
will take, the backups. If a step fails, the steps done are undone in reverse order and the
exception goes on; if the process is killed (SIGKILL, power loss), `recover` reads the journal
the next time and undoes what was begun, or finishes the clean-up of a transaction that was
complete. A completed transaction leaves no staged, retired or backup folder and no journal.

A swap is two renames, target -> retired name, then copy -> target, so the state of each
folder after a kill is plain from what exists: nothing renamed (copy and target there), the
target gone (retired and copy there), or the swap done (retired and target there).
Standard library only.
"""

from __future__ import annotations

import glob
import json
import os
import secrets
import shutil
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from kms_permissions.errors import OutputError
from kms_permissions.files import atomic_write, claimed

FORMAT = "kms-permissions-transaction/1"
JOURNAL = ".kms-permissions-update.journal"  # update's, in the checkout beside corpus/


@dataclass(frozen=True)
class InPlace:
    """A writer that writes in place: its check before anything is swapped (raises to refuse),
    the files it will touch once the folders are in place, and the writing itself."""

    ready: Callable[[], object]
    touched: Callable[[], list[Path]]
    write: Callable[[], object]


class Transaction:
    """Outputs to replace together; `commit` does all of them or none, journalled in `journal`
    (one transaction at a time per journal)."""

    def __init__(self, journal: Path, what: str = "update") -> None:
        self.journal = journal
        self.what = what  # the verb, as the recovery's message names it
        self._folders: list[tuple[Path, Path | Mapping[str, bytes]]] = []
        self._writers: list[InPlace] = []
        self._record: dict[str, object] = {}

    def replace_folder(self, target: Path, content: Path | Mapping[str, bytes]) -> None:
        """Put a copy of the folder `content` (or these files) in place of `target`."""
        self._folders.append((target, content))

    def run_in_place(self, writer: InPlace) -> None:
        """Run `writer` once the folders are in place, its files backed up first."""
        self._writers.append(writer)

    def commit(self) -> tuple[list[Path], list[Path]]:
        """Do every step; undo them all if one fails. Returns the folders and files written.

        The transaction's lock is held throughout, so that another run neither starts one of
        its own nor takes this one, under way, for one a kill interrupted."""
        with _running(self.journal):
            return self._commit()

    def _commit(self) -> tuple[list[Path], list[Path]]:
        if self.journal.exists():
            raise OutputError(
                f"{self.journal}: an interrupted transaction is pending; run kms-permissions "
                "update --recover first"
            )
        for writer in self._writers:
            writer.ready()
        folders = [
            {
                "target": str(target),
                "copy": str(_reserve(target, ".new")),
                "retired": str(_reserve(target, ".old")),
                "existed": os.path.lexists(target),
            }
            for target, _ in self._folders
        ]
        backup = _reserve(self.journal, ".backup")
        self._record = {
            "format": FORMAT,
            "what": self.what,
            "state": "staging",
            "folders": folders,
            "backup": str(backup),
            "files": None,
        }
        try:
            self._write_journal()
        except OSError as exc:
            raise OutputError(f"{self.journal}: not written ({exc.strerror or exc})") from None
        written: list[Path] = []
        try:
            self._stage(folders)
            self._write_journal(state="swapping")
            for folder in folders:
                _swap(Path(str(folder["copy"])), Path(str(folder["target"])), folder)
            for writer in self._writers:
                touched = writer.touched()
                self._back_up(touched, backup)
                writer.write()
                written.extend(touched)
            self._write_journal(state="done")
        except BaseException:
            _undo(self._record)
            self.journal.unlink(missing_ok=True)
            raise
        _finish(self._record)
        self.journal.unlink(missing_ok=True)
        return [Path(str(f["target"])) for f in folders], written

    def _write_journal(self, **changes: object) -> None:
        self._record.update(changes)
        atomic_write(self.journal, json.dumps(self._record, indent=1).encode())

    def _stage(self, folders: list[dict[str, object]]) -> None:
        for (_, content), folder in zip(self._folders, folders, strict=True):
            copy = Path(str(folder["copy"]))
            try:
                copy.mkdir()
                copy.chmod(0o777 & ~_umask())  # as an ordinary folder
                if isinstance(content, Path):
                    shutil.copytree(content, copy, dirs_exist_ok=True)
                else:
                    for name, data in content.items():
                        (copy / name).parent.mkdir(parents=True, exist_ok=True)
                        (copy / name).write_bytes(data)
            except OSError as exc:
                where = exc.filename or folder["target"]
                raise OutputError(
                    f"{where}: cannot write beside it ({exc.strerror or exc})"
                ) from None

    def _back_up(self, touched: list[Path], backup: Path) -> None:
        """Copy the files a writer will touch into `backup`, then journal them."""
        files: dict[str, str | None] = {}
        backup.mkdir(exist_ok=True)
        for index, path in enumerate(touched):
            try:
                data = path.read_bytes()
            except FileNotFoundError:
                files[str(path)] = None  # made by the writer: removed on undo
                continue
            name = f"{index}"
            (backup / name).write_bytes(data)
            files[str(path)] = name
        previous = self._record.get("files") or {}
        assert isinstance(previous, dict)
        self._write_journal(files={**previous, **files})


def _running(journal: Path) -> ExitStack:
    """The lock of a transaction under way in `journal` (beside it, removed when released; the
    system drops it when the process dies, so a killed run's is free), taken without waiting:
    another run holding it is refused."""
    stack = ExitStack()
    try:
        stack.enter_context(claimed(journal.with_name(f"{journal.name}-running")))
    except OutputError as exc:
        if "another kms-permissions run" not in str(exc):
            raise
        raise OutputError(
            f"{journal}: another kms-permissions run is writing what it journals (an update, "
            "generate or corpus fill-botocore); nothing done (try again when it is done)"
        ) from None
    return stack


def _reserve(target: Path, suffix: str) -> Path:
    """An unused name beside `target` (same disk, so that a rename moves it); nothing is made
    there, so a kill before the journal names it leaves nothing unnamed behind."""
    target.parent.mkdir(parents=True, exist_ok=True)
    while True:
        name = target.parent / f".{target.name}.{secrets.token_hex(4)}{suffix}"
        if not os.path.lexists(name):
            return name


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _swap(copy: Path, target: Path, folder: Mapping[str, object]) -> None:
    """Put `copy` in place of `target`, the old one (if any) to its retired name."""
    if folder["existed"]:
        os.rename(target, Path(str(folder["retired"])))
    os.rename(copy, target)


def _unswap(folder: Mapping[str, object]) -> None:
    """Undo what of `_swap` was done, judged by what exists."""
    target, copy = Path(str(folder["target"])), Path(str(folder["copy"]))
    retired = Path(str(folder["retired"]))
    if folder["existed"]:
        if not os.path.lexists(retired):
            return  # not begun
        if os.path.lexists(target) and not os.path.lexists(copy):
            os.rename(target, copy)  # the new folder back to its staged name, removed later
        os.rename(retired, target)
    elif os.path.lexists(target) and not os.path.lexists(copy):
        os.rename(target, copy)


def _undo(record: Mapping[str, object]) -> None:
    """Roll a journalled transaction back: files restored, swaps undone, staging removed."""
    files = record.get("files") or {}
    backup = Path(str(record["backup"]))
    assert isinstance(files, dict)
    for path, name in files.items():
        with claimed(Path(path), wait=True):  # what a killed atomic_write of it left, removed
            pass
        if name is None:
            Path(path).unlink(missing_ok=True)
            continue
        data = (backup / name).read_bytes()
        if not Path(path).is_file() or Path(path).read_bytes() != data:
            atomic_write(Path(path), data)
    folders = record["folders"]
    assert isinstance(folders, list)
    for folder in reversed(folders):
        _unswap(folder)
    _remove_staged(folders)
    shutil.rmtree(backup, ignore_errors=True)


def _finish(record: Mapping[str, object]) -> None:
    """The clean-up of a complete transaction: retired folders and backups removed."""
    folders = record["folders"]
    assert isinstance(folders, list)
    for folder in folders:
        shutil.rmtree(str(folder["retired"]), ignore_errors=True)
    _remove_staged(folders)
    shutil.rmtree(str(record["backup"]), ignore_errors=True)


def _remove_staged(folders: list[dict[str, object]]) -> None:
    for folder in folders:
        shutil.rmtree(str(folder["copy"]), ignore_errors=True)


def _remove_temporaries(path: Path) -> None:
    """The temporary files `atomic_write` of `path` leaves when killed mid-write."""
    for temporary in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        temporary.unlink(missing_ok=True)


def recover(journal: Path) -> str | None:
    """Finish or roll back a transaction a kill interrupted; what was done, or None when no
    transaction was pending (nothing is touched then: the checkout may be read-only)."""
    # The journal's own temporaries and lock (`.NAME.*`), and the running lock of a
    # transaction killed after its journal was gone (`.NAME-running.*`).
    leftovers = glob.glob(f"{glob.escape(str(journal.parent))}/.{glob.escape(journal.name)}[.-]*")
    if not journal.exists() and not leftovers:
        return None
    # A transaction under way holds its lock: it is not interrupted, and is left alone.
    with _running(journal), claimed(journal, wait=True):  # its temporaries removed
        return _recover(journal)


def _recover(journal: Path) -> str | None:
    _remove_temporaries(journal)
    try:
        text = journal.read_text()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(f"{journal}: unreadable ({exc.strerror or exc})") from None
    try:
        record = json.loads(text)
        if record.get("format") != FORMAT:
            raise ValueError(f"format {record.get('format')!r}")
        targets = [str(folder["target"]) for folder in record["folders"]]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise OutputError(f"{journal}: not a transaction journal ({exc}); not recovered") from None
    names = ", ".join([*(Path(t).name for t in targets), "the generated files"])
    what = str(record.get("what", "update"))
    if record["state"] == "done":
        _finish(record)
        journal.unlink()
        return f"{journal}: an interrupted {what} was complete; its clean-up is finished"
    _undo(record)
    journal.unlink()
    return (
        f"{journal}: an interrupted {what} ({record['state']}) was rolled back; {names} are as "
        "they were before it"
    )
