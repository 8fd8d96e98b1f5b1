"""Positions: 1-based lines and columns that count characters, BOM, CRLF and bad encodings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import pack_toml, totally_secure, write_pack
from hypothesis import given, settings
from hypothesis import strategies as st

from commlint.api import lint_text
from commlint.errors import InputError
from commlint.prose.document import Document
from commlint.source.decode import decode, read_source

PACK = pack_toml("postest", totally_secure("POS001"))


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_pack(tmp_path_factory.mktemp("pospack"), PACK)


@pytest.fixture(scope="module")
def cfg(pack: Path) -> dict[str, list[str]]:
    return {"packs": [str(pack)], "select": ["POS"]}


def spans(text: str, cfg: dict[str, list[str]], path: str = "a.md") -> list[tuple[int, int, int, int, int, int]]:
    return [
        (d.line, d.column, d.end_line, d.end_column, d.start, d.end) for d in lint_text(text, path=path, config=cfg)
    ]


@pytest.mark.parametrize(
    ("prefix", "column"),
    [
        ("", 1),
        ("Café: ", 7),  # é is one character (two UTF-8 bytes)
        ("Cafe\u0301: ", 8),  # e + combining acute: two characters
        ("\U0001f512 ", 3),  # an emoji: one character (four bytes, two UTF-16 units)
        ("中文说明：", 6),  # CJK: one character each
        ("\U0001f468\u200d\U0001f469\u200d\U0001f467 ", 7),  # a ZWJ family: five code points
    ],
)
@pytest.mark.parametrize("path", ["a.md", "a.txt", "a.html"])
def test_columns_count_characters_not_bytes(cfg, prefix, column, path):
    text = f"{prefix}totally secure\n"
    if path.endswith(".html"):
        text = f"<p>{prefix}totally secure</p>\n"
        column += 3
    start = column - 1
    assert spans(text, cfg, path) == [(1, column, 1, column + 14, start, start + 14)]


def test_non_ascii_on_earlier_lines_does_not_shift_later_lines(cfg):
    text = "Ünïcödé 🚀 line\n中文\n\nIt is totally secure.\n"
    assert spans(text, cfg) == [(4, 7, 4, 21, 25, 39)]


def test_bom_is_removed_and_offsets_index_the_decoded_text(cfg):
    data = "\ufeffWe are totally secure.\n".encode()
    source = decode(data, "a.md")
    assert source.bom and source.text.startswith("We")
    assert source.encode() == data  # round-trips to the original bytes
    (d,) = lint_text(data.decode("utf-8"), path="a.md", config=cfg)
    assert (d.line, d.column, d.end_line, d.end_column, d.start, d.end) == (1, 8, 1, 22, 7, 21)


@pytest.mark.parametrize("path", ["a.md", "a.txt", "a.html"])
def test_crlf_line_endings(cfg, path):
    text = "First line.\r\nIt is totally\r\nsecure.\r\n\r\nAnd totally secure.\r\n"
    if path.endswith(".html"):
        text = "<p>First line.\r\nIt is totally\r\nsecure.</p>\r\n\r\n<p>And totally secure.</p>\r\n"
        assert spans(text, cfg, path) == [(2, 7, 3, 7, 22, 37), (5, 8, 5, 22, 53, 67)]
        return
    assert spans(text, cfg, path) == [(2, 7, 3, 7, 19, 34), (5, 5, 5, 19, 43, 57)]
    source = decode(text.encode(), path)
    assert source.newline == "\r\n"
    assert source.line_text(2) == "It is totally"


def test_source_position_round_trip():
    source = decode("ab\r\ncé\n\n😀x".encode(), "a.txt")
    assert [source.position(i) for i in range(len(source.text) + 1)] == [
        (1, 1),
        (1, 2),
        (1, 3),
        (1, 4),
        (2, 1),
        (2, 2),
        (2, 3),
        (3, 1),
        (4, 1),
        (4, 2),
        (4, 3),
    ]
    assert source.final_newline is False


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("café".encode("latin-1"), "not valid UTF-8 (byte 0xe9 at offset 3)"),
        ("hi".encode("utf-16"), "UTF-16 text is not supported; save it as UTF-8"),
        (b"abc\x00def", "binary file"),
    ],
)
def test_other_encodings_are_one_clear_error(tmp_path, data, reason):
    bad = tmp_path / "bad.md"
    bad.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_source(bad)
    assert str(info.value).startswith(f"{bad}: ")
    assert reason in str(info.value)


def test_cli_bad_file_is_reported_and_the_others_are_still_linted(tmp_path, pack, cli):
    (tmp_path / "commlint.toml").write_text(f"packs = [{json.dumps(str(pack))}]\nselect = ['POS']\n")
    (tmp_path / "a_latin1.md").write_bytes("Caf\xe9 totally secure\n".encode("latin-1"))
    (tmp_path / "b_good.md").write_text("Café: totally secure\n", encoding="utf-8")
    (tmp_path / "c_bom_crlf.txt").write_bytes("\ufeffOK\r\nIt is totally secure\r\n".encode())
    proc = cli("check", ".", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [
        "commlint: error: a_latin1.md: not valid UTF-8 (byte 0xe9 at offset 3); "
        "commlint reads UTF-8 only, so re-save the file as UTF-8"
    ]
    report = json.loads(proc.stdout)
    got = {
        f["path"]: [(d["line"], d["column"], d["end_line"], d["end_column"]) for d in f["diagnostics"]]
        for f in report["files"]
    }
    assert got == {"b_good.md": [(1, 7, 1, 21)], "c_bom_crlf.txt": [(2, 7, 2, 21)]}
    assert report["summary"]["errors"] == [proc.stderr.splitlines()[0].removeprefix("commlint: error: ")]


def test_cli_stdin_bytes_keep_bom_crlf_and_reject_bad_encodings(tmp_path, pack, cli):
    import subprocess
    import sys

    (tmp_path / "commlint.toml").write_text(f"packs = [{json.dumps(str(pack))}]\nselect = ['POS']\n")

    def run(data: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "-m", "commlint", "check", "-", *args],
            input=data,
            capture_output=True,
            cwd=tmp_path,
            env={"NO_COLOR": "1", "PATH": "", "PYTHONIOENCODING": "utf-8:strict"},
        )

    ok = run("\ufeffCafé\r\ntotally secure\r\n".encode(), "--stdin-filename", "note.txt", "-q")
    assert ok.returncode == 1
    assert ok.stdout.decode().splitlines() == ["note.txt:2:1: POS001 [error] absolute claim: totally secure"]
    bad = run("caf\xe9".encode("latin-1"))
    assert bad.returncode == 2
    assert bad.stderr.decode().splitlines() == [
        "commlint: error: -: not valid UTF-8 (byte 0xe9 at offset 3); "
        "commlint reads UTF-8 only, so re-save the file as UTF-8"
    ]


# -- property: positions agree with an independent count ----------------------------------------

_WORD = st.text(alphabet="abcxyzéüßçЖж中文😀🚀ʼ", min_size=1, max_size=6)
_PREFIX = st.lists(_WORD, max_size=8).map(" ".join)
_SEP = st.sampled_from([" ", "\n", "\r\n", "  \n", " \t "])


def _line_col(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


@settings(max_examples=60, deadline=None)
@given(prefix=_PREFIX, sep=_SEP, suffix=_PREFIX, kind=st.sampled_from(["md", "txt", "html"]))
def test_positions_match_an_independent_count(pack, prefix, sep, suffix, kind):
    body = f"{prefix} totally{sep}secure {suffix}".strip()
    text = f"<p>{body}</p>\n" if kind == "html" else body + "\n"
    start = text.index("totally")
    end = text.index("secure", start) + len("secure")
    cfg = {"packs": [str(pack)], "select": ["POS"]}
    (d,) = lint_text(text, path=f"a.{kind}", config=cfg)
    assert (d.start, d.end) == (start, end)
    assert (d.line, d.column) == _line_col(text, start)
    assert (d.end_line, d.end_column) == _line_col(text, end)


_WRAP = st.sampled_from(
    [
        ("", ""),
        ("**", "**"),
        ("_", "_"),
        ("*", "*"),
        ("[", "](https://x.example/a)"),
        ("<b>", "</b>"),
        ("", "<!-- note -->"),
        ("", "&#32;"),
    ]
)


@settings(max_examples=60, deadline=None)
@given(prefix=_PREFIX, wrap=_WRAP, sep=_SEP, suffix=_PREFIX)
def test_markdown_markup_never_moves_positions(pack, prefix, wrap, sep, suffix):
    opening, closing = wrap
    sep = "" if closing == "&#32;" else sep  # the entity is the separator
    body = f"{prefix} {opening}totally{closing}{sep}secure {suffix}".strip()
    text = body + "\n"
    start = text.index("totally")
    end = text.index("secure", start) + len("secure")
    (d,) = lint_text(text, path="a.md", config={"packs": [str(pack)], "select": ["POS"]})
    assert (d.start, d.end) == (start, end)
    assert (d.line, d.column, d.end_line, d.end_column) == (
        *_line_col(text, start),
        *_line_col(text, end),
    )


def test_text_summary_never_says_all_clear_when_a_file_could_not_be_read(tmp_path, pack, cli):
    (tmp_path / "commlint.toml").write_text(f"packs = [{json.dumps(str(pack))}]\nselect = ['POS']\n")
    (tmp_path / "a_latin1.md").write_bytes("Caf\xe9\n".encode("latin-1"))
    (tmp_path / "b_clean.md").write_text("Nothing to see.\n", encoding="utf-8")
    proc = cli("check", ".", cwd=tmp_path)
    assert proc.returncode == 2
    assert "All clear" not in proc.stdout
    assert proc.stdout.strip().splitlines()[-1] == "1 file could not be checked (see the errors above)."


def _contiguous_by_definition(doc: Document, start: int, end: int) -> bool:
    """Each prose character stands for the same source character (or whitespace for
    whitespace), and each one's source piece starts where the one before ends."""
    s, e = doc.source_span(start, end)
    if doc.source.text[s:e] == doc.prose[start:end]:
        return True
    text, prose = doc.source.text, doc.prose
    for i in range(start, end):
        piece = text[doc.starts[i] : doc.ends[i]]
        if piece != prose[i] and not (prose[i].isspace() and piece and piece.isspace()):
            return False
        if i + 1 < end and doc.starts[i + 1] != doc.ends[i]:
            return False
    return True


