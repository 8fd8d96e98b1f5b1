"""End to end: install plugins/commlint-harper and plugins/commlint-languagetool into a venv
and drive them through the real CLI (slow: builds and installs two distributions)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import pack_toml, substitution_rule

REPO = Path(__file__).resolve().parent.parent
PLUGINS = REPO / "plugins"
FAKELT = PLUGINS / "commlint-languagetool" / "tests" / "fakelt.py"

pytestmark = pytest.mark.slow

PACK = pack_toml(
    "e2e",
    substitution_rule("TEE001", "flawless", r"\bflawless\b", "an robust design"),
    substitution_rule("TEE002", "guaranteed", r"\bguaranteed to be\b", "designed to be"),
)


def _pip_install(python: Path, project: Path) -> None:
    base = [str(python), "-m", "pip", "install", "-q", "--no-deps", "--disable-pip-version-check"]
    quick = subprocess.run([*base, "--no-build-isolation", str(project)], capture_output=True, text=True)
    if quick.returncode != 0:  # no `wheel` for the old setuptools here: let pip fetch a build backend
        slow = subprocess.run([*base, str(project)], capture_output=True, text=True)
        assert slow.returncode == 0, quick.stderr + slow.stderr


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("plugins-venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(where)], check=True)
    python = where / "bin" / "python"
    # Also see what the running interpreter sees (CI runs the suite from its own venv).
    site_dir = next((where / "lib").glob("python*/site-packages"))
    parents = [p for p in sys.path if p.endswith("site-packages")]
    (site_dir / "_commlint_parent.pth").write_text("\n".join(parents) + "\n", encoding="utf-8")
    probe = subprocess.run([str(python), "-c", "import harper, language_tool_python, pytest"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("harper-py, language-tool-python or pytest are not installed for the base interpreter")
    for name in ("commlint-harper", "commlint-languagetool"):
        _pip_install(python, PLUGINS / name)
    return python


def run(python: Path, *args: str, cwd: Path, input: str | None = None) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH: this checkout's commlint, whatever commlint the base interpreter has.
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(REPO)}
    env.pop("COMMLINT_LANGUAGETOOL_URL", None)
    return subprocess.run(
        [str(python), *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def project(tmp_path: Path, grammar: str = "") -> Path:
    (tmp_path / "pack.toml").write_text(PACK, encoding="utf-8")
    (tmp_path / "commlint.toml").write_text(f'packs = ["pack.toml"]\nselect = ["TEE"]\n{grammar}', encoding="utf-8")
    (tmp_path / "a.md").write_text("Our record is flawless. It is guaranteed to be safe.\n", encoding="utf-8")
    return tmp_path


def test_plugins_are_found_through_entry_points(venv, tmp_path: Path):
    proc = run(
        venv,
        "-c",
        "from commlint.plugins import plugin_manager as p; print(sorted(n for n, _ in p().list_name_plugin()))",
        cwd=tmp_path,
    )
    assert "harper" in proc.stdout and "languagetool" in proc.stdout, proc.stdout + proc.stderr


def test_harper_is_the_default_validator(venv, tmp_path: Path):
    root = project(tmp_path)
    proc = run(venv, "-m", "commlint", "check", "--format", "json", "a.md", cwd=root)
    diags = {d["rule"]: d for d in json.loads(proc.stdout)["files"][0]["diagnostics"]}
    demoted = diags["TEE001"]["suggestions"][0]
    assert demoted["safe"] is False
    assert "demoted to unsafe" in demoted["description"] and "harper:" in demoted["description"]
    assert diags["TEE002"]["suggestions"][0]["safe"] is True

    fixed = run(venv, "-m", "commlint", "check", "--fix", "a.md", cwd=root)
    assert (root / "a.md").read_text(encoding="utf-8") == "Our record is flawless. It is designed to be safe.\n"
    assert fixed.returncode == 1 and "1 fixed, 1 left" in fixed.stderr
    # every applied fix is checked again: the demoted one is not applied with --unsafe-fixes either
    unsafe = run(venv, "-m", "commlint", "check", "--fix", "--unsafe-fixes", "a.md", cwd=root)
    assert (root / "a.md").read_text(encoding="utf-8") == "Our record is flawless. It is designed to be safe.\n"
    assert "TEE001 fix “flawless” → “an robust design” not applied: it would add a grammar problem" in unsafe.stderr


def test_harper_grammar_findings_when_enabled(venv, tmp_path: Path):
    root = project(tmp_path, "[grammar]\nenabled = true\n")
    (root / "commlint.toml").write_text('packs = ["pack.toml"]\nselect = ["GRM"]\n[grammar]\nenabled = true\n')
    (root / "a.md").write_text("We offer an robust plan.\n", encoding="utf-8")
    proc = run(venv, "-m", "commlint", "check", "a.md", cwd=root)
    assert "GRM001 [info]" in proc.stdout and "[harper:" in proc.stdout, proc.stdout + proc.stderr
    assert proc.returncode == 0  # info does not fail the default fail-level


def test_languagetool_server_through_the_cli(venv, tmp_path: Path):
    server = subprocess.Popen([sys.executable, str(FAKELT), "60"], stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip()  # type: ignore[union-attr]
        root = project(
            tmp_path,
            f'[grammar]\nenabled = true\nbackend = "languagetool"\nlanguagetool-url = "{url}"\n',
        )
        conf = (root / "commlint.toml").read_text().replace('select = ["TEE"]', 'select = ["TEE", "GRM"]')
        (root / "commlint.toml").write_text(conf)
        (root / "a.md").write_text(
            "This are an example of a sentense.\n\nOur system is flawless in testing.\n",
            encoding="utf-8",
        )
        proc = run(venv, "-m", "commlint", "check", "--format", "json", "a.md", cwd=root)
        diags = json.loads(proc.stdout)["files"][0]["diagnostics"]
        grammar = [(d["rule"], d["message"]) for d in diags if d["category"] == "grammar"]
        assert grammar == [
            (
                "GRM001",
                "The verb 'are' does not agree with the subject 'This'. [languagetool:THIS_NNS_VB]",
            )
        ]
        sub = next(d for d in diags if d["rule"] == "TEE001")
        assert sub["suggestions"][0]["safe"] is False and "EN_A_VS_AN" in sub["suggestions"][0]["description"]
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_languagetool_unavailable_is_one_message(venv, tmp_path: Path):
    sys.path.insert(0, str(FAKELT.parent))
    try:
        from fakelt import closed_port_url
    finally:
        sys.path.pop(0)
    root = project(tmp_path, f'[grammar]\nbackend = "languagetool"\nlanguagetool-url = "{closed_port_url()}"\n')
    proc = run(venv, "-m", "commlint", "check", "a.md", cwd=root)
    assert proc.returncode == 1  # the findings still count
    warnings = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(warnings) == 1 and warnings[0].startswith("commlint: warning: LanguageTool is unavailable ("), (
        proc.stderr
    )
    assert "Traceback" not in proc.stderr


def test_remote_languagetool_refused_without_opt_in(venv, tmp_path: Path):
    root = project(
        tmp_path,
        '[grammar]\nbackend = "languagetool"\nlanguagetool-url = "https://api.languagetool.org"\n',
    )
    proc = run(venv, "-m", "commlint", "check", "a.md", cwd=root)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "allow-remote" in proc.stderr and "Traceback" not in proc.stderr


def test_plugin_test_suites_pass_when_installed(venv, tmp_path: Path):
    proc = run(
        venv,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:xdist",
        str(PLUGINS / "commlint-harper" / "tests"),
        str(PLUGINS / "commlint-languagetool" / "tests"),
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout
