"""The action / condition key relation as the sources give it, gathered once per version."""

from __future__ import annotations

from kms_permissions.dataset.headline import decide_pair
from kms_permissions.names import natural_key

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal

    from kms_permissions.dataset.row_types import ActionConditionKeysRow

    SourceColumn = Literal["permissions_source", "conditions_source", "sar_source", "api_source"]

_SOURCE_COLUMNS: dict[str, SourceColumn] = {
    "permissions": "permissions_source",
    "conditions": "conditions_source",
    "sar": "sar_source",
    "api": "api_source",
}


class Links:
    """Pairs of (action, condition key), each with what every source says of it."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, str], ActionConditionKeysRow] = {}
        self._positions: dict[str, int] = {}
        self.dates: dict[str, str | None] = {}

    def _row(self, action: str, key: str) -> ActionConditionKeysRow:
        pair = (action, key)
        if pair not in self._rows:
            self._rows[pair] = {
                "action": action,
                "condition_key": key,
                "permissions_source": None,
                "conditions_source": None,
                "sar_source": None,
                "api_source": None,
                "rule": None,
                "applies": True,
                "decided_by": None,
                "grant_rows": [],
                "group": None,
                "position": None,
                "sar_resource_types": [],
                "sar_names": [],
            }
        return self._rows[pair]

    def from_permissions(
        self, action: str, key: str, source_id: str, grant_row: int, group: str | None
    ) -> None:
        """The permissions reference lists `key` in row `grant_row` of `action`."""
        row = self._row(action, key)
        row["permissions_source"] = source_id
        if grant_row not in row["grant_rows"]:
            row["grant_rows"].append(grant_row)
        if row["position"] is None:
            position = self._positions.get(action, 0)
            self._positions[action] = position + 1
            row["position"] = position
            row["group"] = group

    def from_conditions(self, action: str, key: str, source_id: str) -> None:
        """A condition key page says `key` applies to `action`."""
        self._row(action, key)["conditions_source"] = source_id

    def add_rule(self, action: str, key: str, rule: str) -> None:
        """Record that a source paired them by `rule` (it does not list the action yet)."""
        row = self._row(action, key)
        rules = [r for r in (row["rule"] or "").split("; ") if r]
        if rule not in rules:
            row["rule"] = "; ".join([*rules, rule])

    def from_sar(self, action: str, key: str, sar_name: str, source_id: str, resource: str) -> None:
        """The SAR lists `sar_name` (standing for `key`) on `action`'s row for `resource`."""
        row = self._row(action, key)
        row["sar_source"] = source_id
        if resource not in row["sar_resource_types"]:
            row["sar_resource_types"].append(resource)
        if sar_name != key and sar_name not in row["sar_names"]:
            row["sar_names"].append(sar_name)

    def from_api(self, action: str, key: str, source_id: str) -> None:
        """The API Reference's text offers `key` for `action`'s operation."""
        self._row(action, key)["api_source"] = source_id

    def sar_names(self, action: str, key: str) -> list[str]:
        """The SAR's names standing for `key` on `action` (instances, spellings), if any."""
        row = self._rows.get((action, key))
        return list(row["sar_names"]) if row else []

    def keys(self) -> set[str]:
        """Every key paired with some action."""
        return {key for _, key in self._rows}

    def keys_from(self, source: str) -> set[str]:
        """Keys that `source` pairs with some action."""
        column = _SOURCE_COLUMNS[source]
        return {row["condition_key"] for row in self._rows.values() if row[column]}

    def pairs(self, source: str) -> dict[str, set[str]]:
        """Per action, the keys that `source` pairs with it."""
        column = _SOURCE_COLUMNS[source]
        found: dict[str, set[str]] = {}
        for row in self._rows.values():
            if row[column]:
                found.setdefault(row["action"], set()).add(row["condition_key"])
        return found

    def decide(self, speakers: Speakers) -> None:
        """Set each pair's headline (`applies`, `decided_by`): per pair, the sources that speak
        of it say whether they pair the two (a source that pairs them says yes; `speakers`
        says which others speak of it and say no), and the newest dated of them decides."""
        self.dates = dict(speakers.dates)
        for (action, key), row in self._rows.items():
            said = {s: bool(row[column]) for s, column in _SOURCE_COLUMNS.items() if row[column]}
            for source in speakers.silent(action, key):
                said.setdefault(source, False)
            row["applies"], row["decided_by"] = decide_pair(said, speakers.dates)

    def rows(self) -> list[ActionConditionKeysRow]:
        """The table rows, lists in a stable order."""
        order = {"key": 0, "alias": 1, "*": 2}
        for row in self._rows.values():
            row["grant_rows"].sort()
            row["sar_resource_types"].sort(key=lambda r: (order.get(r, 9), r))
            row["sar_names"].sort(key=natural_key)
        return list(self._rows.values())


class Speakers:
    """Which sources speak of a pair they do not list (and so say the key does not apply).

    A source speaks of a pair when its listing is complete for it: the permissions reference for
    an action it lists; the condition key pages for a key whose API operations they give and an
    action they know; the SAR for an action and a key it both lists. The API Reference's text
    offers keys without listing them all, so it speaks only where it offers one."""

    def __init__(
        self,
        dates: dict[str, str | None],
        guide_actions: set[str],
        condition_actions: set[str],
        condition_keys: set[str],
        sar_actions: set[str],
        sar_keys: set[str],
    ) -> None:
        self.dates = dates
        self._guide_actions = guide_actions
        self._condition_actions = condition_actions
        self._condition_keys = condition_keys
        self._sar_actions = sar_actions
        self._sar_keys = sar_keys

    def silent(self, action: str, key: str) -> list[str]:
        """The sources that speak of (action, key), listing the pair or not."""
        found = []
        if action in self._guide_actions:
            found.append("permissions")
        if action in self._condition_actions and key in self._condition_keys:
            found.append("conditions")
        if action in self._sar_actions and key in self._sar_keys:
            found.append("sar")
        return found
