"""Questions answered from the read model's index: names, wildcards, filters. Standard library only.

This module is on the command line's hot path: it imports nothing it does not need (no typing
at run time, no hashlib's OpenSSL, no pyarrow, no json). It reads the manifest, then
`index.toc.json` (checked against the manifest's sha256), then only the parts of `index.json`
a question needs, each checked against the sha256 the TOC gives before it is parsed. A folder
without a TOC (built before there was one) is read whole, checked against the manifest.
"""

from __future__ import annotations

import os

from kms_permissions import jsonfast
from kms_permissions.names import Templates, enumerated_instances, identity

try:  # The builtin implementation spares loading OpenSSL, which costs more than it saves here.
    from _sha256 import sha256 as _sha256  # type: ignore[import-not-found, unused-ignore]
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import sha256 as _sha256

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, BinaryIO

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
MANIFEST = "manifest.json"
INDEX = "index.json"
TOC = "index.toc.json"
TOC_FORMAT = "kms-permissions-index-toc/1"
ENTRY_TABLES = ("actions", "condition_keys")


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


def _digest(data: bytes) -> str:
    return str(_sha256(data).hexdigest())


def _open(path: str) -> BinaryIO:
    """A file the manifest lists, open for reading."""
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise QueryError(f"{path}: listed in the manifest but missing") from None


def _parse(path: str, data: bytes) -> Any:
    try:
        value = jsonfast.loads(data)
    except ValueError as exc:  # UnicodeDecodeError included
        raise QueryError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(value, dict):
        raise QueryError(f"{path}: not a JSON object")
    return value


def _is_span(span: object) -> bool:
    return (
        isinstance(span, list)
        and len(span) == 3
        and all(type(n) is int and n >= 0 for n in span[:2])
        and isinstance(span[2], str)
    )


def _toc_problem(toc: dict[str, Any]) -> str | None:
    """What is wrong with a parsed TOC's frame, or None (each span is checked when it is used:
    the manifest vouches for the TOC's bytes, not for what they say)."""
    if toc.get("format") != TOC_FORMAT or not isinstance(toc.get("parts"), dict):
        return f"not a TOC of format {TOC_FORMAT}"
    if not all(isinstance(toc["parts"].get(k), dict) for k in ENTRY_TABLES):
        return "no parts for actions or condition_keys"
    return None


def _refuse(path: str, what: str = "file changed") -> QueryError:
    return QueryError(f"{path}: sha256 does not match the manifest ({what}); refusing to use it")


class _Parts:
    """index.json read part by part: the bytes of each part are checked against the sha256 the
    TOC gives (the TOC itself checked against the manifest) before they are parsed."""

    def __init__(self, path: str, spans: dict[str, Any]) -> None:
        self.path = path
        self.spans = spans
        self._reads = 0
        self._data: bytes | None = None

    def read(self, *where: str) -> Any:
        """The part at `where` (`"coverage"`, or `"actions", "kms:Decrypt"`), parsed."""
        span: Any = self.spans
        for key in where:
            span = span.get(key) if isinstance(span, dict) else None
        if not _is_span(span):
            raise QueryError(
                f"{self.path}: its TOC gives no [offset, length, sha256] for {where[-1]}"
            )
        offset, length, digest = span
        # One part (a lookup) is read where it lies; from the second on, the file once, whole.
        self._reads += 1
        if self._data is None and self._reads > 1:
            with _open(self.path) as handle:
                self._data = handle.read()
        if self._data is not None:
            data = self._data[offset : offset + length]
        else:
            with _open(self.path) as handle:
                handle.seek(offset)
                data = handle.read(length)
        if len(data) != length or _digest(data) != digest:
            raise _refuse(self.path, f"the bytes of {where[-1]} changed")
        try:
            return jsonfast.loads(data)
        except ValueError as exc:
            raise QueryError(f"{self.path}: {where[-1]} is not valid JSON ({exc})") from None


