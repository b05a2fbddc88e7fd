"""What a failure message looks like: how values are written, the got/expected lines, and the style.

Every check's message is made here, so that all of them read alike:

- numbers: a got/expected pair is written in one format (the same decimals, or the same significant
  digits in scientific notation) with enough digits that two values that differ look different, and a
  nonzero value never looks like 0; there is no `-0`;
- arrays: one row per line, the rows of got and expected in aligned columns (the same width for every
  entry of both), large arrays summarised with `...`;
- dicts: one key per line when they do not fit on one, keys written as in code (`grads["W3"]`);
- lines: no wider than `MESSAGE_WIDTH`, wrapped between words, never inside a bracketed value
  that fits on a line, so no line holds a lone `0]:`.

A value that takes several lines is text whose later lines are indented relative to the column where its
first line starts; `labelled` puts it after a label and keeps its rows aligned.
"""

import itertools
import math
import textwrap
from collections.abc import Mapping

import numpy as np

# Significant digits shown for the largest number of a group; more when that is needed to tell two
# values apart, up to the most a float64 holds (positional notation gives up after MAX_DECIMALS).
SIGNIFICANT_DIGITS = 4
MAX_DIGITS = 17
MAX_DECIMALS = 10
# A nonzero value this much smaller than the largest of its group may read as 0 (rounding noise such as
# 1e-17 does); a larger one never does.
VISIBLE_RATIO = 1e-6
# An array with more entries than this is shown by its first and last EDGE_ITEMS along each axis.
SUMMARY_THRESHOLD = 24
EDGE_ITEMS = 3
# Positional notation while the largest magnitude lies in [SCIENTIFIC_BELOW, SCIENTIFIC_FROM).
SCIENTIFIC_BELOW = 1e-4
SCIENTIFIC_FROM = 1e6

GOT = "got      "
EXPECTED = "expected "
CASE_INDENT = "    "
LINE_INDENT = "  "


# nbgrader's Validate cuts every line at 90 characters, 4 of them its indent: messages wrap before that,
# with room for the self-check's own indent.
MESSAGE_WIDTH = 80


# ---------------------------------------------------------------------------------------------
# Numbers


def _is_float(value):
    return isinstance(value, float | np.floating)


def _plain_zero(text):
    """'-0', '-0.000' and '-0.0e+00' are written without their sign."""
    digits = text.lstrip("-").split("e")[0].replace(".", "")
    return text.lstrip("-") if text.startswith("-") and set(digits) <= {"0"} else text


def _trim_common_zeros(texts):
    """Drop the trailing zeros that every text's decimals have, down to one decimal (a float stays 2.0);
    texts without decimals (0, nan, inf) stay as they are."""
    mantissas = [t.split("e")[0] for t in texts]
    exponents = [t[len(m):] for t, m in zip(texts, mantissas)]
    decimal = [i for i, m in enumerate(mantissas) if "." in m]
    while decimal and all(mantissas[i].endswith("0") and not mantissas[i].endswith(".0") for i in decimal):
        for i in decimal:
            mantissas[i] = mantissas[i][:-1]
    return [m + e for m, e in zip(mantissas, exponents)]


def _write_float(value, digits, scientific):
    if not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if value == 0 and scientific:
        return "0"
    text = f"{value:.{digits}e}" if scientific else f"{value:.{digits}f}"
    return _plain_zero(text)


