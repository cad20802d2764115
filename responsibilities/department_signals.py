"""Signals of department changes (re-exported by responsibilities.signals).

The apps above this one own what a department does (tasks, indicators), so a merge and a
deactivation ask them through these signals instead of importing them.
"""

from django.dispatch import Signal

# Sent by department_merge inside its transaction, with source=, into=, actor= and reason=:
# each receiver moves its rows from the source to the department it was merged into (a
# refusal raised there rolls the whole merge back) and may return {what moved: how many} for
# the audit row.
department_merged = Signal()

# Sent by department_deactivate with department=: each receiver returns a list of short
# labels of what the department still does (a task in force it leads, an indicator it
# reports); any label refuses the deactivation.
department_in_use = Signal()
