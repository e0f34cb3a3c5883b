"""The bundled dataset (or another dataset folder) as typed facts: the read model, no pyarrow.

`load(folder)` checks every file of the folder against the manifest's sha256 before it trusts
any of them, then turns `index.json` (the read model as JSON, built by `dataset/read_model.py`)
and the tables it does not repeat (the relation, resource types, discrepancies, notes, sources)
into `kms_permissions.model` objects.

`load()` (the bundled dataset) reads the same facts when they are first used: each action or
condition key from its part of `index.json` (checked against the sha256 that `index.toc.json`
gives, the TOC against the manifest, the entry against the read model's fields), each table
from its file (checked against the manifest and the table's columns). A verb that reads a few
facts pays for those; what every fact is does not change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache
from os import PathLike
from os.path import realpath
from pathlib import Path
from types import MappingProxyType

from kms_permissions.model import (
    VIA_SERVICE_KEY,
    ActionInfo,
    ConditionKeyInfo,
    Coverage,
    Discrepancy,
    HistoryRow,
    KeyLink,
    Note,
    Reference,
    ResourceType,
    Source,
    ViaService,
    field_from_json,
    from_json,
)

# Stand-ins for typing's names at run time (see kms_permissions._slotted).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeVar
else:
    from kms_permissions._slotted import Any, TypeVar

DATA_DIR = Path(__file__).resolve().parent / "data"
T = TypeVar("T")

__all__ = [
    "DATA_DIR",
    "Reference",
    "build_reference",
    "data_path",
    "lazy_reference",
    "load",
    "load_history",
    "load_manifest",
    "via_service_problem",
    "via_services",
]


def data_path(name: str) -> Path:
    """A real path to a bundled data file (`actions.parquet`, `schema/actions.schema.json`)."""
    from kms_permissions.errors import expect_str

    path = (DATA_DIR / expect_str(name, "name", "data_path")).resolve()
    if DATA_DIR not in path.parents or not path.is_file():
        available = sorted(
            p.relative_to(DATA_DIR).as_posix() for p in DATA_DIR.rglob("*") if p.is_file()
        )
        raise FileNotFoundError(f"{name!r} is not a bundled data file; there are: {available}")
    return path


def _rows(folder: Path, manifest: Mapping[str, Any], table: str, cls: type[T]) -> tuple[T, ...]:
    from kms_permissions.dataset.integrity import read_table

    return tuple(from_json(cls, row) for row in read_table(folder, dict(manifest), table, cls))


def build_reference(folder: Path, manifest: Mapping[str, Any]) -> Reference:
    """The read model of a dataset folder listed by `manifest`: each file it reads is
    hash-checked and parsed against its schema first."""
    from kms_permissions.dataset.integrity import read_json

    index = read_json(folder, dict(manifest), "index.json")
    resource_types = _rows(folder, manifest, "resource_types", ResourceType)
    sources = _rows(folder, manifest, "sources", Source)
    return Reference(
        version=manifest["dataset_version"],
        schema_version=manifest["schema_version"],
        folder=str(folder),
        actions=MappingProxyType(
            {n: from_json(ActionInfo, e) for n, e in index["actions"].items()}
        ),
        condition_keys=MappingProxyType(
            {n: from_json(ConditionKeyInfo, e) for n, e in index["condition_keys"].items()}
        ),
        links=_rows(folder, manifest, "action_condition_keys", KeyLink),
        resource_types=MappingProxyType({r.resource_type: r for r in resource_types}),
        discrepancies=_rows(folder, manifest, "discrepancies", Discrepancy),
        notes=_rows(folder, manifest, "notes", Note),
        sources=MappingProxyType({s.source_id: s for s in sources}),
        coverage=MappingProxyType(
            {s: from_json(Coverage, c) for s, c in index["coverage"].items()}
        ),
    )


def load_manifest(reference: Reference) -> dict[str, Any]:
    """The manifest of the folder a read model was loaded from."""
    from kms_permissions.dataset.integrity import read_manifest

    return read_manifest(Path(reference.folder))


def load_history(reference: Reference) -> tuple[HistoryRow, ...]:
    """The history table of a dataset (empty when the version was built without history),
    hash-checked against the manifest and parsed against its schema."""
    manifest = load_manifest(reference)
    if not any(f["path"] == "history.json" for f in manifest["files"]):
        return ()
    return _rows(Path(reference.folder), manifest, "history", HistoryRow)


def load(folder: Path | str | None = None) -> Reference:
    """The bundled dataset (or the dataset folder given) as typed facts, hashes checked."""
    from kms_permissions.dataset.integrity import verify

    if folder is None:
        return _bundled()
    if not isinstance(folder, str | PathLike):
        from kms_permissions.errors import ArgumentTypeError

        raise ArgumentTypeError(
            f"load(): folder must be a path or None, not {type(folder).__name__}"
        )
    if not str(folder):  # the current folder would be read; an empty path is a mistake
        from kms_permissions.errors import InputError

        raise InputError("dataset '': an empty path; name a dataset folder")
    target = Path(realpath(folder))  # not Path.resolve(): it raises on a symbolic link loop
    return build_reference(target, verify(target))


@cache
def _bundled() -> Reference:
    from kms_permissions.dataset.integrity import read_manifest

    return lazy_reference(DATA_DIR, read_manifest(DATA_DIR))


class _Entries(Mapping[str, T]):
    """Facts of one kind by name, the names known at once, each fact read when first asked for;
    one field of a fact can be read alone (`field`)."""

    def __init__(
        self,
        names: Sequence[str],
        read: Callable[[str], T],
        read_field: Callable[[str, str], Any],
    ) -> None:
        self._names = dict.fromkeys(names)
        self._read = read
        self._read_field = read_field
        self._facts: dict[str, T] = {}

    def field(self, name: str, field: str) -> Any:
        """One field of a fact: from the fact when it is built, else read alone from its
        entry, checked as the whole fact's would be."""
        found = self._facts.get(name)
        if found is not None:
            return getattr(found, field)
        if name not in self._names:
            raise KeyError(name)
        return self._read_field(name, field)

    def __getitem__(self, name: str) -> T:
        found = self._facts.get(name)
        if found is None:
            if name not in self._names:
                raise KeyError(name)
            found = self._facts[name] = self._read(name)
        return found

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return f"<{len(self)} facts: {', '.join(list(self._names)[:3])}, ...>"

    def __reduce__(self) -> Any:
        raise TypeError(f"cannot pickle {type(self).__name__!r} object (as mappingproxy)")


