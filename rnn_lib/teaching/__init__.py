"""Teaching aids: gradient checking (gradcheck.py), gradient norms through time
(diagnostics.py), the long-memory tasks (tasks.py), what truncated BPTT misses (truncation.py),
and the exercise checks (checks/)."""
