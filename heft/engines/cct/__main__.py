import sys

from heft.engines.cct.cli import main

sys.exit(main())
