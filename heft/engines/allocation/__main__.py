import sys

from heft.engines.allocation.cli import main

sys.exit(main())
