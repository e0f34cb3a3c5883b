"""The `kms-permissions` command line: a registry of verbs, one module each.

`lookup` is what other tools call many times, so a plain `lookup [--json] [--dataset DIR]
NAME...` is answered without importing argparse; so is a plain command line of a verb that
declares its options (`parse_plain`, see `commands.options`: `check`, run on every commit);
anything else goes through the full parser.
"""

from __future__ import annotations

import sys

from kms_permissions.errors import ECHO_LIMIT, InputError, KmsPermissionsError, shown
from kms_permissions.query import QueryError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import Any, NoReturn

# Verb -> module under kms_permissions.commands (see that package's docstring), in help order.
VERBS: tuple[tuple[str, str], ...] = (
    ("lookup", "lookup"),
    ("expand", "expand"),
    ("actions", "actions"),
    ("keys", "keys"),
    ("info", "info"),
    ("export", "export"),
    ("diff", "diff"),
    ("check", "check"),
    ("explain", "explain"),
    ("access", "access"),
    ("key-policy", "key_policy"),
    ("scrape", "scrape"),
    ("build", "build"),
    ("history", "history"),
    ("verify", "verify"),
    ("generate", "generate"),
    ("site", "site"),
    ("corpus", "corpus"),
    ("update", "update"),
    ("completion", "completion"),
)

