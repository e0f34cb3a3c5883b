"""The command line's verbs, one module each.

A verb module has a docstring (its description), `HELP` (one line for the verb list),
`add_arguments(parser)` and `run(args) -> int` (the exit status). `kms_permissions.cli.VERBS`
lists them; adding a verb is a new module and one line there.
"""
