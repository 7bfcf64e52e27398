"""`python -m server VERB ...`: the server's verbs without the `fieldapp` command (server/cli.py)."""

import sys

from server.cli import main

sys.exit(main())
