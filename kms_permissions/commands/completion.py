"""`completion bash|zsh|fish`: a shell completion script for kms-permissions.

The script is made from the command line's own parser, so it knows every verb, option and
choice of this version. Install it where your shell looks:

- bash: `kms-permissions completion bash >
  ~/.local/share/bash-completion/completions/kms-permissions`
- zsh: `kms-permissions completion zsh > ~/.zfunc/_kms-permissions` (with `fpath+=~/.zfunc`
  before `compinit` in ~/.zshrc)
- fish: `kms-permissions completion fish > ~/.config/fish/completions/kms-permissions.fish`
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

HELP = "a shell completion script (bash, zsh or fish)"
PROGRAM = "kms-permissions"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """SHELL."""
    parser.add_argument("shell", choices=tuple(SCRIPTS), help="the shell to complete in")


def run(args: argparse.Namespace) -> int:
    """Print the script for the shell asked for."""
    # The command line's whole parser (`cli.build_parser` passes itself as a default).
    print(SCRIPTS[args.shell](commands(args.build_parser())), end="")
    return 0


@dataclass(frozen=True)
class Option:
    """An option of a command: its spellings, whether it takes a value, its choices, help."""

    names: tuple[str, ...]
    takes_value: bool
    choices: tuple[str, ...]
    help: str


@dataclass(frozen=True)
class Command:
    """A command (`""` for the program, `/corpus/extract` for a nested one) and what it takes:
    options, words (its sub-commands or a positional's choices, with their help)."""

    path: str
    options: tuple[Option, ...]
    words: tuple[tuple[str, str], ...]


def commands(parser: argparse.ArgumentParser, path: str = "") -> list[Command]:
    """The program and every (nested) verb of a parser, the program first."""
    options = []
    words: list[tuple[str, str]] = []
    nested: list[Command] = []
    for action in parser._actions:
        if action.help == argparse.SUPPRESS:
            continue
        if isinstance(action, argparse._SubParsersAction):
            helps = {c.dest: c.help or "" for c in action._choices_actions}
            for name, sub in action.choices.items():
                words.append((name, helps.get(name, "")))
                nested += commands(sub, f"{path}/{name}")
        elif action.option_strings:
            options.append(
                Option(
                    tuple(action.option_strings),
                    action.nargs != 0,
                    tuple(map(str, action.choices or ())),
                    _help(action),
                )
            )
        elif action.choices:
            words += [(str(choice), _help(action)) for choice in action.choices]
    return [Command(path, tuple(options), tuple(words)), *nested]


def _help(action: argparse.Action) -> str:
    text = action.help or ""
    if "%(" in text:
        text = text % {**vars(action), "prog": PROGRAM}
    return " ".join(text.split())


def _quoted(text: str) -> str:
    """Single-quoted for every one of the three shells."""
    return "'" + text.replace("'", "'\\''") + "'"


def _paths(tree: list[Command]) -> str:
    return "|".join(c.path for c in tree if c.path)


@dataclass(frozen=True)
class Dialect:
    """How one shell spells the parts of its script: the lines completing an option's value,
    the items offering an option, and the item offering a word (a sub-command or a choice)."""

    value: Callable[[Command, Option], list[str]]
    option: Callable[[Option], list[str]]
    word: Callable[[str, str], str]


@dataclass(frozen=True)
class Parts:
    """A script's parts from one walk over the commands: the value lines of every option, and
    per command the items offering its options and its words."""

    values: list[str]
    commands: list[tuple[Command, list[str], list[str]]]


def walk(tree: list[Command], dialect: Dialect) -> Parts:
    """Each command and each of its options visited once, spelled in `dialect`."""
    values: list[str] = []
    commands: list[tuple[Command, list[str], list[str]]] = []
    for command in tree:
        options: list[str] = []
        for option in command.options:
            if option.takes_value:
                values += dialect.value(command, option)
            options += dialect.option(option)
        words = [dialect.word(word, text) for word, text in command.words]
        commands.append((command, options, words))
    return Parts(values, commands)


def _bash_value(command: Command, option: Option) -> list[str]:
    answer = (
        f'compgen -W {_quoted(" ".join(option.choices))} -- "$cur"'
        if option.choices
        else 'compgen -f -- "$cur"'
    )
    return [
        f'        "{command.path}:{name}") COMPREPLY=($({answer})); return ;;'
        for name in option.names
    ]


BASH = Dialect(_bash_value, lambda option: list(option.names), lambda word, _: word)


def bash(tree: list[Command]) -> str:
    """The bash script: words and options per command, choices after an option, else files."""
    parts = walk(tree, BASH)
    options = [
        f'        "{command.path}") candidates={_quoted(" ".join(names))} ;;'
        for command, names, _ in parts.commands
    ]
    words = [
        f'        "{command.path}") candidates={_quoted(" ".join(listed))} ;;'
        for command, _, listed in parts.commands
    ]
    return "\n".join(
        [
            f"# bash completion for {PROGRAM} (made by `{PROGRAM} completion bash`)",
            "_kms_permissions() {",
            '    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
            '    local cmdpath="" candidates="" i',
            "    for ((i = 1; i < COMP_CWORD; i++)); do",
            '        case "$cmdpath/${COMP_WORDS[i]}" in',
            f'            {_paths(tree)}) cmdpath="$cmdpath/${{COMP_WORDS[i]}}" ;;',
            "        esac",
            "    done",
            '    case "$cmdpath:$prev" in',
            *parts.values,
            "    esac",
            "    if [[ $cur == -* ]]; then",
            '        case "$cmdpath" in',
            *options,
            "        esac",
            "    else",
            '        case "$cmdpath" in',
            *words,
            "        esac",
            "    fi",
            '    COMPREPLY=($(compgen -W "$candidates" -- "$cur"))',
            "}",
            f"complete -o default -o bashdefault -F _kms_permissions {PROGRAM}",
            "",
        ]
    )


def _zsh_described(name: str, text: str) -> str:
    return _quoted(f"{name.replace(':', chr(92) + ':')}:{text}")


def _zsh_value(command: Command, option: Option) -> list[str]:
    answer = f"compadd -- {' '.join(map(_quoted, option.choices))}" if option.choices else "_files"
    return [f'        ("{command.path}:{name}") {answer}; return ;;' for name in option.names]


ZSH = Dialect(
    _zsh_value,
    lambda option: [_zsh_described(name, option.help) for name in option.names],
    _zsh_described,
)


def zsh(tree: list[Command]) -> str:
    """The zsh script (autoloaded as `_kms-permissions`, or sourced after compinit)."""
    parts = walk(tree, ZSH)
    options = [
        f'        ("{command.path}") items=({" ".join(items)}) ;;'
        for command, items, _ in parts.commands
    ]
    words = [
        f'        ("{command.path}") items=({" ".join(items)}) ;;'
        for command, _, items in parts.commands
    ]
    return "\n".join(
        [
            f"#compdef {PROGRAM}",
            f"# zsh completion for {PROGRAM} (made by `{PROGRAM} completion zsh`)",
            "_kms_permissions() {",
            '    local cur="${words[CURRENT]}" prev="${words[CURRENT-1]}" cmdpath="" i',
            "    local -a items",
            "    for ((i = 2; i < CURRENT; i++)); do",
            '        case "$cmdpath/${words[i]}" in',
            f'            ({_paths(tree)}) cmdpath="$cmdpath/${{words[i]}}" ;;',
            "        esac",
            "    done",
            '    case "$cmdpath:$prev" in',
            *parts.values,
            "    esac",
            "    if [[ $cur == -* ]]; then",
            '        case "$cmdpath" in',
            *options,
            "        esac",
            "    else",
            '        case "$cmdpath" in',
            *words,
            "        esac",
            "    fi",
            "    if (( ${#items} )); then",
            "        _describe -t words word items",
            "    else",
            "        _files",
            "    fi",
            "}",
            'if [[ "${funcstack[1]}" == _kms-permissions ]]; then',
            '    _kms_permissions "$@"',
            "else",
            f"    compdef _kms_permissions {PROGRAM}",
            "fi",
            "",
        ]
    )


def _fish_option(option: Option) -> list[str]:
    """The `complete` arguments offering an option (the condition is put before them)."""
    spelled = " ".join(f"-l {n[2:]}" if n.startswith("--") else f"-s {n[1:]}" for n in option.names)
    value = ""
    if option.choices:
        value = f" -x -a {_quoted(' '.join(option.choices))}"
    elif option.takes_value:
        value = " -r -F"
    return [f"{spelled}{value} -d {_quoted(option.help)}"]


# fish completes an option's value from its own `complete` line: no value lines.
FISH = Dialect(
    lambda command, option: [],
    _fish_option,
    lambda word, text: f"-f -a {_quoted(word)} -d {_quoted(text)}",
)


def fish(tree: list[Command]) -> str:
    """The fish script: one `complete` line per word and option, conditioned on the command."""
    lines = [
        f"# fish completion for {PROGRAM} (made by `{PROGRAM} completion fish`)",
        "function __kms_permissions_at",
        "    set -l cmdpath ''",
        "    for word in (commandline -opc)[2..-1]",
        '        switch "$cmdpath/$word"',
        f"            case {' '.join(c.path for c in tree if c.path)}",
        '                set cmdpath "$cmdpath/$word"',
        "        end",
        "    end",
        '    test "$cmdpath" = "$argv[1]"',
        "end",
    ]
    for command, options, words in walk(tree, FISH).commands:
        at = f"complete -c {PROGRAM} -n {_quoted('__kms_permissions_at ' + _quoted(command.path))}"
        lines += [f"{at} {item}" for item in (*words, *options)]
    return "\n".join([*lines, ""])


SCRIPTS: dict[str, Callable[[list[Command]], str]] = {"bash": bash, "zsh": zsh, "fish": fish}
