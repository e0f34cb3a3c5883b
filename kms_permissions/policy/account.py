"""The account that owns keys and policies, validated once for `check`, `access` and their
Python functions: None, or a string of 12 ASCII digits.

A value of another type is the caller's mistake (`ArgumentTypeError`, a TypeError: the command
line always passes strings); a malformed string is bad input, raised as the error class the
caller documents (`PolicyError` for `check()`, `InputError` for `access()`), with the same
message everywhere.
"""

from __future__ import annotations

from kms_permissions.errors import ArgumentTypeError, KmsPermissionsError, shown
from kms_permissions.policy.document import PolicyError


def valid_account(
    account: object,
    name: str = "account",
    function: str = "check",
    error: type[KmsPermissionsError] = PolicyError,
) -> str | None:
    """`account` if it is None or a 12-digit AWS account ID given as a string.

    `name` is how messages call the value (`--account`, `account`); `function` names the
    Python function in a type error."""
    if account is None:
        return None
    if not isinstance(account, str):
        raise ArgumentTypeError(
            f"{function}(): {name} must be a str of 12 digits, not {type(account).__name__}"
        )
    if not (account.isascii() and account.isdigit() and len(account) == 12):
        raise error(f"{name} {shown(account)}: not a 12-digit account ID")
    return account
