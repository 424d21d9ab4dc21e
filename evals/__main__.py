"""`python -m evals eval ...`: the eval subcommand without the main sendqa CLI."""

import sys

from evals.cli import main

if __name__ == "__main__":
    sys.exit(main())
