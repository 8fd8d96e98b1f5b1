"""A real editor as the client: headless Neovim (0.7+) starts ``python -m commlint lsp``.

Neovim 0.7 has ``vim.lsp.start_client`` (not ``vim.lsp.start``), negotiates no position
encoding (so UTF-16) and turns LSP positions into byte columns itself: a correct server
gives byte-exact columns after non-ASCII text. Skips when nvim is not installed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls")

from helpers import absolute_claim, pack_toml, unmitigated_risk, write_project  # noqa: E402

NVIM = shutil.which("nvim")
pytestmark = pytest.mark.skipif(NVIM is None, reason="nvim is not installed")

PACK = pack_toml(
    "nvimtest",
    absolute_claim([r"\btotally secure\b", r"\bunhackable\b"], [{"text": "designed to be secure", "safe": True}]),
    unmitigated_risk(),
)

DRAFT = (
    "# Launch\n\n🚀 Our AI is totally secure, says the café.\n\n"
    "The system poses serious risks. Naïve users think it is unhackable.\n"
)

SCRIPT = r"""
local out_path, python = OUT_PATH, PYTHON
local root = vim.fn.getcwd()
local client_id = vim.lsp.start_client({
  name = "commlint",
  cmd = { python, "-m", "commlint", "lsp" },
  root_dir = root,
  init_options = { commlint = { debounceMs = 0, fullLintDelayMs = 0 } },
})
vim.cmd("edit draft.md")
vim.lsp.buf_attach_client(0, client_id)
local done = vim.wait(60000, function() return #vim.diagnostic.get(0) >= 3 end, 50)
local client = vim.lsp.get_client_by_id(client_id)
local lines = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(lines, vim.fn.json_encode({
    lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
    severity = d.severity, code = d.code, source = d.source, message = d.message,
  }))
end
local f = io.open(out_path, "w")
f:write(vim.fn.json_encode({ done = done, encoding = client and client.offset_encoding or "?", diagnostics = lines }))
f:close()
vim.lsp.stop_client(client_id)
vim.cmd("qa!")
"""


def test_neovim_receives_the_diagnostics(tmp_path):
    write_project(tmp_path, PACK, "nvimtest.toml", ["TST"])
    (tmp_path / "draft.md").write_text(DRAFT, encoding="utf-8")
    out = tmp_path / "out.json"
    script = tmp_path / "client.lua"
    script.write_text(
        SCRIPT.replace("OUT_PATH", json.dumps(str(out))).replace("PYTHON", json.dumps(sys.executable)), encoding="utf-8"
    )
    proc = subprocess.run(
        [str(NVIM), "--headless", "--clean", "-n", "-c", f"luafile {script}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    assert out.exists(), proc.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    diags = sorted((json.loads(line) for line in report["diagnostics"]), key=lambda d: (d["lnum"], d["col"]))
    # What Neovim received, for the record (pytest -s shows it).
    for d in diags:
        print(
            f"nvim: {d['lnum'] + 1}:{d['col'] + 1}-{d['end_lnum'] + 1}:{d['end_col'] + 1} "
            f"{d['code']} severity={d['severity']} source={d['source']}: {d['message']}"
        )
    assert report["done"] is True
    assert report["encoding"] == "utf-16"
    lines = DRAFT.split("\n")

    def byte_col(line: int, phrase: str) -> int:
        return len(lines[line][: lines[line].index(phrase)].encode("utf-8"))

    expected = [
        (2, byte_col(2, "totally secure"), "TST101", 1, "Absolute claim: “totally secure”."),
        (4, byte_col(4, "serious risks"), "TST102", 2, "A risk with no mitigation."),
        (4, byte_col(4, "unhackable"), "TST101", 1, "Absolute claim: “unhackable”."),
    ]
    assert [(d["lnum"], d["col"], d["code"], d["severity"], d["message"]) for d in diags] == expected
    # Byte columns: the emoji is four bytes, "ï" two.
    assert diags[0]["col"] == 15 and diags[0]["end_col"] == 29
    assert diags[2]["end_col"] - diags[2]["col"] == len("unhackable")
    assert all(d["source"] == "commlint" for d in diags)
    assert not re.search(r"Error|Traceback", proc.stderr), proc.stderr
