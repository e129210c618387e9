"""The inliner: calls into user functions replaced by the callee's body
(frontend.inline runs it), and the passes that follow it."""
