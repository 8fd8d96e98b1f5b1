"""MDX prose view: Markdown whose import/export blocks and {expressions} are not prose, and whose
JSX elements read like raw HTML (text, alt and title are prose); exact source positions."""

from __future__ import annotations

from helpers import bad_actors, pack_fixture, pack_toml, spans_for, totally_secure

PACK = pack_toml("mdxtest", totally_secure("MDX001"), bad_actors("MDX002"))

cfg = pack_fixture(PACK, "MDX", "mdxpack")
spans = spans_for("page.mdx")

PAGE = """\
import { Callout } from "./totally-secure"
export const meta = { title: "bad actors" }

# Our platform is totally secure

Inline {props.badActors ? "bad actors" : "totally secure"} expressions are code.

<Callout kind="warning" title="bad actors">
Keep out bad actors.
</Callout>

```js
const x = "totally secure"
```

{/* totally secure */}
We import totally secure parts.
"""


def test_page_positions(cfg):
    assert spans(PAGE, cfg) == [
        ("MDX001", 4, 19, 4, 33),  # a heading is prose
        ("MDX002", 8, 32, 8, 42),  # a JSX element's title is prose ...
        ("MDX002", 9, 10, 9, 20),  # ... and so is its text
        ("MDX001", 17, 11, 17, 25),  # "import" inside a paragraph is a word, not ESM
    ]


def test_esm_block_runs_to_the_blank_line(cfg):
    text = "import {\n  totallySecure,\n} from 'x'\nexport default 'bad actors'\n\nbad actors\n"
    assert spans(text, cfg) == [("MDX002", 6, 1, 6, 11)]


def test_folder_walk_reads_mdx(tmp_path, cfg):
    from commlint.api import lint_paths

    (tmp_path / "a.mdx").write_text("import X from 'y'\n\nIt is totally secure.\n", encoding="utf-8")
    assert [(d.line, d.column) for d in lint_paths(tmp_path, config=cfg)] == [(3, 7)]
