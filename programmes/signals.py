"""Signals of the programmes app, for the apps above it (targets) to add their part.

Sent inside the sender's transaction: a receiver's refusal rolls the whole change back.
"""

from django.dispatch import Signal

# Sent by programmes.delegation.task_delegate with delegation= (a new Delegation, its child
# task already placed in the child's plan) and actor=: the targets app copies the parent task's
# targets to the child's task, on the child's indicators.
task_delegated = Signal()
