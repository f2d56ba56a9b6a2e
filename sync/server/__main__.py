"""`python -m sync.server` is `debrief-server`."""

import sys

from sync.server.cli import main

sys.exit(main())
