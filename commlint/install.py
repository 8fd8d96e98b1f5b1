"""How to install commlint, its extras and its plugins: commlint is not on PyPI, so every hint
names a command that works, from a checkout or from the repository's URL at a release tag."""

from __future__ import annotations

#: the project's repository and the release tag the README's pre-commit snippet pins
REPOSITORY = "https://github.com/commlint/commlint"
RELEASE = "v0.1.0"


def pip_hint(extra: str | None = None, plugin: str | None = None) -> str:
    """``pip install …`` for an extra (``lsp``) or a plugin folder (``commlint-harper``)."""
    url = f"git+{REPOSITORY}@{RELEASE}"
    if plugin:
        remote = f"'{plugin} @ {url}#subdirectory=plugins/{plugin}'"
        return f"pip install ./plugins/{plugin} in a commlint checkout, or pip install {remote}"
    name = f"commlint[{extra}]" if extra else "commlint"
    local = f"-e '.[{extra}]'" if extra else "-e ."
    return f"pip install {local} in a commlint checkout, or pip install '{name} @ {url}'"