def test_a_span_is_safe_to_edit_exactly_when_its_prose_is_its_source_text() -> None:
    """``Document.is_contiguous`` (which decides whether a rewrite may be applied) against its
    definition, on every short span of random Markdown and HTML: soft breaks, CRLF, tabs,
    entities, escapes, markup and non-breaking spaces."""
    import random

    from commlint.config import Config
    from commlint.engine.linter import Linter

    linter = Linter(Config.default())
    rng = random.Random(8)
    pieces = ["a", "b ", " ", "\n", "\r\n", "\t", "&amp;", "&nbsp;", "\\*", "*", "`c`", "[x](y)", "<b>", "\u00a0", "> "]
    checked = safe = 0
    for n in range(1500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        doc = linter.document(decode(text.encode("utf-8"), "draft.html" if n % 5 == 0 else "draft.md"))
        for a in range(len(doc.prose)):
            for b in range(a, min(len(doc.prose), a + 20) + 1):
                expected = _contiguous_by_definition(doc, a, b)
                assert doc.is_contiguous(a, b) == expected, (text, a, b)
                checked += 1
                safe += expected
    assert checked > 100_000 and 0.2 < safe / checked < 0.9


def test_offsets_read_from_the_pieces_are_the_per_character_map() -> None:
    """A built Document keeps its map as pieces and makes ``starts``/``ends`` only when they are
    read: ``start_of``, ``end_of``, ``source_span`` and ``is_contiguous`` read from the pieces
    give what they give over the per-character lists, in every format, on random texts."""
    import random

    from commlint.config import Config
    from commlint.engine.linter import Linter

    linter = Linter(Config.default())
    rng = random.Random(9)
    pieces = ["a", "b ", " ", "\n", "\r\n", "\r", "\t", "&amp;", "&nbsp;", "\\*", "*", "`c`", "[x](y)", "<b>", "\u00a0"]
    pieces += ["> ", "- ", "# ", "![i](j)", "**", "http://x.y", "\n\n", "``d``", ":emphasis:`e`", "é"]
    checked = 0
    for n in range(1200):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        name = ("draft.md", "draft.html", "draft.txt", "draft.rst", "draft.mdx")[n % 5]
        source = decode(text.encode("utf-8"), name)
        try:
            lazy = linter.document(source)
        except Exception:  # noqa: BLE001  (a text docutils or html.parser rejects: nothing to map)
            continue
        listed = linter.document(source)
        starts, ends = listed.starts, listed.ends
        flat = Document(listed.source, listed.format, listed.prose, list(starts), list(ends))
        size = len(lazy.prose)
        assert len(starts) == len(ends) == size
        for i in [*range(size), -1, -size] if size else []:
            assert (lazy.start_of(i), lazy.end_of(i)) == (starts[i], ends[i]) == (flat.start_of(i), flat.end_of(i))
        for a in range(size + 1):
            for b in range(a, min(size, a + 12) + 1):
                assert lazy.source_span(a, b) == flat.source_span(a, b), (text, a, b)
                assert lazy.is_contiguous(a, b) == flat.is_contiguous(a, b), (text, a, b)
                checked += 1
        for bad in (size, size + 3):
            with pytest.raises(IndexError):
                lazy.start_of(bad)
        assert lazy.starts == starts and lazy.ends == ends  # now made: the same lists
    assert checked > 50_000