# Verbs that write: each first finishes or rolls back an update a kill interrupted.
WRITING_VERBS = frozenset({"scrape", "build", "history", "generate", "site", "corpus", "update"})


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser with every verb (or only the verb `only`: a command line naming its
    verb imports and builds that verb's arguments alone, which a cold start feels)."""
    import argparse
    from importlib import import_module

    from kms_permissions.errors import shown

    class Parser(argparse.ArgumentParser):
        """argparse without abbreviated options (`--for` is not `--force`: a script's typo
        must not become another option), the user's values cut short in its messages."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **{"allow_abbrev": False, **kwargs})

        def error(self, message: str) -> NoReturn:
            if len(message) > 4 * ECHO_LIMIT:
                message = shown(message, 4 * ECHO_LIMIT)[1:-1]
            self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")

        def _check_value(self, action: argparse.Action, value: Any) -> None:
            # A mistyped verb or choice: the close ones named (argparse lists them all).
            choices = action.choices
            if choices is not None and value not in choices:
                from difflib import get_close_matches

                names = [str(c) for c in choices]
                close = get_close_matches(str(value), names, n=3)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                raise argparse.ArgumentError(
                    action,
                    f"invalid choice: {shown(str(value))}{hint} (choose from {', '.join(names)})",
                )
            super()._check_value(action, value)

        def _get_value(self, action: argparse.Action, arg_string: str) -> Any:
            # Path("") is the current folder: an empty path given by mistake would be read or
            # written there.
            if arg_string == "" and getattr(action.type, "__name__", None) == "Path":
                raise argparse.ArgumentError(action, "an empty path; name a file or folder")
            return super()._get_value(action, arg_string)

        def parse_args(self, args: Any = None, namespace: Any = None) -> Any:
            parsed, extra = self.parse_known_args(args, namespace)
            if extra:
                self.error(f"unrecognized arguments: {' '.join(extra)}{self._close(parsed, extra)}")
            return parsed

        def _close(self, parsed: argparse.Namespace, extra: list[str]) -> str:
            """'; did you mean --json?' for the first mistyped option of the verb given."""
            from difflib import get_close_matches

            options = [o for a in self._actions for o in a.option_strings]
            verb = verbs.choices.get(getattr(parsed, "verb", None) or "")
            if verb is not None:
                options += [o for a in verb._actions for o in a.option_strings]
            for word in extra:
                if word.startswith("--"):
                    close = get_close_matches(word.split("=", 1)[0], options, n=1)
                    if close:
                        return f"; did you mean {close[0]}?"
            return ""

    parser = Parser(
        prog="kms-permissions",
        description="The AWS KMS authorization reference as data: scrape, build, look up.",
    )

    class Version(argparse.Action):
        """--version: one line, never wrapped (argparse's own action wraps it)."""

        def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> None:
            print(version_line())
            parser.exit()

    parser.add_argument(
        "--version", action=Version, nargs=0, help="show the package's and the dataset's versions"
    )
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    for verb, module_name in VERBS:
        if only is not None and verb != only:
            continue
        module = import_module(f"kms_permissions.commands.{module_name}")
        sub = verbs.add_parser(verb, help=module.HELP, description=module.__doc__)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    # `completion` is made from the whole parser, whichever verb this one was built for.
    parser.set_defaults(build_parser=build_parser)
    return parser


def version_line() -> str:
    """The package's version, the bundled dataset's and its schema's."""
    from kms_permissions._version import DATASET_VERSION, __version__
    from kms_permissions.model import SCHEMA_VERSION

    return (
        f"kms-permissions {__version__} (bundled dataset {DATASET_VERSION}, "
        f"schema {SCHEMA_VERSION})"
    )


def _fast_lookup(argv: list[str]) -> int | None:
    """Answer `lookup [--json] [--dataset DIR] NAME...` directly; None for anything else."""
    if not argv or argv[0] != "lookup":
        return None
    names: list[str] = []
    as_json = False
    dataset = None
    rest = argv[1:]
    while rest:
        arg = rest.pop(0)
        if arg == "--json":
            as_json = True
        elif arg == "--dataset" and rest:
            dataset = rest.pop(0)
        elif arg.startswith("-") and arg != "-":
            return None
        else:
            names.append(arg)
    if not names:
        return None
    from kms_permissions.commands.lookup import run_lookup

    return run_lookup(names, as_json, dataset)


def _plain(verb: str | None, argv: list[str]) -> argparse.Namespace | None:
    """The parsed arguments of a plain command line of a verb that declares its options, as
    argparse would give them, or None."""
    if verb is None:
        return None
    from importlib import import_module

    module = import_module(f"kms_permissions.commands.{dict(VERBS)[verb]}")
    parse_plain = getattr(module, "parse_plain", None)
    values = parse_plain(argv[1:]) if parse_plain is not None else None
    if values is None:
        return None
    from types import SimpleNamespace

    given = {"version": None, "verb": verb, "build_parser": build_parser, **values}
    namespace: argparse.Namespace = SimpleNamespace(**given, run=module.run)  # type: ignore[assignment]
    return namespace


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    The one error path: every failure ends in one line on stderr naming what and where, and
    exit status 2 (usage, input, output refused), 1 (not found, findings: said by the verb) or
    130 (interrupted). An unexpected error while a dataset is read is traced to the dataset's
    damage when its strict check finds one; anything else is a defect, reported in one line
    (KMS_PERMISSIONS_DEBUG=1 shows the traceback).
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    prefix = "kms-permissions"
    if args_list and args_list[0] in dict(VERBS):
        prefix += f" {args_list[0]}"
    _tolerate_unencodable_output()
    namespace: argparse.Namespace | None = None
    try:
        try:
            fast = _fast_lookup(args_list)
            if fast is not None:
                return _flushed(fast)
            verb = args_list[0] if args_list and args_list[0] in dict(VERBS) else None
            namespace = _plain(verb, args_list) or build_parser(verb).parse_args(args_list)
            if verb in WRITING_VERBS:
                from kms_permissions.commands.recovery import recover_interrupted

                recover_interrupted()
            return _flushed(namespace.run(namespace))
        except (KmsPermissionsError, QueryError, KeyboardInterrupt, BrokenPipeError):
            raise
        except (Exception, RecursionError) as exc:
            from kms_permissions.damage import dataset_problem, datasets_named

            for folder in datasets_named(namespace, args_list):
                problem = dataset_problem(folder)
                if problem is not None:
                    raise problem from None
            if isinstance(exc, OSError):
                where = f"{exc.filename}: " if exc.filename else ""
                raise InputError(f"{where}{exc.strerror or exc}") from None
            raise
    except SystemExit as exc:  # argparse: --help, or a usage error it has printed
        return exc.code if isinstance(exc.code, int) else 2
    except UsageError as exc:
        return _say(prefix, str(exc), 2)
    except KmsPermissionsError as exc:
        return _say(prefix, str(exc), exc.exit_status)
    except QueryError as exc:
        return _say(prefix, str(exc), 2)
    except KeyboardInterrupt:
        return _say(prefix, "interrupted", 130)
    except BrokenPipeError:
        _silence_stdout()  # the reader went away: nothing more to say, and no complaint at exit
        return 0
    except UnicodeDecodeError as exc:  # standard input read as text by a verb
        return _say(prefix, f"an input is not UTF-8 text (byte {exc.start}: {exc.reason})", 2)
    except MemoryError:
        return _say(prefix, "out of memory: the input is too large", 2)
    except RecursionError:
        return _say(prefix, "the input is nested too deeply", 2)
    except Exception as exc:
        import os

        if os.environ.get("KMS_PERMISSIONS_DEBUG"):
            raise
        return _say(
            prefix,
            f"internal error ({type(exc).__name__}: {shown(str(exc))}); this is a defect, "
            "please report it (KMS_PERMISSIONS_DEBUG=1 shows where)",
            2,
        )


def _flushed(status: int) -> int:
    """The status, once standard output is flushed (so that a closed pipe shows here)."""
    sys.stdout.flush()
    return status


def _say(prefix: str, message: str, status: int) -> int:
    from kms_permissions.display import printable

    line = " ".join(part.strip() for part in message.splitlines() if part.strip())
    print(f"{prefix}: {printable(line)}", file=sys.stderr)
    return status


def _tolerate_unencodable_output() -> None:
    """Names from arguments or files may hold undecodable bytes or lone surrogates: print them
    escaped rather than fail."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            # Not contextlib.suppress: importing contextlib would slow the lookup's start-up.
            try:  # noqa: SIM105
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # a stream that cannot change
                pass


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file (tests capture it): nothing to silence
        pass


if __name__ == "__main__":
    raise SystemExit(main())
