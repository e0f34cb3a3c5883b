"""The ARNs a spec names: what each field accepts, and the same ARN in another account."""

from __future__ import annotations

import re

ACCOUNT = re.compile(r"\d{12}\Z")
# IAM's limit on an ARN in a policy; a longer value is refused before it is parsed.
MAX_ARN = 2048
REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d\Z")
PARTITION = re.compile(r"aws(?:-[a-z]+)*\Z")
# arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE (region and account may be empty).
_ARN = re.compile(
    r"arn:(?P<partition>aws(?:-[a-z]+)*):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):"
    r"(?P<account>\d{12}|):(?P<resource>[^\s*?]+)\Z"
)
IAM_PRINCIPAL = re.compile(
    r"arn:(?P<partition>aws(?:-[a-z]+)*):iam::(?P<account>\d{12}):"
    r"(?P<kind>role|user)/(?:[\w+=,.@-]+/)*(?P<name>[\w+=,.@-]{1,64})\Z"
)
SERVICE_PRINCIPAL = re.compile(r"[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.amazonaws\.com\Z")


class Arn:
    """An ARN split into its parts."""

    def __init__(self, text: str) -> None:
        match = _ARN.match(text)
        if match is None:
            raise ValueError(text)
        self.text = text
        self.partition = match["partition"]
        self.service = match["service"]
        self.region = match["region"]
        self.account = match["account"]
        self.resource = match["resource"]

    def in_account(self, account: str) -> str:
        """The same ARN in `account` (the resource unchanged)."""
        return f"arn:{self.partition}:{self.service}:{self.region}:{account}:{self.resource}"


def parse_arn(text: str) -> Arn | None:
    """The ARN's parts, or None when `text` is not an ARN."""
    try:
        return Arn(text)
    except ValueError:
        return None


def other_account(account: str) -> str:
    """An account that is not `account`, for requests that must be refused."""
    return f"{(int(account) + 1) % 10**12:012d}"
