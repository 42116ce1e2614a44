"""Teaching aids: gradient checking (gradcheck.py), gradient norms through time
(diagnostics.py), the long-memory task (tasks.py), and the exercise checks (checks/)."""
