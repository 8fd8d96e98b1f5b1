"""``python -m commlint`` is the same as ``commlint``."""

import sys

from commlint.cli import main

sys.exit(main())
