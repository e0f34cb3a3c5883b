"""Names that say one thing, and the tables the code is driven by."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import kms_permissions
from kms_permissions import errors, model

PACKAGE = Path(kms_permissions.__file__).parent


def _classes_named(name: str) -> list[str]:
    """Modules of the package that define a class called `name`."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        if any(isinstance(n, ast.ClassDef) and n.name == name for n in ast.walk(tree)):
            found.append(str(path.relative_to(PACKAGE)))
    return found


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("InputError", ["errors.py"]),
        # The read model's row of the permissions table; a KMS grant is policy/access's Grant.
        ("PermissionRow", ["model.py", "scraper/records.py"]),
        ("Grant", ["policy/access/grants.py"]),
    ],
)
def test_a_class_name_is_defined_where_its_meaning_lives(name: str, where: list[str]) -> None:
    assert _classes_named(name) == where


def test_the_evaluators_input_error_is_the_projects() -> None:
    from kms_permissions.policy.access import InputError

    assert InputError is errors.InputError
    assert issubclass(InputError, ValueError)


def test_the_old_name_of_the_permissions_row_still_works_and_warns() -> None:
    with pytest.warns(DeprecationWarning, match="use PermissionRow"):
        old = model.Grant
    assert old is model.PermissionRow
    with pytest.raises(AttributeError, match="no attribute 'Grunt'"):
        model.Grunt  # noqa: B018
