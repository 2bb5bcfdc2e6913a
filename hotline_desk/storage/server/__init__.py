"""The sync server's database: schema migrations, models and one repository per concept.

Every function takes the peewee ``Database`` explicitly (no module-level binding)
and, unless it says otherwise, expects to run inside a transaction the caller opened
with ``storage.db.write_transaction`` / ``read_transaction``; that keeps an endpoint's
whole work (the change, the version bump, the audit record) in one transaction.
"""
