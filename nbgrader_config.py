"""nbgrader configuration for the course, read by every `nbgrader` command run from the repo root.

Layout (see docs/COURSE_CONTRACT.md): the instructor's source notebooks, with solutions and hidden tests,
live in solutions/<id>/<id>.ipynb; `scripts/release.py` (which runs `nbgrader generate_assignment`) writes
the student release to notebooks/<id>/<id>.ipynb, which is committed. Submissions, autograded copies,
feedback, the gradebook and the grades.csv of `nbgrader export` hold student data and stay out of git
(.gitignore); README's "For instructors" says where to export grades instead.
"""

c = get_config()  # noqa: F821 -- injected by traitlets when it executes this file

c.CourseDirectory.course_id = "nn-from-scratch"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
# The gradebook is nbgrader's default, sqlite:///<CourseDirectory.root>/gradebook.db (root defaults to the
# working directory). It is not set here, because setting db_url pins it to one path; .gitignore keeps
# gradebook.db out of git.

# nbgrader's own executor, which Validate (the students' button, `nbgrader validate`) uses: every cell gets
# this many seconds of wall-clock time; a cell still running then is interrupted and, if it is a grade cell,
# scores 0. The checks judge a student's function on its CPU time themselves (autograde_tests/limits.py),
# so this is only a backstop for a cell that hangs, set far above what a busy machine needs (the capstone's
# grade cell trains several times). Autograding does not use it: TrustedExecute (below) replaces it there.
c.Execute.timeout = 300

# The release must carry no outputs: ClearOutput is in nbgrader's default GenerateAssignment pipeline,
# and is enabled here explicitly so that a later edit of the pipeline cannot drop it silently. It also
# removes JupyterLab's per-cell "execution" timestamps, which would make every regeneration differ.
c.ClearOutput.enabled = True
c.ClearOutput.remove_metadata_fields = {"collapsed", "scrolled", "execution"}

# A "### BEGIN SOLUTION" or "### BEGIN HIDDEN TESTS" block in a cell that is not marked as a solution or
# test cell would otherwise be copied into the release verbatim; with enforce_metadata (the default,
# stated here on purpose) generate_assignment stops with an error instead.
c.ClearSolutions.enforce_metadata = True
c.ClearHiddenTests.enforce_metadata = True

# Trusted autograding (docs/THREAT_MODEL.md): each submission is first rebuilt on the release (duplicated,
# deleted, edited or metadata-stripped cells repaired, each repair logged), then its cells run in a worker
# process while the checks run in nbgrader's own process, so that nothing a student's code does can turn a
# wrong answer into points; a cell that kills or hangs the worker is skipped and grading goes on. The
# in-notebook checks still run in the student's kernel while they work, for instant feedback.
from nbconvert.preprocessors import ClearMetadataPreprocessor  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties,
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    IgnorePattern,
    LimitOutput,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)

from autograde_tests.trusted.preprocessors import RepairSubmission, TrustedExecute  # noqa: E402

c.Autograde.sanitize_preprocessors = [RepairSubmission, ClearOutput, DeduplicateIds, OverwriteKernelspec,
                                      OverwriteCells, CheckCellMetadata]
c.Autograde.autograde_preprocessors = [TrustedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
                                       SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
# Seconds of CPU time each student cell may use while it is graded (autograde_tests/limits.py).
c.TrustedExecute.timeout = 30
# An instructor sets a secret seed for the random hidden cases here (or on the command line of `nbgrader
# autograde` or `python -m autograde_tests grade`: --TrustedExecute.grading_secret=...), so that answers
# hard-coded for the shipped cases earn nothing.
# c.TrustedExecute.grading_secret = 123456789

# Feedback names each exercise: nbgrader's feedback page lists every grade cell as "Test cell (Score ...)";
# autograde_tests/templates/feedback/feedback_with_names.html.j2 extends it and puts the exercise's name there
# (every grade cell of the course starts with a docstring """name: ...""", README's "For contributors").
# Scoped to GenerateFeedback's exporter: Formgrader's pages keep their own template. The second folder is
# where nbgrader keeps its own templates (the one it uses when this is not set).
import os  # noqa: E402

import nbgrader  # noqa: E402

import autograde_tests  # noqa: E402

c.GenerateFeedback.HTMLExporter.extra_template_basedirs = [
    os.path.join(os.path.dirname(autograde_tests.__file__), "templates"),
    os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader", "templates")]
c.GenerateFeedback.HTMLExporter.template_file = "feedback_with_names.html.j2"
