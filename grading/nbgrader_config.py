"""nbgrader's configuration for grading the series offline: this folder is the course.

nbgrader reads this file when run from this folder (``cd grading``) or with
``--config grading/nbgrader_config.py``. The folders it uses (source/, release/, submitted/,
autograded/, feedback/, exchange/) and the gradebook (gradebook.db, sqlite) are written here and
ignored by git; README.md ("Grading a class") walks through them.
"""

import os
import sys

COURSE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, COURSE)  # for course_plugins, beside this file

from course_plugins import CoreStretchExport, ReadableFeedback  # noqa: E402

c = get_config()  # noqa: F821 (nbgrader defines it when it reads this file)

c.CourseDirectory.root = COURSE
c.CourseDirectory.course_id = "rnn-from-scratch"
# nbgrader's default exchange, /srv/nbgrader/exchange, does not exist on a teacher's machine.
c.Exchange.root = os.path.join(COURSE, "exchange")

# The stub of ClearSolutions, written out: the same as make_student's edition.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
# Hidden tests run in autograde and are shown to nobody: not in the release, not in feedback.
c.ClearHiddenTests.begin_test_delimeter = "BEGIN HIDDEN TESTS"
c.ClearHiddenTests.end_test_delimeter = "END HIDDEN TESTS"

# A notebook of the series runs in well under a minute; a cell that takes 5 minutes is stuck.
c.Execute.timeout = 300
# nbgrader validate cuts a check's message at 90 characters by default; ours are longer.
c.Validator.width = 400

# Feedback shows the check's diagnosis, not a traceback, and no hidden test's source.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    ReadableFeedback,
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# Submissions collected from files (e-mail, a learning platform's download): each file named
# STUDENT__NN_topic.ipynb in downloaded/NN_topic/archive/ (nbgrader zip_collect NN_topic).
c.FileNameCollectorPlugin.named_regexp = (
    r".*?(?P<student_id>[A-Za-z0-9.\-]+)__(?P<file_id>\d\d_[A-Za-z0-9_]+\.ipynb)$"
)

# nbgrader export writes grades.csv with core and stretch points in separate columns.
c.ExportApp.plugin_class = CoreStretchExport
c.CoreStretchExport.source = os.path.join(COURSE, "source")
