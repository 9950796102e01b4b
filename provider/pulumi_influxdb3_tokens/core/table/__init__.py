"""What a table is and how it lives: its inputs, diff, lifecycle and the client it needs.

Registered as ``resources.TABLE``. No secrets and no rotation: a new name is a rename in place, a rename of its
database carries it along, a move to another database is a new table there, and a new partition template means a new
table (its data lost), allowed only on request. Over HTTP a table is never read back: the documented API cannot;
over influxctl it is, through ``influxctl table list``.
"""
