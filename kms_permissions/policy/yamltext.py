"""YAML text (CloudFormation templates) read for checking, with the line and column of values.

PyYAML composes the node graph (with each node's mark); this module builds the data from it
itself, so that it records where every value is and reads CloudFormation's short-form tags
(`!Sub`, `!Ref`, `!GetAtt`, `!If` ...) as their long forms (`{"Fn::Sub": ...}`), the way
CloudFormation does. Dates stay text: `Version: 2012-10-17` is the string CloudFormation
sends. Anchors and aliases are followed, with a cap on the values built, keys included (a few
aliases can otherwise stand for billions of values); a key must be a scalar. Merge keys (`<<`)
are read as YAML 1.1 defines them, as the tools that deploy such templates resolve them.
"""

from __future__ import annotations

from typing import Any

from kms_permissions.policy.document import PolicyError
from kms_permissions.policy.jsontext import MAX_DIGITS, Duplicates
from kms_permissions.policy.positions import Pointer, Position
from kms_permissions.policy.reading import MAX_DEPTH

MAX_VALUES = 1_000_000
# Short forms whose long form is not Fn::<name>.
_LONG_FORM = {"Ref": "Ref", "Condition": "Condition"}


class _Where:
    """The position of a value and of the values inside it: a tree shaped like the data, so that
    a value costs the same however deep it is."""

    __slots__ = ("children", "position")

    def __init__(self, position: Position | None) -> None:
        self.position = position
        self.children: dict[str | int, _Where] | None = None  # made when a value is inside

    def inside(self) -> dict[str | int, _Where]:
        """The positions of the values inside this one."""
        if self.children is None:
            self.children = {}
        return self.children


class YamlData:
    """The data of a YAML text and the position of each value (of the key, for members)."""

    def __init__(self, text: str) -> None:
        import yaml

        # LibYAML's parser when PyYAML was built with it (three times faster); it composes the
        # same nodes, marks included. Unknown tags are left on the nodes for `_build`.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        try:
            node = yaml.compose(text, Loader=loader)
        except yaml.MarkedYAMLError as exc:
            if "nesting depth" in str(exc.problem):  # LibYAML's own cap, deeper than ours
                raise PolicyError(f"nested deeper than {MAX_DEPTH} levels; not read") from None
            mark = exc.problem_mark or exc.context_mark
            where = f"line {mark.line + 1} column {mark.column + 1}: " if mark else ""
            raise PolicyError(f"{where}{exc.problem or exc.context}") from None
        except yaml.YAMLError as exc:
            raise PolicyError(f"not YAML: {exc}") from None
        except RecursionError:
            raise PolicyError(f"nested deeper than {MAX_DEPTH} levels; not read") from None
        self._tree: dict[str | int, _Where] = {}
        self._built = 0
        self.data = None if node is None else self._build(node, self._tree, "", 0, None)

    def __call__(self, pointer: Pointer) -> Position | None:
        here = self._tree.get("")
        for step in pointer:
            if here is None:
                return None
            here = None if here.children is None else here.children.get(step)
        return None if here is None else here.position

    def _build(
        self, node: Any, parent: dict[str | int, _Where], step: str | int, depth: int, key_mark: Any
    ) -> Any:
        import yaml

        self._count()
        if depth > MAX_DEPTH:
            raise PolicyError(f"nested deeper than {MAX_DEPTH} levels; not read")
        here = parent.get(step)
        if here is None:  # a repeated key keeps the first position
            mark = key_mark or node.start_mark
            here = parent[step] = _Where((mark.line + 1, mark.column + 1))
        tag: str = node.tag
        if tag.startswith(_LANGUAGE_TAGS):
            # `!!python/object/apply:...` and the like: a loader's instructions, not data.
            raise PolicyError(
                f"line {node.start_mark.line + 1}: the YAML tag !!{tag.split(':', 2)[2]} is "
                "not read (a template's tags are CloudFormation's, like !Ref and !Sub)"
            )
        if tag.startswith("!"):
            name = tag[1:]
            long_form = _LONG_FORM.get(name, f"Fn::{name}")
            if name == "GetAtt" and isinstance(node, yaml.ScalarNode):
                return {long_form: str(node.value).split(".", 1)}
            inner = here.inside().setdefault(long_form, _Where(None))
            return {long_form: self._plain(node, inner, depth + 1)}
        return self._plain(node, here, depth)

    def _plain(self, node: Any, here: _Where, depth: int) -> Any:
        import yaml

        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            repeated: list[str] = []
            merged: list[Any] = []
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    merged.extend(_merge_sources(key_node, value_node))
                    continue
                key = self._key(key_node)
                if key in result:
                    repeated.append(key)
                result[key] = self._build(
                    value_node, here.inside(), key, depth + 1, key_node.start_mark
                )
            # YAML's merge key (`<<: *defaults`, which `aws cloudformation package`, SAM and
            # the Serverless Framework resolve): the mapping's own keys win, then the first
            # merged mapping that has the key; each merged value keeps where it is written.
            for source in merged:
                for key, value in self._plain(source, here, depth + 1).items():
                    result.setdefault(key, value)
            if repeated:
                marked = Duplicates(result)
                marked.repeated = tuple(repeated)
                return marked
            return result
        if isinstance(node, yaml.SequenceNode):
            return [
                self._build(item, here.inside(), i, depth + 1, None)
                for i, item in enumerate(node.value)
            ]
        return _scalar(node)

    def _key(self, node: Any) -> str:
        """A mapping key: a scalar, counted like any value (an alias used as a key is followed
        like any other; a key that is a list or mapping is not JSON and CloudFormation's)."""
        import yaml

        self._count()
        if not isinstance(node, yaml.ScalarNode):
            raise PolicyError(
                f"line {node.start_mark.line + 1} column {node.start_mark.column + 1}: a mapping "
                "key that is a list or mapping; CloudFormation's keys are text"
            )
        return str(node.value)

    def _count(self) -> None:
        self._built += 1
        if self._built > MAX_VALUES:
            raise PolicyError(f"more than {MAX_VALUES} values (aliases expanded); not read")