class FloatWriter:
    """Writes floats in one shared format, chosen for a group of values.

    Positional notation with the same number of decimals for all (scientific notation with the same
    significant digits when the largest magnitude is below 1e-4 or from 1e6 on, unless all are whole
    numbers): one decimal for whole numbers, else SIGNIFICANT_DIGITS for the largest value, more until
    every pair in `apart` is written differently and no value of at least VISIBLE_RATIO times the
    largest reads as 0; then without the trailing zeros they all share.
    """

    def __init__(self, values, apart=()):
        values = [float(v) for v in values]
        finite = [abs(v) for v in values if math.isfinite(v)]
        largest = max(finite, default=0.0)
        apart = [(float(a), float(b)) for a, b in apart if float(a) != float(b)]
        whole = all(v.is_integer() for v in finite + [a for pair in apart for a in pair]) and largest < 1e15
        self.scientific = not whole and (largest >= SCIENTIFIC_FROM or 0 < largest < SCIENTIFIC_BELOW)
        self.digits = 1
        if not whole:
            first = SIGNIFICANT_DIGITS - 1 - (0 if self.scientific or not largest else math.floor(math.log10(largest)))
            visible = [v for v in values if math.isfinite(v) and abs(v) >= largest * VISIBLE_RATIO and v != 0]
            self.digits = self._enough_digits(max(0, first), apart, visible)
        self._texts = dict(zip(values, _trim_common_zeros([self._raw(v) for v in values])))

    def _enough_digits(self, first, apart, visible):
        """The fewest digits from `first` on that tell every pair apart and show every visible value."""
        for digits in range(first, (MAX_DIGITS if self.scientific else MAX_DECIMALS) + 1):
            self.digits = digits
            if all(self._raw(a) != self._raw(b) for a, b in apart) and not any(
                    set(self._raw(v).lstrip("-").split("e")[0]) <= {"0", "."} for v in visible):
                return digits
        if not self.scientific:  # positional notation cannot show them: scientific can
            self.scientific = True
            return self._enough_digits(SIGNIFICANT_DIGITS - 1, apart, visible)
        return MAX_DIGITS

    def _raw(self, value):
        return _write_float(value, self.digits, self.scientific)

    def __call__(self, value):
        value = float(value)
        return self._texts.get(value) or self._raw(value)


