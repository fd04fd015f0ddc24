"""The one platform of background runs (re-grouping, lab fits, monthly reports, and whatever comes next):
the abstract run record (`models`), its state changes (`lifecycle`), the task decorator and the one reaper
(`tasks`), and the registry of run kinds the reaper walks (`registry`). See ARCHITECTURE.md."""
