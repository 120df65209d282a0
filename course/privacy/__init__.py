"""Privacy: a learner's data export (DATA-1) and erasure (DATA-2), assembled from the domains.

Each domain owns its part in `course/<domain>/privacy.py` and registers a `Contributor`
(Moodle's per-plugin privacy provider is the model); this package only collects them.
"""
