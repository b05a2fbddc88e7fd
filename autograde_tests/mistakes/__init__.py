"""Catalogues of realistic wrong implementations, one module per notebook.

Checks use them to name a student's mistake when the output matches one; tests/ uses them to prove
that every check fails every catalogued mistake.
"""
