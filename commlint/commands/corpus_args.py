"""Options shared by the corpus commands (stats, baseline build): engine, jobs, config."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from commlint.density.corpus import ENGINES


def add_engine_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", metavar="FILE", help="use this config file instead of discovering one")
    p.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="measure documents in N processes")
    p.add_argument("--engine", choices=ENGINES, default="local", help="local processes, or a Dask cluster")
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler address (tcp://host:8786); without it a LocalCluster is started",
    )
    p.add_argument(
        "--progress",
        choices=("auto", "always", "never"),
        default="auto",
        help="progress bar (auto: on a terminal)",
    )


def config_from(args: argparse.Namespace) -> Any:
    from commlint.config import Config

    return Config.from_file(args.config) if args.config else Config.discover(Path.cwd())


def progress_choice(args: argparse.Namespace) -> bool | None:
    return {"auto": None, "always": True, "never": False}[args.progress]
