"""What a database is and how it lives: its inputs, diff, lifecycle and the client it needs.

Registered as ``resources.DATABASE``. No secrets and no rotation: limits and retention change in place, a new name
is a rename in place, and a new partition template means a new database (its data lost), allowed only on request.
"""
