"""Checks called by the grade cells of the course notebooks, one module per notebook (nb01, nb02, ...).

Every check takes the student's function and `hidden=False`; `hidden=True` adds the thorough cases
(random inputs from fixed seeds, edge cases) that the autograder runs. A failing check raises
`core.CheckFailed` with a message for the student; a passing one prints one line.
"""
