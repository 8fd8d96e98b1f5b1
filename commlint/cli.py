"""The command line: ``commlint check|rules|rule|lsp|stats|baseline|diff``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from commlint import __version__, startup
from commlint.errors import CommlintError, UsageError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

#: subcommand name -> (module path, help); each module has add_arguments(p) and run(args)
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("commlint.commands.check", "lint files and folders (the main job)"),
    "rules": ("commlint.commands.rules", "list the rules"),
    "rule": ("commlint.commands.rules", "show one rule's documentation"),
    "lsp": ("commlint.commands.lsp", "run the language server over stdio"),
    "stats": ("commlint.commands.stats", "risk-term statistics for groups of documents"),
    "baseline": ("commlint.commands.baseline", "build and show density baselines"),
    "diff": ("commlint.commands.diff", "findings a revision added, removed and kept, and its density change"),
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # one line, exit 2, no usage dump
        # main() prefixes "commlint: error: "; a subcommand's parser names the subcommand.
        where = self.prog.removeprefix("commlint").strip()
        if "invalid choice" in message and not where:
            message = _did_you_mean(message)
        raise UsageError(f"{where}: {message}" if where else message)


def _did_you_mean(message: str) -> str:
    """'argument COMMAND: invalid choice: 'chek' (…)' -> 'unknown command 'chek'; did you mean 'check'?'"""
    import difflib
    import re

    m = re.search(r"invalid choice: '([^']*)'", message)
    if not m:
        return message
    close = difflib.get_close_matches(m.group(1), list(COMMANDS), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else f" (commands: {', '.join(COMMANDS)})"
    return f"unknown command '{m.group(1)}'{hint}"


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter, sized without ``shutil`` (whose import pulls in lzma and bz2:
    ~5 ms of every start, spent just to build the parser)."""

    def __init__(
        self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None
    ) -> None:
        if width is None:
            try:
                width = int(os.environ.get("COLUMNS", "")) - 2
            except ValueError:
                try:
                    width = os.get_terminal_size(sys.__stdout__.fileno()).columns - 2  # type: ignore[union-attr]
                except (AttributeError, ValueError, OSError):
                    width = 78
        super().__init__(prog, indent_increment, max_help_position, width)


def build_parser(only: str | None = None, others: bool = True) -> argparse.ArgumentParser:
    """The full parser; with ``only``, just that subcommand's module is imported (the others
    are listed for --help but not loaded: importing every command costs the hook start-up).
    With ``others=False`` as well, the others are not even listed (a parser each, ~2 ms of a
    start): for a command line that names ``only`` first, so no top-level --help can ask."""
    import importlib
    import importlib.util

    parser = _Parser(
        prog="commlint",
        description="A communications risk linter for corporate statements.",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"commlint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (module, help_text) in COMMANDS.items():
        if only is not None and name != only:
            if not others:
                continue
            try:
                present = importlib.util.find_spec(module) is not None
            except ImportError:
                present = False
            if present:
                sub.add_parser(name, help=help_text, description=help_text, formatter_class=_Formatter)
            continue
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue  # a command whose module is not present in this build
        p = sub.add_parser(name, help=help_text, description=help_text, formatter_class=_Formatter)
        adder: Callable[..., None] = getattr(mod, f"add_{name}_arguments", None) or mod.add_arguments
        adder(p)
        p.set_defaults(_run=getattr(mod, f"run_{name}", None) or mod.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``commlint`` console script; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in args_list if not a.startswith("-")), None)
    if command == "check":  # until its first linter is built (see commlint.startup)
        startup.pause()
        startup.defer_regex()
        startup.defer_stdlib()
        startup.cache_re_code()
        startup.cache_dataclass_code()
    try:
        # Top-level options are flags only, so the first bare word names the subcommand.
        # A command line that starts with the command has no top-level option (such as --help,
        # which would list every command): the parser needs that command's arguments alone.
        alone = bool(args_list) and args_list[0] == command and command in COMMANDS
        parser = build_parser(only=command, others=not alone)
        args = parser.parse_args(args_list)
        if not getattr(args, "command", None):
            parser.print_help()
            return EXIT_ERROR
        return int(args._run(args))
    except CommlintError as exc:
        sys.stderr.write(f"commlint: error: {exc}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERROR
    finally:
        startup.resume()
        startup.uncache_dataclass_code()
        startup.uncache_re_code()


def use_colour(stream: Any, choice: str = "auto") -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())
