import sys

from heft.engines.timetable.cli import main

sys.exit(main())
