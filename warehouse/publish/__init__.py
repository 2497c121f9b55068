"""The publish stage and what operates on published files: the run lock, the atomic swap and
its releases, BI exports, rollback, retention and recovery after a crash."""
