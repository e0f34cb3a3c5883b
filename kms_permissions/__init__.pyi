"""The AWS KMS authorization reference as data.

What type checkers and editors (Jedi, IPython, pyright) see of the package: `__init__.py`
imports these names on first use, so that importing the constants stays cheap.
"""

from kms_permissions._version import DATASET_VERSION as DATASET_VERSION
from kms_permissions._version import __version__ as __version__
from kms_permissions.api import NotFoundError as NotFoundError
from kms_permissions.api import actions as actions
from kms_permissions.api import condition_keys as condition_keys
from kms_permissions.api import expand as expand
from kms_permissions.api import lookup as lookup
from kms_permissions.api import lookup_action as lookup_action
from kms_permissions.api import lookup_key as lookup_key
from kms_permissions.policy.access import access as access
from kms_permissions.policy.access import explain as explain
from kms_permissions.policy.authoring import key_policy as key_policy
from kms_permissions.reference import Reference as Reference
from kms_permissions.reference import data_path as data_path
from kms_permissions.reference import load as load

__all__ = [
    "DATASET_VERSION",
    "NotFoundError",
    "Reference",
    "__version__",
    "access",
    "actions",
    "condition_keys",
    "data_path",
    "expand",
    "explain",
    "key_policy",
    "load",
    "lookup",
    "lookup_action",
    "lookup_key",
]
