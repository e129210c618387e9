"""In-place writes (``y[i] = v``, ``y += v``, ``L.append(v)``) that must not be
seen through other names: refused, or checked where the program runs
(frontend.writes.protect is the entry)."""
