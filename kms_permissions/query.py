"""Questions answered from the compact index: names, wildcards, filters. Standard library only.

This module is on the command line's hot path: it imports nothing it does not need (no typing
at run time, no hashlib's OpenSSL, no pyarrow) and reads one file, checked against the manifest.
"""

from __future__ import annotations

import os

from kms_permissions import jsonfast
from kms_permissions.names import Templates, identity

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
INDEX = "index.json"


FILTERS = (
    "cross_account",
    "policy_type",
    "access_level",
    "resource_type",
    "key",
    "iam_only",
    "key_policy_effective",
    "source",
)


class QueryError(Exception):
    """A dataset that cannot be used, or a question that cannot be asked."""


class UsageError(QueryError):
    """A question asked wrongly (unknown filter, malformed option): exit status 2."""


def _sha256(data: bytes) -> str:
    try:  # The builtin implementation spares loading OpenSSL, a third of a cold start.
        from _sha256 import sha256  # type: ignore[import-not-found, unused-ignore]
    except ImportError:  # pragma: no cover - other Pythons
        from hashlib import sha256
    return str(sha256(data).hexdigest())


class Index:
    """The index of one dataset folder, with case-insensitive name tables."""

    def __init__(self, data: dict[str, Any], folder: str) -> None:
        self.folder = folder
        self.version: str = data["dataset_version"]
        self.schema_version: str = data["schema_version"]
        self.actions: dict[str, dict[str, Any]] = data["actions"]
        self.keys: dict[str, dict[str, Any]] = data["condition_keys"]
        self.coverage: dict[str, dict[str, Any]] = data["coverage"]
        self._names: dict[str, str] = {}
        for name in [*self.actions, *self.keys]:
            self._names[name.lower()] = name
        for name in [*self.actions, *self.keys]:  # without the prefix; actions win
            self._names.setdefault(name.split(":", 1)[1].lower(), name)
        self._identities = {identity(n): n for n in self.keys if "${" in n}
        self._templates = Templates(self._identities.values())

    def resolve(self, name: str) -> dict[str, Any] | None:
        """The action or key `name` stands for: `Decrypt`, `kms:decrypt`, a template in another
        spelling (`aws:ResourceTag/${TagKey}`), an instance (`kms:EncryptionContext:aws:s3:arn`).
        """
        wanted = name.strip()
        canonical = self._names.get(wanted.lower())
        if canonical is None and "${" in wanted:
            canonical = self._identities.get(identity(wanted))
        if canonical is None:
            canonical = self._templates.match(wanted)
        if canonical is None:
            return None
        return self.actions.get(canonical) or self.keys[canonical]

    def key_name(self, name: str) -> str | None:
        """The condition key a policy's key name stands for (its template for an instance)."""
        entry = self.resolve(name) if ":" in name else None
        return entry["name"] if entry and entry["kind"] == "condition_key" else None

    def suggestions(self, name: str, limit: int = 3) -> list[str]:
        """Names close to a misspelt one."""
        import difflib

        wanted = name.strip().lower()
        if ":" not in wanted:
            wanted = "kms:" + wanted
        known = {n.lower(): n for n in [*self.actions, *self.keys]}
        close = difflib.get_close_matches(wanted, list(known), n=limit, cutoff=0.6)
        return [known[c] for c in close]

    def expand(self, pattern: str) -> list[str]:
        """Actions matching an IAM action pattern (`*`, `?`, case-insensitive, whole name)."""
        import re

        regex = re.compile(wildcard_regex(pattern), re.IGNORECASE)
        return sorted(a for a in self.actions if regex.match(a))

    def select(self, conditions: list[tuple[str, str]]) -> list[dict[str, Any]]:
        """Actions meeting every (field, value) condition; see FILTERS for the fields."""
        for field, _ in conditions:
            if field not in FILTERS:
                raise UsageError(f"unknown filter {field!r}; filters: {', '.join(FILTERS)}")
        return [
            entry
            for entry in self.actions.values()
            if all(self._matches(entry, field, value) for field, value in conditions)
        ]

    def _matches(self, entry: dict[str, Any], field: str, value: str) -> bool:
        lowered = value.lower()
        if field == "cross_account":
            return bool((entry["cross_account"] or "").lower() == lowered)
        if field == "policy_type":
            return lowered.replace(" ", "-") in entry["policy_types"]
        if field == "access_level":
            return bool((entry["access_level"] or "").lower() == lowered)
        if field == "resource_type":
            return lowered in entry["resources"]
        if field == "key":
            key = self.resolve(value)
            if key is None or key["kind"] != "condition_key":
                raise QueryError(f"filter key={value}: not a condition key")
            return bool(key["name"] in entry["condition_keys"])
        if field == "iam_only":
            iam_only: bool = entry["policy_types"] == ["iam-policy"]
            return iam_only == (lowered in ("yes", "true", "1"))
        if field == "key_policy_effective":
            return str(entry["key_policy_effective"]).lower() == lowered
        return bool(entry["in_guide" if lowered == "guide" else "in_sar"])  # source

    def keys_for_action(self, action: str) -> list[dict[str, Any]]:
        """Condition keys that apply to an action by any source (the read model's order)."""
        return [self.keys[k] for k in self.actions[action]["condition_keys"]]

    def actions_for_key(self, key: str) -> list[dict[str, Any]]:
        """Actions a condition key applies to by any source."""
        return [self.actions[a] for a in self.keys[key]["actions"]]


def wildcard_regex(pattern: str) -> str:
    """IAM wildcard semantics as a regex: `*` any run, `?` one character, all else literal."""
    import re

    out = []
    for char in pattern.strip():
        out.append(".*" if char == "*" else "." if char == "?" else re.escape(char))
    return "".join(out) + r"\Z"


_CACHE: dict[str, Index] = {}


def load_index(folder: str | None = None) -> Index:
    """The index of the bundled dataset (or of `folder`), its sha256 checked in the manifest."""
    folder = os.path.abspath(folder) if folder else DATA_DIR
    if folder in _CACHE:
        return _CACHE[folder]
    try:
        with open(os.path.join(folder, "manifest.json"), "rb") as handle:
            manifest = jsonfast.loads(handle.read())
        with open(os.path.join(folder, INDEX), "rb") as handle:
            raw = handle.read()
    except FileNotFoundError as exc:
        raise QueryError(f"{exc.filename}: missing; not a kms-permissions dataset") from None
    except ValueError as exc:
        raise QueryError(f"{folder}/manifest.json: not valid JSON ({exc})") from None
    listed = {entry["path"]: entry["sha256"] for entry in manifest.get("files", [])}
    if INDEX not in listed:
        raise QueryError(f"{os.path.join(folder, INDEX)}: not listed in the manifest")
    if _sha256(raw) != listed[INDEX]:
        raise QueryError(
            f"{os.path.join(folder, INDEX)}: sha256 does not match the manifest (file changed); "
            "refusing to use it"
        )
    index = Index(jsonfast.loads(raw), folder)
    _CACHE[folder] = index
    return index
