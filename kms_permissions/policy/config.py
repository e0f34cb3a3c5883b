"""The `[tool.kms-permissions.check]` table of pyproject.toml, found as ruff finds its own.

For each file checked, the nearest `pyproject.toml` holding the table, walking up from the
file's folder (from the working directory for standard input), applies:

    [tool.kms-permissions.check]
    select = ["ALL"]                 # rule ids or prefixes; default: all
    ignore = ["KMS044"]
    fail-on = "warning"              # error (default) or warning
    account = "111122223333"         # the account owning keys and policies
    kind = "auto"                    # for policy files: auto, key-policy, iam-policy, ...
    per-file-kinds = { "endpoints/*.json" = "vpc-endpoint-policy" }
    per-file-ignores = { "legacy/*.json" = ["KMS090"] }
    per-sid-ignores = { "AllowCloudTrailEncrypt" = ["KMS044"] }

Globs are matched against the path relative to the folder of that pyproject.toml. Command
line options win over the table.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

from kms_permissions.files import real_path
from kms_permissions.policy.account import valid_account
from kms_permissions.policy.document import PolicyError
from kms_permissions.policy.tomlscan import may_hold, read_simple

# Records made without importing dataclasses (see kms_permissions._slotted); type
# checkers read them as the dataclasses they are.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass, field
    from typing import Any
else:
    from kms_permissions._slotted import Any, dataclass, field

TABLE = ("tool", "kms-permissions")
KEYS = {
    "select",
    "ignore",
    "fail-on",
    "account",
    "kind",
    "per-file-kinds",
    "per-file-ignores",
    "per-sid-ignores",
}


@dataclass(frozen=True)
class Config:
    """One `[tool.kms-permissions.check]` table and the folder it applies from."""

    path: Path | None = None
    table: dict[str, Any] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        """The folder globs are relative to."""
        return self.path.parent if self.path else Path.cwd()

    def value(self, key: str) -> Any:
        """A setting, or None."""
        return self.table.get(key)

    def _matching(self, key: str, file: str) -> list[Any]:
        try:
            relative = real_path(file).relative_to(real_path(self.root)).as_posix()
        except ValueError:
            relative = Path(file).as_posix()
        table: dict[str, Any] = self.table.get(key) or {}
        return [value for glob, value in table.items() if fnmatch.fnmatch(relative, glob)]

    def kind_for(self, file: str) -> str | None:
        """The kind `per-file-kinds` gives a file, else `kind`."""
        found = self._matching("per-file-kinds", file)
        return str(found[-1]) if found else self.value("kind")

    def ignores_for(self, file: str) -> list[str]:
        """`ignore` and the `per-file-ignores` of a file."""
        found = list(self.value("ignore") or [])
        for codes in self._matching("per-file-ignores", file):
            found += list(codes)
        return found


def _check(path: Path, table: Any) -> dict[str, Any]:
    where = f"{path}: [tool.kms-permissions.check]"
    if not isinstance(table, dict):
        raise PolicyError(f"{where} is not a table")
    unknown = sorted(set(table) - KEYS)
    if unknown:
        raise PolicyError(f"{where}: unknown setting {unknown[0]!r} (settings: {sorted(KEYS)})")
    for key in ("select", "ignore"):
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise PolicyError(f"{where}: {key} is a list of rule ids")
    for key in ("fail-on", "account", "kind"):
        if key in table and not isinstance(table[key], str):
            raise PolicyError(f"{where}: {key} is a string")
    valid_account(table.get("account"), f"{where}: account")
    if table.get("fail-on", "error") not in ("error", "warning"):
        raise PolicyError(f"{where}: fail-on is error or warning")
    for key in ("per-file-kinds", "per-file-ignores", "per-sid-ignores"):
        if not isinstance(table.get(key, {}), dict):
            raise PolicyError(f"{where}: {key} is a table")
    return table


def _table(path: Path, data: dict[str, Any]) -> Any:
    """`tool.kms-permissions.check` of a parsed pyproject.toml, or None; PolicyError when
    `tool.kms-permissions` or its `check` is some other value than a table."""
    tool = data.get("tool")
    ours = tool.get("kms-permissions") if isinstance(tool, dict) else None
    if ours is None:
        return None
    if not isinstance(ours, dict):
        raise PolicyError(f"{path}: [tool.kms-permissions] is not a table")
    return ours.get("check")


_FOUND: dict[Path, Config] = {}


def _parsed(path: Path, text: str) -> dict[str, Any] | None:
    """The pyproject's data, or None when it certainly holds no table of ours."""
    if not may_hold(text, TABLE):
        return None  # not parsed: tomllib's start-up costs a cold check much (see tomlscan)
    data = read_simple(text)  # what tomllib reads, for a file of the simple kind
    if data is None:
        import tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise PolicyError(f"{path}: {exc}") from None
    return data


def config_for(file: str) -> Config:
    """The configuration that applies to a file (`-`: standard input)."""
    start = Path.cwd() if file == "-" else real_path(file).parent
    if start in _FOUND:
        return _FOUND[start]
    config = Config()
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if not candidate.is_file():
            continue
        try:
            text = candidate.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PolicyError(f"{candidate}: {exc}") from None
        try:
            data = _parsed(candidate, text)
        except RecursionError:  # the scan and tomllib both recurse into nested arrays
            raise PolicyError(f"{candidate}: nested too deeply to be a configuration") from None
        if data is None:
            continue
        table = _table(candidate, data)
        if table is not None:
            config = Config(candidate, _check(candidate, table))
            break
    _FOUND[start] = config
    return config
