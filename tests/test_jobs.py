"""``check --jobs N``: the same report, in input order, whatever the number of processes."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli

from commlint import api

DRAFTS = {
    "a/one.md": "# Launch\n\nOur AI is totally secure and cannot be hacked.\n",
    "a/two.txt": "Northwind Labs offers guaranteed uptime for every customer.\n",
    "b/three.md": "Quill helps teams summarise long contracts.\n",
    "b/four.html": "<p>This is the most dangerous technology in human history.</p>\n",
    "c/five.md": "Does our AI guarantee safety? No: we do not claim that.\n",
}


def _write(tmp_path: Path, extra: dict[str, bytes] | None = None) -> Path:
    for name, text in DRAFTS.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    for name, data in (extra or {}).items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


def test_jobs_gives_the_same_text_and_json_report_in_input_order(tmp_path: Path) -> None:
    root = _write(tmp_path)
    for fmt in ("text", "json"):
        one = run_cli("check", "--format", fmt, "--jobs", "1", "c", "a", "b", cwd=root)
        two = run_cli("check", "--format", fmt, "--jobs", "2", "c", "a", "b", cwd=root)
        assert one.returncode == two.returncode == 1, one.stderr + two.stderr
        assert one.stdout == two.stdout and one.stderr == two.stderr
    files = [f["path"] for f in json.loads(two.stdout)["files"]]
    # folders as named (c before a), each walked in its own order
    assert [Path(f).parts[0] for f in files] == ["c", "a", "a", "b", "b"], files


def test_jobs_reports_a_bad_file_in_its_place_and_exits_2(tmp_path: Path) -> None:
    root = _write(tmp_path, {"b/bad.md": b"Our AI is \xff totally secure.\n"})
    one = run_cli("check", "--jobs", "1", ".", cwd=root)
    two = run_cli("check", "--jobs", "2", ".", cwd=root)
    assert one.returncode == two.returncode == 2
    assert one.stdout == two.stdout and one.stderr == two.stderr
    errors = [line for line in two.stderr.splitlines() if line.startswith("commlint: error:")]
    assert len(errors) == 1 and "bad.md" in errors[0] and "Traceback" not in two.stderr
    assert "one.md" in two.stdout  # the other files were still linted


def test_jobs_rejects_a_bad_count_on_one_line() -> None:
    proc = run_cli("check", "--jobs", "many", "examples/")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "--jobs" in proc.stderr, proc.stderr


def test_released_results_keep_what_reports_read(tmp_path: Path) -> None:
    root = _write(tmp_path)
    kept = api.run([str(root)])
    released = api.run([str(root)], keep_documents=False, jobs=2)
    assert [r.path for r in kept.results] == [r.path for r in released.results]
    assert kept.diagnostics == released.diagnostics
    assert [r.words for r in kept.results] == [r.words for r in released.results]
    assert all(r.document.prose == "" and r.source.text for r in released.results)


def test_jobs_keeps_input_order_and_each_folders_config_over_many_files(tmp_path: Path) -> None:
    """Enough files that tasks carry several files each; a config change, a bad file and a
    folder of its own config in the middle; folders deep below a config and beside it."""
    texts = list(DRAFTS.values())
    files: dict[str, bytes] = {}
    for i in range(40):
        folder = ("p", "p/q/r", "s", "s/t/u")[i // 10]
        files[f"{folder}/f{i:02d}.md"] = texts[i % len(texts)].encode()
    files["p/q/r/bad.md"] = b"Our AI is \xff totally secure.\n"
    files["s/t/commlint.toml"] = b"ignore = ['ABS']\n"
    files["commlint.toml"] = b"fail-level = 'info'\n"
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    for fmt in ("text", "json"):
        one = run_cli("check", "--format", fmt, "--jobs", "1", "s", "p", cwd=tmp_path)
        two = run_cli("check", "--format", fmt, "--jobs", "2", "s", "p", cwd=tmp_path)
        assert one.returncode == two.returncode == 2, one.stderr + two.stderr
        assert one.stdout == two.stdout and one.stderr == two.stderr
    report = json.loads(two.stdout)
    paths = [Path(f["path"]).as_posix() for f in report["files"]]
    assert paths == sorted(paths, key=lambda p: (p[0] != "s", p)) and len(paths) == 40, paths
    rules: dict[str, set[str]] = {Path(f["path"]).parent.as_posix(): set() for f in report["files"]}
    for f in report["files"]:
        rules[Path(f["path"]).parent.as_posix()].update(d["rule"][:3] for d in f["diagnostics"])
    assert "ABS" in rules["s"] and "ABS" in rules["p/q/r"] and "ABS" not in rules["s/t/u"], rules
    assert "bad.md" in two.stderr
