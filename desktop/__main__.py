"""`python -m desktop` starts the app, as `debrief` does."""

import sys

from desktop.cli import main

sys.exit(main())
