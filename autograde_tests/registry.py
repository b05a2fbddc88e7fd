"""Every notebook's checks, found by name: each module autograde_tests/nbNN.py declares a `NOTEBOOK`
(see core.Notebook). Grader self-tests, the contract test and the graders walk this list, so a new
notebook only has to declare itself."""

import importlib
import pkgutil
import re
from pathlib import Path


def notebooks():
    """The NOTEBOOK of every autograde_tests.nbNN module, in notebook order."""
    modules = pkgutil.iter_modules([str(Path(__file__).parent)])
    names = sorted(m.name for m in modules if re.fullmatch(r"nb\d\d", m.name))
    return [importlib.import_module(f"autograde_tests.{name}").NOTEBOOK for name in names]
