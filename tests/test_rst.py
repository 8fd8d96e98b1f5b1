"""reStructuredText prose view (docutils): what is prose, what is not, exact source positions."""

from __future__ import annotations

from helpers import bad_actors, pack_fixture, pack_toml, spans_for, totally_secure

PACK = pack_toml("rsttest", totally_secure("RST001"), bad_actors("RST002"))

cfg = pack_fixture(PACK, "RST", "rstpack")
spans = spans_for("page.rst")

PAGE = """\
Totally Secure Widgets
======================

It is *totally* secure, see `the bad actors page <https://example.com/totally-secure>`_.
Run ``totally secure`` or :code:`bad actors`; :ref:`bad actors <x>` and |sub| stay.

- A list item about bad
  actors, wrapped.

.. note:: A note that is totally secure.

.. code-block:: python

   x = "totally secure"

.. a comment: totally secure

.. |sub| replace:: totally secure

+----------------+------------+
| totally secure | bad actors |
+----------------+------------+

Term
   Defined as totally secure.
"""


def test_page_positions(cfg):
    assert spans(PAGE, cfg) == [
        ("RST001", 1, 1, 1, 15),  # the title (its underline is not prose)
        ("RST001", 4, 8, 4, 23),  # emphasis markers dropped, the span covers them
        ("RST002", 4, 34, 4, 44),  # link text is prose, the URL is not
        ("RST002", 5, 53, 5, 63),  # a :ref: label is prose; ``literal`` and :code: are not
        ("RST002", 7, 21, 8, 9),  # a list item's lines join
        ("RST001", 10, 26, 10, 40),  # directive content is prose
        ("RST001", 21, 3, 21, 17),  # table cells
        ("RST002", 21, 20, 21, 30),
        ("RST001", 25, 15, 25, 29),  # a definition
    ]


def test_code_comments_and_substitution_definitions_are_not_prose(cfg):
    text = ".. code-block:: text\n\n   totally secure\n\n.. totally secure\n\n::\n\n   bad actors\n"
    assert spans(text, cfg) == []


def test_folder_walk_reads_rst(tmp_path, cfg):
    from commlint.api import lint_paths

    (tmp_path / "a.rst").write_text("Hello\n=====\n\nIt is totally secure.\n", encoding="utf-8")
    assert [(d.line, d.column) for d in lint_paths(tmp_path, config=cfg)] == [(4, 7)]


def test_suppression_comments(cfg):
    text = (
        ".. commlint-disable-next-line RST001\n"
        "\n"
        "It is totally secure.\n"
        "\n"
        ".. commlint-disable RST002\n"
        "\n"
        "We stop bad actors and stay totally secure.\n"
        "\n"
        ".. commlint-enable\n"
        "\n"
        "Bad actors again.\n"
    )
    assert spans(text, cfg) == [("RST001", 7, 29, 7, 43), ("RST002", 11, 1, 11, 11)]
