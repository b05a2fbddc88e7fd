"""Which cells of a notebook only demonstrate, so that grading need not run them.

A notebook's plots, widgets, comparisons and its final *Check everything* cost most of its run time, and
no grade depends on them. A read-only code cell only demonstrates when nothing that grading runs after it
can see what it leaves behind: it binds or changes no name (by assignment, def, class, import, or an
attribute or item assignment) that a later cell run by grading reads. Answer cells, grade cells, the
student's own extra cells, and cells tagged "graded-setup" always run. Every cell after the last grade
cell therefore only demonstrates.

`scripts/release.py` marks these cells in the release (cell metadata "autograde_tests": {"demo": true}),
judging them with the course's answers in place; grading skips a cell only when the release marks it AND
the rule still holds on the submission, whose answers may read a name that the course's answers do not.
"""

import ast
import keyword
import re

MARK = "autograde_tests"
KEEP_TAG = "graded-setup"
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")


def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def _is_read_only_code(cell):
    meta = _nbgrader(cell)
    return (cell.cell_type == "code" and not meta.get("solution") and not meta.get("grade")
            and KEEP_TAG not in cell.get("metadata", {}).get("tags", []))


def _stored_root(target):
    while isinstance(target, ast.Attribute | ast.Subscript | ast.Starred):
        target = target.value
    return target.id if isinstance(target, ast.Name) else None


def bound_names(source):
    """Names the cell binds or changes, or None when it is not plain Python (then it must run)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.Attribute | ast.Subscript) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(_stored_root(node))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            names.update(node.names)
    return names - {None}


def read_names(source):
    """Global names the cell may read (a function's own parameters and local variables are not); every
    identifier in it when it is not plain Python."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set(_IDENTIFIER.findall(source)) - set(keyword.kwlist)
    return _reads(tree)


def _reads(tree):
    names = set()
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            arguments = node.args
            local = {a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs}
            local |= {a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None}
            body = node.body if isinstance(node.body, list) else [node.body]
            declared = {n for b in body for g in ast.walk(b) if isinstance(g, ast.Global) for n in g.names}
            local |= {n.id for b in body for n in ast.walk(b)
                      if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)} - declared
            inner = set().union(*(_reads(b) | _names_in(b) for b in body)) if body else set()
            defaults = arguments.defaults + [d for d in arguments.kw_defaults if d is not None]
            names |= (inner - local) | set().union(*(_reads(d) | _names_in(d) for d in defaults))
            names |= set().union(*(_reads(d) | _names_in(d) for d in getattr(node, "decorator_list", [])))
        else:
            names |= _names_in(node) | _reads(node)
    return names


def _names_in(node):
    return {node.id} if isinstance(node, ast.Name) else set()


def demo_cells(nb):
    """Indices of the cells of `nb` that only demonstrate (see the module's docstring)."""
    needed, demos = set(), set()
    for index in reversed(range(len(nb.cells))):
        cell = nb.cells[index]
        if cell.cell_type != "code":
            continue
        if _is_read_only_code(cell) and _nbgrader(cell).get("grade_id"):
            bound = bound_names(cell.source)
            if bound is not None and not bound & needed:
                demos.add(index)
                continue
        needed |= read_names(cell.source)
    return demos


def set_mark(cell, demo):
    """Mark the cell as one that only demonstrates, or take the mark away."""
    marks = cell.get("metadata", {}).get(MARK, {})
    marks.pop("demo", None)
    if demo:
        marks["demo"] = True
    if marks:
        cell.metadata[MARK] = marks
    else:
        cell.get("metadata", {}).pop(MARK, None)


def mark_demo_cells(nb):
    """Mark the cells that only demonstrate in `nb`'s metadata (and unmark the others)."""
    demos = demo_cells(nb)
    for index, cell in enumerate(nb.cells):
        set_mark(cell, index in demos)
    return demos


def cells_to_skip(nb):
    """The cells that grading need not run: marked by the release, and still only demonstrating here."""
    marked = {i for i, c in enumerate(nb.cells) if c.get("metadata", {}).get(MARK, {}).get("demo")}
    return marked & demo_cells(nb)