def _merge_sources(key_node: Any, value_node: Any) -> list[Any]:
    """The mappings a merge key names: one mapping, or a list of them (in order)."""
    import yaml

    sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
    for source in sources:
        if not isinstance(source, yaml.MappingNode) or source.tag != "tag:yaml.org,2002:map":
            raise PolicyError(
                f"line {key_node.start_mark.line + 1}: a merge key (<<) takes a mapping or a "
                "list of mappings"
            )
    return list(sources)


# Tags of the YAML type repository that name a language's objects, not data.
_LANGUAGE_TAGS = tuple(
    f"tag:yaml.org,2002:{language}/" for language in ("python", "ruby", "perl", "java", "php")
)


def _scalar(node: Any) -> Any:
    """A scalar as CloudFormation reads it: booleans, null and numbers typed, the rest text."""
    value = str(node.value)
    tag = node.tag
    if tag == "tag:yaml.org,2002:bool":
        return value.lower() in ("true", "yes", "on", "y")
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:int":
        digits = value.replace("_", "").lstrip("+-")
        if len(digits) > MAX_DIGITS:
            raise PolicyError(
                f"line {node.start_mark.line + 1}: a number of {len(digits)} digits; numbers "
                f"are capped at {MAX_DIGITS}"
            )
        try:
            return int(value.replace("_", ""), 0)
        except ValueError:
            return value
    if tag == "tag:yaml.org,2002:float":
        try:
            number = float(value.replace("_", ""))
        except ValueError:
            return value
        if number in (float("inf"), float("-inf")):  # JSON, which AWS reads, has no infinity
            raise PolicyError(
                f"line {node.start_mark.line + 1}: the number {value} is beyond the range of a "
                "float"
            )
        return number
    return value
