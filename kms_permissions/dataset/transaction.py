"""Replacing several outputs as one: all of them, or none of them.

Each new folder is first copied beside its target (same disk, so the swap is a rename); then
the targets are swapped in one after another, and the writers that write in place (`generate`)
run with a backup of every file they will touch. If any step fails, the steps done are undone
in reverse order and the exception goes on. Standard library only.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kms_permissions.errors import OutputError
from kms_permissions.files import atomic_write


@dataclass(frozen=True)
class InPlace:
    """A writer that writes in place: its check before anything is swapped (raises to refuse),
    the files it will touch once the folders are in place, and the writing itself."""

    ready: Callable[[], object]
    touched: Callable[[], list[Path]]
    write: Callable[[], object]


class Transaction:
    """Outputs to replace together; `commit` does all of them or none."""

    def __init__(self) -> None:
        self._folders: list[tuple[Path, Path | Mapping[str, bytes]]] = []
        self._writers: list[InPlace] = []

    def replace_folder(self, target: Path, content: Path | Mapping[str, bytes]) -> None:
        """Put a copy of the folder `content` (or these files) in place of `target`."""
        self._folders.append((target, content))

    def run_in_place(self, writer: InPlace) -> None:
        """Run `writer` once the folders are in place, its files backed up first."""
        self._writers.append(writer)

    def commit(self) -> tuple[list[Path], list[Path]]:
        """Do every step; undo them all if one fails. Returns the folders and files written."""
        for writer in self._writers:
            writer.ready()
        staged = self._stage()
        undo: list[Callable[[], None]] = []
        folders: list[Path] = []
        files: list[Path] = []
        try:
            for target, copy in staged:
                undo.append(_swap(copy, target))
                folders.append(target)
            for writer in self._writers:
                backups = {path: _backup(path) for path in writer.touched()}
                undo.append(functools.partial(_restore, backups))
                writer.write()
                files.extend(backups)
        except BaseException:
            for step in reversed(undo):
                step()
            for _, copy in staged:
                shutil.rmtree(copy, ignore_errors=True)
            raise
        for _, copy in staged:  # now the retired old folders
            shutil.rmtree(copy, ignore_errors=True)
        return folders, files

    def _stage(self) -> list[tuple[Path, Path]]:
        staged: list[tuple[Path, Path]] = []
        try:
            for target, content in self._folders:
                copy = _beside(target, ".new")
                staged.append((target, copy))
                if isinstance(content, Path):
                    shutil.copytree(content, copy, dirs_exist_ok=True)
                else:
                    for name, data in content.items():
                        (copy / name).parent.mkdir(parents=True, exist_ok=True)
                        (copy / name).write_bytes(data)
        except OSError as exc:
            for _, copy in staged:
                shutil.rmtree(copy, ignore_errors=True)
            where = exc.filename or (staged[-1][0] if staged else "")
            raise OutputError(f"{where}: cannot write beside it ({exc.strerror or exc})") from None
        return staged


def _beside(target: Path, suffix: str) -> Path:
    """A new empty folder beside `target`, with the permissions of an ordinary folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=suffix))
    mask = os.umask(0)
    os.umask(mask)
    folder.chmod(0o777 & ~mask)  # mkdtemp makes it private
    return folder


def _swap(copy: Path, target: Path) -> Callable[[], None]:
    """Put `copy` in place of `target`; the returned step puts the old one back.

    The old folder takes the name `copy` had, so that it is removed with the staged copies.
    """
    if not os.path.lexists(target):
        os.rename(copy, target)
        copy.mkdir()  # an empty folder where the old one would be: nothing to retire

        def undo_new() -> None:
            shutil.rmtree(target, ignore_errors=True)

        return undo_new
    held = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".old"))
    held.rmdir()
    os.rename(target, held)
    try:
        os.rename(copy, target)
    except OSError:
        os.rename(held, target)
        raise
    os.rename(held, copy)

    def undo() -> None:
        os.rename(target, held)
        os.rename(copy, target)
        os.rename(held, copy)

    return undo


def _backup(path: Path) -> bytes | None:
    """The bytes of a file a writer will touch (None when it does not exist yet)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _restore(backups: Mapping[Path, bytes | None]) -> None:
    for path, data in backups.items():
        if data is None:
            path.unlink(missing_ok=True)
        elif not path.is_file() or path.read_bytes() != data:
            atomic_write(path, data)
