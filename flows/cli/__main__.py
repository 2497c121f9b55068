"""`python -m flows.cli`: the `limwh` command."""

import sys

from flows.cli import main

sys.exit(main())
