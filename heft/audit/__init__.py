"""The audit trail's recording: `AuditEvent` and `audit_record`. It imports no other app, so every app,
accounts included, can write events; the search page that reads them is heft.audit_log's."""
