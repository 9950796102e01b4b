"""Face 1: the ``pulumi.dynamic`` resource and its provider, a thin adapter over the core."""
