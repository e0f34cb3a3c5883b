"""Dataset folders as the commands and the API open them: damage named, never a traceback.

The lookup index reads a dataset lazily and fast; when something it reads turns out malformed
(a manifest re-hashed over garbage, a truncated file, a folder that is a file), the error it
trips over says little. `dataset_problem` runs the strict checks (`dataset.integrity`: manifest,
hashes, every file parsed against its schema) to name the damage instead; `reading` does so for
any unexpected error raised while a dataset is read.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kms_permissions.errors import KmsPermissionsError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from kms_permissions.query import Index

# The errors a reader of a damaged dataset may trip over before it can say what is wrong.
READ_ERRORS = (
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    SystemError,
    RecursionError,
    OSError,
)


def dataset_problem(folder: str | os.PathLike[str] | None) -> KmsPermissionsError | None:
    """The first thing wrong with a dataset folder (the bundled one for None), or None."""
    from kms_permissions.dataset.integrity import check_contents, verify
    from kms_permissions.reference import DATA_DIR

    target = Path(os.path.realpath(folder)) if folder is not None else DATA_DIR
    try:
        check_contents(target, verify(target))
    except KmsPermissionsError as exc:
        return exc
    except (Exception, RecursionError):  # the checks tripped too: nothing more precise to say
        return None
    return None


def open_index(folder: str | os.PathLike[str] | None) -> Index:
    """The lookup index of a dataset folder (bundled for None), its damage named."""
    from kms_permissions.query import load_index

    with reading(folder):
        if folder is not None:
            from kms_permissions.dataset.integrity import check_folder

            check_folder(Path(folder))
        return load_index(os.fspath(folder) if folder is not None else None)


@contextmanager
def reading(folder: str | os.PathLike[str] | None) -> Iterator[None]:
    """Turn an unexpected error raised while a dataset is read into the dataset's damage."""
    try:
        yield
    except KmsPermissionsError:  # raised on purpose (some are ValueErrors too): already named
        raise
    except READ_ERRORS:
        problem = dataset_problem(folder)
        if problem is not None:
            raise problem from None
        raise


def datasets_named(namespace: argparse.Namespace | None, argv: list[str]) -> list[str | None]:
    """The dataset folders a command line reads: `--dataset` (the bundled dataset without it),
    or the folders `diff` and `verify` name."""
    if namespace is None:  # the fast lookup path: no parsed arguments
        found = [argv[i + 1] for i, arg in enumerate(argv[:-1]) if arg == "--dataset"]
        return [found[-1] if found else None]
    verb = getattr(namespace, "verb", None)
    if verb == "diff":
        return [str(namespace.old), str(namespace.new)]
    if verb == "verify":
        return [str(namespace.dir)]
    dataset = getattr(namespace, "dataset", None)
    return [str(dataset) if dataset is not None else None]
