"""`python -m kun.cli ...` (also under `accelerate launch -m kun.cli train ...`)."""

import sys

from kun.cli.commands import main

sys.exit(main())
