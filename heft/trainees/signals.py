"""What trainees tells the apps above it, which it must never import (docs: DESIGN.md, layers).

heft_place_released: the programme team decided to release a trainee's HEFT place during time out. Sent
inside the decision's transaction with `membership`, `reason` (for the trainee) and `by`; preferencing
receives it (heft/preferencing/receivers.py) and withdraws the live offers, flags the membership "returning
— HEFT rotation not guaranteed" and takes back the future placements of a withdrawn rotation. A receiver that
fails rolls the decision back.
"""

from django.dispatch import Signal

heft_place_released = Signal()