def _numbers_of(value):
    """The floats inside a value (arrays, numbers, dicts, tuples, lists), to choose their shared format."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return _shown_entries(value).ravel().tolist()
    if _is_float(value):
        return [float(value)]
    if isinstance(value, Mapping):
        return [n for v in value.values() for n in _numbers_of(v)]
    if isinstance(value, list | tuple):
        return [n for v in value for n in _numbers_of(v)]
    return []


def _shown_entries(array):
    """The entries of `array` that its summary shows (all of them for a small array)."""
    if array.size <= SUMMARY_THRESHOLD or max(array.shape) <= 2 * EDGE_ITEMS:
        return array
    for axis in range(array.ndim):
        if array.shape[axis] > 2 * EDGE_ITEMS:
            keep = list(range(EDGE_ITEMS)) + list(range(array.shape[axis] - EDGE_ITEMS, array.shape[axis]))
            array = np.take(array, keep, axis=axis)
    return array


def _entry_text(entry, writer):
    if isinstance(entry, bool | np.bool_):
        return str(bool(entry))
    if isinstance(entry, int | np.integer):
        return str(int(entry))
    if _is_float(entry):
        return writer(entry)
    if isinstance(entry, complex | np.complexfloating):
        return str(complex(entry))
    return repr(entry.item() if isinstance(entry, np.generic) else entry)


# ---------------------------------------------------------------------------------------------
# Values


class _Style:
    """How a group of values is written: one float format and one entry width for all their arrays, and
    whether short arrays go on one line (a case's inputs) or one row per line (got and expected)."""

    def __init__(self, values, apart=(), inline=False):
        self.inline = inline
        self.writer = FloatWriter([n for v in values for n in _numbers_of(v)], apart)
        widths = [len(_entry_text(e, self.writer)) for v in values for e in _array_entries(v)]
        self.cell_width = max(widths, default=0)


def _array_entries(value):
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return _shown_entries(value).ravel().tolist() if value.dtype.kind in "biufc" else []
    if isinstance(value, Mapping):
        return [e for v in value.values() for e in _array_entries(v)]
    if isinstance(value, list | tuple):
        return [e for v in value for e in _array_entries(v)]
    return []


def _shown_indices(n, summarise):
    """The indices along an axis of length n that a summary shows, None standing for the ones left out."""
    if summarise and n > 2 * EDGE_ITEMS:
        return list(range(EDGE_ITEMS)) + [None] + list(range(n - EDGE_ITEMS, n))
    return list(range(n))


def _row_cells(array, style, summarise):
    """The texts of a 1-D array's entries, with '...' where the summary leaves entries out."""
    return ["..." if i is None else _entry_text(array[i], style.writer) for i in _shown_indices(len(array), summarise)]


def _array_lines(array, style, width, summarise):
    """An array as lines, one row per line, entries right-aligned to the style's width."""
    if array.ndim == 1:
        cells = [c.rjust(style.cell_width) for c in _row_cells(array, style, summarise)]
        return _cells_to_lines(cells, width)
    indices = _shown_indices(len(array), summarise)
    lines = []
    for position, i in enumerate(indices):
        # A row gets one character before it ("[" or " ") and one after ("," or "]").
        block = ["..."] if i is None else _array_lines(array[i], style, width - 2, summarise)
        if position < len(indices) - 1:
            block[-1] += ","
        lines += [("[" if position == 0 else " ") + line for line in block[:1]] + [" " + line for line in block[1:]]
    lines[-1] += "]"
    return lines


def _inline_array(array, style, summarise):
    """An array on one line, without padding: [[0.5, -1.0], [2.0, 0.0]]."""
    if array.ndim == 1:
        return "[" + ", ".join(_row_cells(array, style, summarise)) + "]"
    indices = _shown_indices(len(array), summarise)
    return "[" + ", ".join("..." if i is None else _inline_array(array[i], style, summarise) for i in indices) + "]"


def _cells_to_lines(cells, width):
    """'[a, b, c]' on one line, or on several (aligned after the bracket) when wider than `width`."""
    lines, current = [], "["
    for i, cell in enumerate(cells):
        piece = cell + ("," if i < len(cells) - 1 else "]")
        if current not in ("[", " ") and len(current) + 1 + len(piece) > width:
            lines.append(current)
            current = " " + piece
        else:
            current += ("" if current in ("[", " ") else " ") + piece
    lines.append(current)
    return lines


def _render(value, style, width):
    if isinstance(value, np.ndarray | np.generic):
        array = np.asarray(value)
        if array.ndim == 0:
            return _entry_text(array.item() if array.dtype.kind != "f" else array[()], style.writer)
        if array.dtype.kind not in "biufc":
            return repr(array.tolist())
        if array.size == 0:
            return f"[] (shape {array.shape})"
        # A summarised array goes on one line only inside a sentence (no width), where rows cannot.
        summarise = array.size > SUMMARY_THRESHOLD and max(array.shape) > 2 * EDGE_ITEMS
        inline = style.inline and (width == math.inf or not summarise)
        one_line = _inline_array(array, style, summarise) if inline else ""
        if one_line and len(one_line) <= width:
            return one_line + (f" (shape {array.shape}, {array.dtype})" if summarise else "")
        text = "\n".join(_array_lines(array, style, width, summarise))
        return text + (f"\n(shape {array.shape}, {array.dtype})" if summarise else "")
    if isinstance(value, bool | int | float | np.bool_):
        return _entry_text(value, style.writer)
    if isinstance(value, Mapping):
        return _join_parts([(_key_text(k) + ": ", v) for k, v in value.items()], "{", "}", style, width)
    if isinstance(value, tuple):
        return _join_parts([("", v) for v in value], "(", ")", style, width)
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "..."


def _key_text(key):
    return f'"{key}"' if isinstance(key, str) else repr(key)


def _join_parts(parts, opening, closing, style, width):
    """A dict's or tuple's parts on one line when they fit, else one part per line, aligned."""
    rendered = [(label, _render(v, style, width - len(label) - 1)) for label, v in parts]
    flat = opening + ", ".join(label + text for label, text in rendered) + closing
    if "\n" not in flat and len(flat) <= width:
        return flat
    lines = []
    for i, (label, text) in enumerate(rendered):
        end = "," if i < len(rendered) - 1 else closing
        lines.append(labelled((opening if i == 0 else " ") + label, text) + end)
    return "\n".join(lines)


def format_value(value, width=None, inline=True):
    """A readable rendering of a number, an array, a dict or a tuple of them, or anything else.

    Arrays go on one line when short (`inline`, as in a case's inputs), else one row per line; the text's
    later lines are indented relative to where its first line starts (see `labelled`). A dict or tuple
    takes one line per part when wider than `width`; with no width (a value written inside a sentence)
    everything stays on one line.
    """
    width = width if width is not None else math.inf
    return _render(value, _Style([value], inline=inline), width)


def format_pair(got, expected, differs=None, width=None):
    """got and expected written alike: one float format for both, with enough digits that the entries
    marked in `differs` (a boolean array shaped like both, or one boolean for two numbers) look
    different, and one entry width, so that rows written one above the other line up."""
    width = width if width is not None else MESSAGE_WIDTH - len(LINE_INDENT) - len(GOT)
    style = _Style([got, expected], _apart(got, expected, differs))
    return _render(got, style, width), _render(expected, style, width)


def _apart(got, expected, differs):
    """The pairs of numbers (entries at the same index, or two numbers) that `differs` marks."""
    if differs is None:
        return []
    g, e, marks = np.asarray(got), np.asarray(expected), np.asarray(differs)
    if g.shape != e.shape or marks.shape != g.shape or g.dtype.kind not in "iuf" or e.dtype.kind not in "iuf":
        return []
    pairs = zip(g.astype(float).ravel().tolist(), e.astype(float).ravel().tolist(), marks.ravel().tolist())
    return [(a, b) for a, b, marked in pairs if marked]


def labelled(label, text):
    """`label` then `text`, its later lines indented by the label's width so that they stay aligned."""
    lines = text.split("\n")
    return "\n".join([label + lines[0]] + [" " * len(label) + line for line in lines[1:]])


def room_after(path, label=""):
    """The width left for a value written after `path: got      label` on a line of a message."""
    return MESSAGE_WIDTH - len(LINE_INDENT) - len(f"{path}: " if path else "") - len(GOT) - len(label)


def labelled_within(label, text, room):
    """`label` then `text` (see `labelled`), or, when text's lines would not fit in `room` after the
    label, the label alone and text on the lines below it."""
    if max(map(len, text.split("\n"))) <= room - len(label):
        return labelled(label, text)
    return label.rstrip() + "\n" + text


def got_line(path, text):
    """'got      …', after the part's name when there is one (`dW: got      …`)."""
    return labelled((f"{path}: " if path else "") + GOT, text)


def expected_line(path, text):
    return labelled((f"{path}: " if path else "") + EXPECTED, text)


def pair_lines(path, got, expected, differs=None, extra=()):
    """The got and expected lines of one part, in one format (see `format_pair`), then `extra` lines."""
    got_text, expected_text = format_pair(got, expected, differs, room_after(path))
    return (got_line(path, got_text), expected_line(path, expected_text)) + tuple(extra)


def key_path(path, key):
    """The name of a part as written in code: grads["W3"], cache[0], params["W"]["m"]."""
    return f"{path}[{_key_text(key)}]"


def first_difference_line(path, got, expected, differs):
    """Where two same-shaped arrays first differ, in the numbers of their got/expected lines."""
    index = tuple(int(i) for i in np.argwhere(differs)[0])
    style = _Style([got, expected], _apart(got, expected, differs))
    where = str(index[0]) if len(index) == 1 else f"({', '.join(map(str, index))})"
    return (f"{path + ': ' if path else ''}first difference at index {where}, counted from 0: got "
            f"{_entry_text(got[index], style.writer)}, expected {_entry_text(expected[index], style.writer)} "
            f"({int(differs.sum())} of {differs.size} entries differ)")


def scale_line(path, factor, entries=True):
    """That every entry got (`entries`; else the one number got) is `factor` times the expected one,
    written as the fraction 1/k or the whole number k when it is one (1/N applied twice, a count
    instead of a mean); None for one number that is no such multiple."""
    whole = round(factor) if abs(factor) >= 1 else 0
    inverse = round(1 / factor) if 0 < abs(factor) < 1 else 0
    if whole and abs(factor - whole) <= 1e-6 * abs(factor):
        amount = f"{whole} times"
    elif inverse and abs(1 / factor - inverse) <= 1e-6 * abs(1 / factor):
        amount = f"1/{inverse} of" if inverse > 0 else f"-1/{-inverse} of"
    elif not entries:  # any two numbers are multiples of each other: only a whole one or 1/k tells something
        return None
    else:
        amount = f"{FloatWriter([factor])(factor)} times"
    prefix = f"{path}: " if path else ""
    if entries:
        return f"{prefix}every entry is {amount} the expected one"
    return f"{prefix}that is {amount} the expected value"


# ---------------------------------------------------------------------------------------------
# Kinds of values, in words


def dtype_words(dtype):
    return {"b": "booleans", "i": "integers", "u": "integers", "f": "floats", "c": "complex numbers"}.get(
        dtype.kind, f"{dtype} values")


def describe(value):
    """What kind of thing a value is, in words: "a list of 3 items", "an array of booleans, shape (4,)"."""
    if isinstance(value, np.ndarray):
        return f"an array of {dtype_words(value.dtype)}, shape {value.shape}"
    if isinstance(value, list | tuple):
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, Mapping):
        return f"a dict with keys {sorted(map(str, value))}"
    if value is None:
        return "None"
    return f"{format_value(value)} (type {type(value).__name__})"