class Index:
    """The index of one dataset folder, with case-insensitive name tables.

    Entries are read when asked for: `resolve()` and `entry()` read one, `actions` and `keys`
    (every entry) read the whole index."""

    def __init__(self, folder: str, listed: dict[str, str], toc: dict[str, Any] | None) -> None:
        self.folder = folder
        self._listed = listed
        self._whole: dict[str, Any] | None = None
        self._parts: _Parts | None = None
        self._entries: dict[str, dict[str, Any]] = {}
        self._headers: dict[str, Any] = {}
        if toc is None:
            whole = self._read_whole()
            action_names, key_names = list(whole["actions"]), list(whole["condition_keys"])
        else:
            spans = toc["parts"]
            self._parts = _Parts(os.path.join(folder, INDEX), spans)
            action_names, key_names = list(spans["actions"]), list(spans["condition_keys"])
        self.action_names: list[str] = action_names
        self.key_names: list[str] = key_names
        self._kinds = dict.fromkeys(key_names, "condition_keys")
        self._kinds.update(dict.fromkeys(action_names, "actions"))
        self._names: dict[str, str] = {}
        for name in [*action_names, *key_names]:
            self._names[name.lower()] = name
        for name in [*action_names, *key_names]:  # without the prefix; actions win
            self._names.setdefault(name.split(":", 1)[1].lower(), name)
        self._identities = {identity(n): n for n in key_names if "${" in n}
        self._matcher: Templates | None = None

    def templates(self) -> Templates:
        """The templated keys, with the instances a source enumerates (read when first needed:
        only a name that is no key itself is matched against them)."""
        if self._matcher is None:
            templates = list(self._identities.values())
            instances = {t: enumerated_instances(self.entry(t)["sar_names"]) for t in templates}
            self._matcher = Templates(templates, instances)
        return self._matcher

    def _read_whole(self) -> dict[str, Any]:
        """All of index.json, checked against the manifest's sha256."""
        if self._whole is None:
            path = os.path.join(self.folder, INDEX)
            with _open(path) as handle:
                raw = handle.read()
            if _digest(raw) != self._listed[INDEX]:
                raise _refuse(path)
            self._whole = _parse(path, raw)
            if not all(isinstance(self._whole.get(k), dict) for k in ENTRY_TABLES):
                raise QueryError(f"{path}: not a read model (no actions or condition_keys)")
            self._entries.update(self._whole["actions"])
            self._entries.update(self._whole["condition_keys"])
        return self._whole

    def _header(self, key: str) -> Any:
        """A top-level value of the index other than the entries (read once)."""
        if self._parts is None or self._whole is not None:
            return self._read_whole()[key]
        if key not in self._headers:
            self._headers[key] = self._parts.read(key)
        return self._headers[key]

    @property
    def version(self) -> str:
        """The dataset version."""
        version: str = self._header("dataset_version")
        return version

    @property
    def schema_version(self) -> str:
        """The version of the tables' schema."""
        version: str = self._header("schema_version")
        return version

    @property
    def coverage(self) -> dict[str, dict[str, Any]]:
        """Per source, the span of its snapshots in the dataset's history."""
        coverage: dict[str, dict[str, Any]] = self._header("coverage")
        return coverage

    @property
    def actions(self) -> dict[str, dict[str, Any]]:
        """Every action's entry, by name (reads the whole index)."""
        actions: dict[str, dict[str, Any]] = self._read_whole()["actions"]
        return actions

    @property
    def keys(self) -> dict[str, dict[str, Any]]:
        """Every condition key's entry, by name (reads the whole index)."""
        keys: dict[str, dict[str, Any]] = self._read_whole()["condition_keys"]
        return keys

    def entry(self, name: str) -> dict[str, Any]:
        """The entry of an action or key, by its exact name (KeyError if there is none)."""
        found = self._entries.get(name)
        if found is None:
            kind = self._kinds[name]
            if self._parts is None:  # pragma: no cover - the whole index holds every entry
                raise KeyError(name)
            found = self._parts.read(kind, name)
            if not isinstance(found, dict) or found.get("name") != name:
                raise QueryError(
                    f"{self._parts.path}: the part the TOC gives for {name} is not its entry"
                )
            self._entries[name] = found
        return found

    def canonical(self, name: str) -> str | None:
        """The name of the action or key `name` stands for, or None."""
        wanted = name.strip()
        canonical = self._names.get(wanted.lower())
        if canonical is None and "${" in wanted:
            canonical = self._identities.get(identity(wanted))
        if canonical is None:
            canonical = self.templates().match(wanted)
        return canonical

    def resolve(self, name: str) -> dict[str, Any] | None:
        """The entry of the action or key `name` stands for: `Decrypt`, `kms:decrypt`, a template
        in another spelling (`aws:ResourceTag/${TagKey}`), an instance
        (`kms:EncryptionContext:aws:s3:arn`)."""
        canonical = self.canonical(name)
        return None if canonical is None else self.entry(canonical)

    def key_name(self, name: str) -> str | None:
        """The condition key a policy's key name stands for (its template for an instance)."""
        canonical = self.canonical(name) if ":" in name else None
        if canonical is None or self._kinds[canonical] != "condition_keys":
            return None
        return canonical

    def suggestions(self, name: str, limit: int = 3) -> list[str]:
        """Names close to a misspelt one, in bounded time (see `kms_permissions.suggest`)."""
        from kms_permissions.suggest import close_names

        return close_names(name, (*self.action_names, *self.key_names), limit)

    def expand(self, pattern: str) -> list[str]:
        """Actions matching an IAM action pattern (`*`, `?`, case-insensitive, whole name)."""
        from kms_permissions.wildcards import glob_all

        return sorted(glob_all(pattern.strip(), self.action_names, ignore_case=True))

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
        return [self.entry(k) for k in self.entry(action)["condition_keys"]]

    def actions_for_key(self, key: str) -> list[dict[str, Any]]:
        """Actions a condition key applies to by any source."""
        return [self.entry(a) for a in self.entry(key)["actions"]]


_CACHE: dict[str, Index] = {}


def load_index(folder: str | None = None) -> Index:
    """The index of the bundled dataset (or of `folder`), checked against the manifest."""
    if folder == "":  # not the bundled dataset: an empty path is a mistake, never a default
        raise QueryError("dataset '': an empty path; name a dataset folder")
    folder = os.path.abspath(folder) if folder is not None else DATA_DIR
    if folder in _CACHE:
        return _CACHE[folder]
    manifest_path = os.path.join(folder, MANIFEST)
    try:
        with open(manifest_path, "rb") as handle:
            manifest = jsonfast.loads(handle.read())
    except FileNotFoundError as exc:
        raise QueryError(f"{exc.filename}: missing; not a kms-permissions dataset") from None
    except ValueError as exc:
        raise QueryError(f"{manifest_path}: not valid JSON ({exc})") from None
    listed = {entry["path"]: entry["sha256"] for entry in manifest.get("files", [])}
    if INDEX not in listed:
        raise QueryError(f"{os.path.join(folder, INDEX)}: not listed in the manifest")
    toc = None
    if TOC in listed:
        toc_path = os.path.join(folder, TOC)
        with _open(toc_path) as handle:
            raw = handle.read()
        if _digest(raw) != listed[TOC]:
            raise _refuse(toc_path)
        toc = _parse(toc_path, raw)
        if _toc_problem(toc):
            raise QueryError(f"{toc_path}: {_toc_problem(toc)}")
    index = Index(folder, listed, toc)
    _CACHE[folder] = index
    return index
