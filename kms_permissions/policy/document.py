"""Policy documents: a document, a bare statement list or one statement, with JSON paths."""

from __future__ import annotations

from kms_permissions.errors import KmsPermissionsError

# Records, and typing's names, without importing dataclasses or typing (see
# kms_permissions._slotted); type checkers read the real ones.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass, field
    from typing import Any
else:
    from kms_permissions._slotted import Any, dataclass, field


class PolicyError(KmsPermissionsError, ValueError):
    """A document that is not a policy (or cannot be read), with where it went wrong."""


class NotAPolicy(PolicyError):
    """Input in which nothing looks like a policy (see `parse_document`): a package.json, a
    list of records, Ansible tasks, an empty file. `check --ignore-unrecognized` skips it;
    without that it is an input error like any other."""


# The elements of a statement (IAM policy grammar), and the element of a document that holds
# them. Names are case-sensitive, as AWS reads them.
STATEMENT_ELEMENTS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
POLICY_ELEMENTS = (*STATEMENT_ELEMENTS, "Statement")


def _looks_like_statement(item: Any) -> bool:
    """An object with one of the policy elements, or an entry a template computes."""
    return isinstance(item, Unresolved) or (
        isinstance(item, dict) and any(name in item for name in POLICY_ELEMENTS)
    )


@dataclass(frozen=True)
class Unresolved:
    """A value a template computes when it is deployed (CloudFormation's `!Sub`, `!Ref`,
    `Fn::Join`...): never guessed. `text` shows it with `${...}` for every part that is not
    written out (`arn:${AWS::Partition}:iam::${AWS::AccountId}:root`), so that rules can read
    the parts that are. `argument` is the function's argument as written."""

    function: str
    text: str
    argument: Any = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Statement:
    """One statement and where it sits in the document."""

    index: int
    path: str
    body: dict[str, Any]

    @property
    def sid(self) -> str | None:
        """The statement's Sid, if any."""
        sid = self.body.get("Sid")
        return str(sid) if sid is not None else None

    @property
    def effect(self) -> str:
        """Allow or Deny."""
        return str(self.body.get("Effect", ""))

    def values(self, element: str) -> list[tuple[str, Any]]:
        """(JSON path, value) of each entry of an element that may be a string or a list."""
        value = self.body.get(element)
        if value is None:
            return []
        if isinstance(value, list):
            return [(f"{self.path}.{element}[{i}]", v) for i, v in enumerate(value)]
        return [(f"{self.path}.{element}", value)]


@dataclass(frozen=True)
class Document:
    """The statements of a policy and whether it was a whole document."""

    statements: tuple[Statement, ...]
    whole: bool
    version: Any = None


def parse_document(data: Any, strict: bool = True) -> Document:
    """Statements from a policy document, a statement list or a single statement.

    What is read as a policy: an object with `Statement` (a document); a list in which at
    least one item is an object with one of `POLICY_ELEMENTS` (a statement list: then every
    item must be a statement, and is checked as one); an object with one of
    `STATEMENT_ELEMENTS` (one statement). Anything else, an empty list included, raises
    `NotAPolicy`: a list of records (`[{"id": 1, "name": "foo"}]`) is data, not statements.

    `strict` refuses a statement without a valid Effect or without Action/NotAction; the
    checker passes False to report those as findings, with their place, instead. Statement
    entries a template computes (`Unresolved`) are skipped either way.
    """
    version = None
    if isinstance(data, dict) and "Statement" in data:
        raw = data["Statement"]
        version = data.get("Version")
        if isinstance(raw, dict):
            items = [("$.Statement", raw)]
        elif isinstance(raw, list):
            items = [(f"$.Statement[{i}]", s) for i, s in enumerate(raw)]
        else:
            raise PolicyError("$.Statement: must be an object or a list of objects")
        whole = True
    elif isinstance(data, list):
        if not any(_looks_like_statement(item) for item in data):
            raise NotAPolicy(
                "$: not a policy: a list, but no item is an object with a policy element "
                "(Effect, Action, Principal, Resource, ...)"
            )
        documents = [
            i
            for i, item in enumerate(data)
            if isinstance(item, dict)
            and "Statement" in item
            and not any(name in item for name in STATEMENT_ELEMENTS)
        ]
        if documents:
            # Read as statements, documents would have no Effect or Action: nothing checked.
            raise PolicyError(
                f"$[{documents[0]}]: a policy document inside a list; a file holds one policy "
                "(or one statement list): give each document its own file"
            )
        items = [(f"$[{i}]", s) for i, s in enumerate(data)]
        whole = False
    elif isinstance(data, dict) and any(name in data for name in STATEMENT_ELEMENTS):
        items = [("$", data)]
        whole = False
    else:
        raise NotAPolicy("$: not a policy document, a statement list or a statement")
    statements = []
    for index, (path, body) in enumerate(items):
        if isinstance(body, Unresolved):
            continue
        if not isinstance(body, dict):
            raise PolicyError(f"{path}: a statement must be an object")
        if strict:
            if body.get("Effect") not in ("Allow", "Deny"):
                raise PolicyError(
                    f"{path}.Effect: must be Allow or Deny, not {body.get('Effect')!r}"
                )
            if "Action" not in body and "NotAction" not in body:
                raise PolicyError(f"{path}: no Action or NotAction")
        statements.append(Statement(index, path, body))
    return Document(tuple(statements), whole, version)