def arguments_text(named_values):
    """`name = value` for each (name, value): in one line of text when every value takes one line (a
    message wraps it between arguments), else one argument per line with its rows aligned."""
    width = MESSAGE_WIDTH - len(CASE_INDENT) - 1  # room for the comma or colon that follows
    parts = [labelled(f"{name} = ", format_value(value, width - len(f"{name} = ")))
             for name, value in named_values]
    one_line = ", ".join(parts)
    return one_line if "\n" not in one_line else ",\n".join(parts)


def text_then_arguments(text, named_values):
    """`text`, then `name = value` for each (name, value) (see `arguments_text`): on the same line when
    the arguments take one line, else on lines of their own below it, so that their rows stay aligned."""
    arguments = arguments_text(named_values)
    if not text:
        return arguments
    return f"{text}\n{arguments}" if "\n" in arguments else f"{text} {arguments}"


def describe_case(case, parameter_names):
    """The case's label, or `name = value` for each argument."""
    if case.label:
        return case.label
    return arguments_text(list(zip(parameter_names, case.args)) + list(case.kwargs.items()))


# ---------------------------------------------------------------------------------------------
# Layout


def _kept_whole(line):
    """For each character of `line`, whether it lies inside a bracketed value: [...] and {...}, and (...)
    when it is a call's arguments or holds no words (an index or a shape such as (0, 1), not a remark in
    parentheses)."""
    inside, openings = [0] * (len(line) + 1), []
    for i, char in enumerate(line):
        if char in "([{":
            openings.append(i)
        elif char in ")]}" and openings:
            start = openings.pop()
            call = start > 0 and (line[start - 1].isalnum() or line[start - 1] == "_")
            if line[start] != "(" or call or not any(c.isalpha() for c in line[start:i]):
                inside[start + 1] += 1
                inside[i] -= 1
    return list(itertools.accumulate(inside))[:len(line)]


