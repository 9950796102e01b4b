"""The checkout's pack, `pulumi preview --policy-pack policy/`: it runs the package's own pack.

The pack ships inside the package (``pulumi_influxdb3_tokens/policy_pack``, printed by
``influxdb3-tokens policy-pack``); importing its entry point serves it. ``PulumiPolicy.yaml`` and
``requirements.txt`` here are copies of that folder's, which tests/unit/test_packaging.py keeps equal.
"""

import importlib

importlib.import_module("pulumi_influxdb3_tokens.policy_pack.__main__")  # serves the pack; never returns
