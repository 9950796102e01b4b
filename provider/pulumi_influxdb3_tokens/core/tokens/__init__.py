"""What every token kind shares (management tokens, database tokens): the expiry inputs and the decisions they
drive (expires_at, expires_in, rotate_before), rotation with an overlap and the ``retiring`` output, and the
create marker that proves a listed token is one create's. A kind's own folder adds what only it has.
"""
