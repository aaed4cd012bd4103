"""The coursework tools of the book: student edition, grader, nbgrader course, notebook refresh.

Run them from the repository root as modules (``python -m tools.grade``,
``python -m tools.student``, ...); ``python tools/grade.py`` still works. The
notebook conventions they share with the website extensions (``_ext/``) and
the tests live in :mod:`tools.conventions`.
"""
