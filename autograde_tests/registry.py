"""Every notebook's checks, in notebook order: each module autograde_tests/nbNN.py declares its exercises
and a `NOTEBOOK` (see core.Notebook). Grader self-tests, the contract test, the report and the graders
walk this list; a new notebook adds its module here."""

import importlib

MODULES = ("nb00", "nb01", "nb02", "nb03", "nb04", "nb05", "nb06", "nb07", "nb08", "nb09", "nb10", "nb11", "nb12")


def notebooks():
    """The NOTEBOOK of every module in MODULES, in notebook order."""
    return [importlib.import_module(f"autograde_tests.{name}").NOTEBOOK for name in MODULES]
