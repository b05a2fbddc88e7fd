"""Grading that student code cannot reach: the student's cells run in a worker process, the checks run in
the grader's process, and only data (see codec) comes back. See docs/THREAT_MODEL.md."""