def _words(line):
    """The line cut at its spaces, except inside a bracketed value, which stays in one piece."""
    words, current = [], ""
    for char, depth in zip(line, _kept_whole(line)):
        if char == " " and depth == 0:
            words.append(current)
            current = ""
        else:
            current += char
    words.append(current)
    # "name = value" stays together, as one argument of a case.
    while "=" in words[1:-1]:
        i = words.index("=", 1)
        words[i - 1:i + 2] = [" ".join(words[i - 1:i + 2])]
    return words


def wrap(text, indent="", subsequent="    "):
    """Lines of `text` no wider than MESSAGE_WIDTH. A value spread over several lines keeps its
    layout; other lines are cut between words, a bracketed value only when it alone is too wide."""
    width = MESSAGE_WIDTH
    lines = []
    for line in text.split("\n"):
        if len(indent + line) <= width:
            lines.append(indent + line)
            continue
        # A row of a value spread over several lines keeps its own indent, and so do its continuations.
        lead = " " * (len(line) - len(line.lstrip(" ")))
        current = indent + lead
        for word in _words(line.lstrip(" ")):
            if current.strip() and len(current) + 1 + len(word) > width:
                lines.append(current)
                current = (subsequent if not lead else indent + lead + "  ") + word
            else:
                current += (" " if current.strip() else "") + word
            if len(current) > width:  # a bracketed value wider than a line: cut it between words too
                pieces = textwrap.wrap(current, width, subsequent_indent=subsequent, break_on_hyphens=False)
                lines += pieces[:-1]
                current = pieces[-1]
        lines.append(current)
    return lines


def failure_message(function_name, case_text, problem, known_mistake=None, note=None, after=None):
    """The text a student reads: the case, got/expected (or what went wrong), then the likely cause, the
    known mistake, or a `note` that replaces both (such as "a function it calls is wrong"), and last
    `after`, a remark that adds to them (such as "it also calls a function that is wrong")."""
    lines = wrap(f"{function_name} failed on {case_text}:", "", CASE_INDENT)
    if "\n" in case_text or lines[0].endswith(" failed on"):  # the inputs on lines of their own
        lines = [f"{function_name} failed on the inputs"] + wrap(case_text + ":", CASE_INDENT, CASE_INDENT)
    for line in problem.lines:
        lines += wrap(line, LINE_INDENT, LINE_INDENT + " " * len(GOT))
    if note is not None:
        lines += wrap(note, LINE_INDENT, LINE_INDENT + "  ")
    elif known_mistake is not None:
        lines += wrap(f"Known mistake, {known_mistake.name}: {known_mistake.explanation}", LINE_INDENT,
                      LINE_INDENT + "  ")
    elif problem.cause:
        lines += wrap(f"Likely cause: {problem.cause}", LINE_INDENT, LINE_INDENT + "  ")
    if after is not None:
        lines += wrap(after, LINE_INDENT, LINE_INDENT + "  ")
    return "\n".join(lines)
