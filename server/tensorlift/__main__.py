"""`python -m tensorlift …` is the `tensorlift` command (editors start the server this way)."""

import sys

from .cli import main

sys.exit(main())
