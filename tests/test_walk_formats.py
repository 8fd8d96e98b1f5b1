"""Which files a run reads: extensions mapped to formats in the config, and a run that would
check nothing fails instead of passing silently."""

from __future__ import annotations

from helpers import pack_toml, totally_secure, write_project

PACK = pack_toml("walktest", totally_secure("WLK001"))


def test_empty_folder_is_an_error_not_all_clear(tmp_path, cli):
    (tmp_path / "docs").mkdir()
    proc = cli("check", "docs", cwd=tmp_path)
    assert proc.returncode == 2
    assert "All clear" not in proc.stdout
    assert proc.stderr.startswith("commlint: error: 0 files checked: no file in docs has a known extension (")
    assert len(proc.stderr.splitlines()) == 1


def test_folder_of_unknown_extensions_is_an_error(tmp_path, cli):
    (tmp_path / "a.adoc").write_text("It is totally secure.\n", encoding="utf-8")
    proc = cli("check", ".", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "0 files checked" in proc.stderr and "'extensions'" in proc.stderr


def test_config_maps_extensions_to_formats(tmp_path, cli):
    write_project(tmp_path, PACK, "pack.toml", ["WLK"], 'extensions = { ".qmd" = "markdown", "page" = "html" }\n')
    (tmp_path / "a.qmd").write_text("```\ntotally secure\n```\n\nIt is totally secure.\n", encoding="utf-8")
    (tmp_path / "b.page").write_text("<script>totally secure</script><p>totally secure</p>\n", encoding="utf-8")
    (tmp_path / "c.adoc").write_text("totally secure\n", encoding="utf-8")  # still not walked
    proc = cli("check", "--no-semantic", "-q", ".", cwd=tmp_path)
    assert proc.returncode == 1
    assert [line.split(" ")[0] for line in proc.stdout.splitlines()] == ["a.qmd:5:7:", "b.page:1:35:"]


def test_config_extension_overrides_a_builtin_one(tmp_path, cli):
    write_project(tmp_path, PACK, "pack.toml", ["WLK"], 'extensions = { ".txt" = "markdown" }\n')
    (tmp_path / "a.txt").write_text("`totally secure` and totally secure\n", encoding="utf-8")
    proc = cli("check", "--no-semantic", "-q", "a.txt", cwd=tmp_path)
    assert proc.stdout.split(" ")[0] == "a.txt:1:22:"


def test_bad_extensions_table_is_a_config_error(tmp_path, cli):
    (tmp_path / "commlint.toml").write_text('extensions = { ".qmd" = 3 }\n', encoding="utf-8")
    (tmp_path / "a.md").write_text("ok\n", encoding="utf-8")
    proc = cli("check", "a.md", cwd=tmp_path)
    assert proc.returncode == 2
    assert "extensions.'.qmd' must be a format name" in proc.stderr
