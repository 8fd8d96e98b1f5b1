"""``--format github``: GitHub Actions workflow commands, shown as annotations on the PR diff.

Each finding becomes one line::

    ::warning file=a.md,line=3,col=5,endLine=3,endColumn=20,title=ABS101 absolute-claim::message

error -> ``::error``, warning -> ``::warning``, info -> ``::notice``. Escaping follows the
Actions toolkit: the message escapes ``%`` ``\\r`` ``\\n``; property values also escape
``:`` and ``,``. A document-level finding is annotated on line 1 without columns.
"""

from __future__ import annotations

from typing import IO, Any

from commlint.engine.diagnostics import Diagnostic
from commlint.engine.report import Report
from commlint.output.ruleinfo import display_path

COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """The message part of a workflow command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A ``key=value`` property of a workflow command."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: dict[str, Any], message: str) -> str:
    props = ",".join(f"{k}={escape_property(str(v))}" for k, v in properties.items())
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def annotation(d: Diagnostic) -> str:
    props: dict[str, Any] = {"file": display_path(d.path)}
    if d.scope == "document":
        props["line"] = 1
    else:
        props.update(line=d.line, col=d.column, endLine=d.end_line, endColumn=d.end_column)
    props["title"] = f"{d.rule} {d.name}"
    message = d.message
    if d.suggestions:
        s = d.suggestions[0]
        kind = "needs your input" if s.needs_input else ("safe fix" if s.safe else "unsafe fix")
        message += f"\nSuggestion ({kind}): {s.text.strip()}"
    return command(COMMAND[d.severity], props, message)


def write_github(report: Report, stream: IO[str], options: dict[str, Any]) -> None:
    for result in report.results:
        for d in result.diagnostics:
            stream.write(annotation(d) + "\n")
    for error in report.errors:
        stream.write(command("error", {"title": "commlint"}, error) + "\n")
