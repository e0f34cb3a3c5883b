"""`python -m kms_permissions`."""

from kms_permissions.cli import main

raise SystemExit(main())
