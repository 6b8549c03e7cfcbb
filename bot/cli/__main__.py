"""`python -m bot.cli`: the `madadgar` command."""

from bot.cli import main

raise SystemExit(main())
