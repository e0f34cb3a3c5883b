"""Templates: CloudFormation substitutions written outside Fn::Sub."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kms_permissions.policy.document import Unresolved
from kms_permissions.policy.registry import Context, Hit, rule

# Stand-ins for typing's names at run time (see kms_permissions._slotted).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any
else:
    from kms_permissions._slotted import Any

SUB = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
    "intrinsic-function-reference-sub.html"
)
_PSEUDO = r"\$\{AWS::[A-Za-z]+\}"


def _template(value: Any) -> dict[str, Any]:
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "Key": {
                "Type": "AWS::KMS::Key",
                "Properties": {
                    "KeyPolicy": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"AWS": value},
                                "Action": "kms:*",
                                "Resource": "*",
                            }
                        ],
                    }
                },
            }
        },
    }


@rule(
    "KMS130",
    "warning",
    "CloudFormation ${AWS::...} outside Fn::Sub",
    name="substitution-outside-sub",
    template="cloudformation",
    link=SUB,
    bad=_template("arn:aws:iam::${AWS::AccountId}:root"),
    good=_template({"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:root"}),
)
def substitution_outside_sub(ctx: Context) -> Iterator[Hit]:
    """A policy string in a CloudFormation template holding `${AWS::Region}` or another pseudo
    parameter without `Fn::Sub` (`!Sub`): CloudFormation substitutes only inside Fn::Sub, so
    AWS receives the text `${AWS::Region}` itself and the value never matches what was
    meant."""
    if ctx.template != "cloudformation":
        return
    for statement in ctx.document.statements:
        stack: list[tuple[Any, str]] = [(statement.body, statement.path)]
        while stack:
            value, path = stack.pop()
            if isinstance(value, str):
                match = re.search(_PSEUDO, value)
                if match:
                    yield Hit(
                        statement,
                        path,
                        f"{match.group()} is written outside Fn::Sub: CloudFormation leaves it "
                        "as it is, so AWS compares the literal text; wrap the value in !Sub",
                        "CloudFormation: Fn::Sub substitutes variables",
                        SUB,
                    )
            elif isinstance(value, Unresolved):
                if value.function != "Fn::Sub":  # inside Fn::Sub, ${AWS::...} is substituted
                    stack.append((value.argument, f'{path}["{value.function}"]'))
            elif isinstance(value, dict):
                if set(value) == {"Fn::Sub"}:
                    continue
                stack.extend((v, f'{path}["{k}"]') for k, v in value.items())
            elif isinstance(value, list):
                stack.extend((v, f"{path}[{i}]") for i, v in enumerate(value))
