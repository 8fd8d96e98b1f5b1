"""Make the plugin usable whether or not it is pip-installed (entry point) in this environment."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def plugin_registered():
    from commlint.plugins import plugin_manager

    try:
        import commlint_example
    except ImportError:  # running from a checkout without installing
        sys.path.insert(0, str(ROOT))
        import commlint_example
    pm = plugin_manager()
    if not pm.is_registered(commlint_example):
        pm.register(commlint_example, name="example")
    return commlint_example
