"""The audit log's search page and admin: reads of the trail for those whose role lets them.

Apart from heft.audit, which records the trail: accounts' services write audit events, so the recording
sits below accounts, and the pages that ask accounts' permissions sit above it."""