class _Table(Mapping[str, T]):
    """A table's facts by key, the whole table read when first used."""

    def __init__(self, read: Callable[[], dict[str, T]]) -> None:
        self._read = read
        self._facts: dict[str, T] | None = None

    def _all(self) -> dict[str, T]:
        if self._facts is None:
            self._facts = self._read()
        return self._facts

    def __getitem__(self, key: str) -> T:
        return self._all()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __repr__(self) -> str:
        return repr(self._all())

    def __reduce__(self) -> Any:
        raise TypeError(f"cannot pickle {type(self).__name__!r} object (as mappingproxy)")


class _Rows(Sequence[T]):
    """A table's rows, the whole table read when first used; equal to the tuple of its rows."""

    def __init__(self, read: Callable[[], tuple[T, ...]]) -> None:
        self._read = read
        self._rows: tuple[T, ...] | None = None

    def _all(self) -> tuple[T, ...]:
        if self._rows is None:
            self._rows = self._read()
        return self._rows

    def __getitem__(self, index: Any) -> Any:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[T]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Rows):
            return self._all() == other._all()
        return self._all() == other if isinstance(other, tuple) else NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal to a tuple, but read lazily: unhashable

    def __repr__(self) -> str:
        return repr(self._all())

    def __reduce__(self) -> Any:
        return (tuple, (self._all(),))


