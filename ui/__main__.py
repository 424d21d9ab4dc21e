"""``python -m ui serve`` (the same as ``sendqa serve``)."""

import sys

from ui.cli import main

sys.exit(main())
