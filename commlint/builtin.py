"""commlint's own features, registered through the same hooks as any plugin."""

from __future__ import annotations

from typing import Any

from commlint.hookspecs import hookimpl
from commlint.prose.document import Document
from commlint.source.decode import Source


@hookimpl
def commlint_rule_types() -> dict[str, type]:
    from commlint.rules.ruletypes.balance import BalanceRule
    from commlint.rules.ruletypes.occurrence import OccurrenceRule
    from commlint.rules.ruletypes.phrase import PhraseRule
    from commlint.rules.ruletypes.readability import ReadabilityRule
    from commlint.rules.ruletypes.substitution import SubstitutionRule

    types: dict[str, type] = {
        "phrase": PhraseRule,
        "substitution": SubstitutionRule,
        "balance": BalanceRule,
        "occurrence": OccurrenceRule,
        "readability": ReadabilityRule,
    }
    from commlint.rules.ruletypes.density import DensityRule

    types["density"] = DensityRule
    return types


@hookimpl
def commlint_rule_packs() -> list[str]:
    from commlint.rules.packs import builtin_rules_dir

    return [str(builtin_rules_dir())]


@hookimpl
def commlint_lexicon_paths() -> list[str]:
    from commlint.rules.packs import builtin_rules_dir

    lexicons = builtin_rules_dir() / "lexicons"
    return [str(lexicons)] if lexicons.is_dir() else []


@hookimpl
def commlint_rules(config: Any) -> list[Any]:
    from commlint.engine.grammar import grammar_rules

    rules = grammar_rules(config)
    if getattr(config, "semantic", True):
        from commlint.semantic.rules import learned_rules

        rules = [*rules, *learned_rules()]
    return rules


@hookimpl
def commlint_file_extensions() -> dict[str, str]:
    from commlint.prose.formats import EXTENSIONS

    return dict(EXTENSIONS)


@hookimpl(trylast=True)
def commlint_document_format(source: Source, format: str) -> Document | None:
    if format == "markdown":
        from commlint.prose.formats.markdown import parse_markdown

        return parse_markdown(source)
    if format == "html":
        from commlint.prose.formats.html import parse_html

        return parse_html(source)
    if format == "text":
        from commlint.prose.formats.text import parse_text

        return parse_text(source)
    if format == "mdx":
        from commlint.prose.formats.mdx import parse_mdx

        return parse_mdx(source)
    if format == "rst":
        from commlint.prose.formats.rst import parse_rst

        return parse_rst(source)
    if format == "docx":
        from commlint.prose.formats.docx import parse_docx

        return parse_docx(source)
    return None


@hookimpl
def commlint_formatters() -> dict[str, Any]:
    from commlint.output import FORMATTERS

    return dict(FORMATTERS)