def lazy_reference(folder: Path, manifest: Mapping[str, Any]) -> Reference:
    """The read model of a dataset folder whose facts are read when first used, each checked
    before it is trusted (see the module's docstring). The folder needs `index.toc.json`."""
    from kms_permissions.dataset.integrity import IntegrityError
    from kms_permissions.dataset.shapes import fact_problem, field_problem
    from kms_permissions.query import load_index

    index = load_index(str(folder))
    listed = dict(manifest)
    if index.version != manifest["dataset_version"]:
        raise IntegrityError(
            f"{folder / 'index.json'}: dataset_version {index.version!r}, the manifest says "
            f"{manifest['dataset_version']!r}"
        )
    if index.schema_version != manifest["schema_version"]:
        raise IntegrityError(
            f"{folder / 'index.json'}: schema_version {index.schema_version!r}, the manifest "
            f"says {manifest['schema_version']!r}"
        )

    def entries(section: str, cls: type[T], kind: str, names: Sequence[str]) -> _Entries[T]:
        def read(name: str) -> T:
            entry = index.entry(name)
            where = f"{section}[{name!r}]"
            problem = fact_problem(cls, entry, where)
            if problem is None and entry.get("kind") != kind:
                problem = f"{where}: kind or name does not match"
            if problem:
                raise IntegrityError(f"{folder / 'index.json'}: {problem}")
            return from_json(cls, entry)

        def read_field(name: str, field: str) -> Any:
            entry = index.entry(name)
            where = f"{section}[{name!r}]"
            problem = field_problem(cls, field, entry, where)
            if problem is None and entry.get("kind") != kind:
                problem = f"{where}: kind or name does not match"
            if problem:
                raise IntegrityError(f"{folder / 'index.json'}: {problem}")
            return field_from_json(cls, entry, field)

        return _Entries(names, read, read_field)

    def table(name: str, cls: type[T]) -> Callable[[], tuple[T, ...]]:
        return lambda: _rows(folder, listed, name, cls)

    def coverage() -> dict[str, Coverage]:
        found = index.coverage
        for source, entry in found.items():
            problem = fact_problem(Coverage, entry, f"coverage[{source!r}]")
            if problem:
                raise IntegrityError(f"{folder / 'index.json'}: {problem}")
        return {s: from_json(Coverage, c) for s, c in found.items()}

    resource_types = table("resource_types", ResourceType)
    sources = table("sources", Source)
    return Reference(
        version=manifest["dataset_version"],
        schema_version=manifest["schema_version"],
        folder=str(folder),
        actions=entries("actions", ActionInfo, "action", index.action_names),
        condition_keys=entries(
            "condition_keys", ConditionKeyInfo, "condition_key", index.key_names
        ),
        links=_Rows(table("action_condition_keys", KeyLink)),
        resource_types=_Table(lambda: {r.resource_type: r for r in resource_types()}),
        discrepancies=_Rows(table("discrepancies", Discrepancy)),
        notes=_Rows(table("notes", Note)),
        sources=_Table(lambda: {s.source_id: s for s in sources()}),
        coverage=_Table(coverage),
    )


def fact_field(facts: Mapping[str, Any], name: str, field: str) -> Any:
    """One field of a fact of `reference.actions` or `reference.condition_keys` (an action's
    `policy_types`, a key's `actions`): a lazily read model reads it alone from the fact's
    entry, checked as the fact would be, until the fact is built; so a question asked of every
    action (`kms:*`) does not build every action's whole fact."""
    if isinstance(facts, _Entries):
        return facts.field(name, field)
    return getattr(facts[name], field)


def via_services(reference: Reference | None = None) -> tuple[ViaService, ...]:
    """The services the developer guide lists as supporting kms:ViaService, by name.

    Each has the guide's name for it (`service`), its ViaService names as written (`names`,
    e.g. `ec2.AWS_region.amazonaws.com`; `prefixes` gives `ec2`) and the table's note ("EBS
    only"). A service whose names the copy held does not give has no names and says so in its
    note. `reference` defaults to the bundled dataset; empty when it has no such table.
    """
    found = (reference or load()).condition_keys.get(VIA_SERVICE_KEY)
    return found.via_services if found else ()


def via_service_problem(value: str, reference: Reference | None = None) -> str | None:
    """What is wrong with one kms:ViaService condition value, in a sentence, or None when it is
    `SERVICE.REGION.amazonaws.com` for a service of `via_services()` and a Region of the right
    form (us-east-1; whether the Region exists is not known here). A wildcard value is not
    judged. When the table leaves a service's names out (ElastiCache), the sentence says so."""
    from kms_permissions import via_service

    services = via_services(reference)
    prefixes = {prefix for service in services for prefix in service.prefixes}
    elided = tuple(s.service for s in services if not s.names)
    return via_service.problem(value, prefixes, elided)
