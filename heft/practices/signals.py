"""What practices tells the apps above it, which it must never import (docs: DESIGN.md, layers).

practices_saved_in_bulk: rows of Practice were saved by heft.practices.bulk.bulk_set (an import, the Deep End
rule), which sends no post_save. Sent inside the write's transaction with `pks` (the practices saved) and
`fields` (the fields written); reports receives it (heft/reports/receivers.py) and, once the write commits,
refreshes in the background the equity report's stored figures of the placements at those practices.
"""

from django.dispatch import Signal

practices_saved_in_bulk = Signal()
