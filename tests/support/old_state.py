"""What a stack written before the package was grouped into folders holds for its dynamic provider.

The SDK stores ``dill.dumps(provider, protocol=pickle.DEFAULT_PROTOCOL, recurse=True)`` as base64 in
every resource's ``__provider`` (pulumi/dynamic/dynamic.py, ``serialize_provider``); dill pickles a
class of an importable module by reference. These are the exact bytes the old code wrote, naming
``pulumi_influxdb3_tokens.lifecycle.ManagementTokenProvider``.
"""

PICKLED_BEFORE_THE_MOVE = (
    "gASVRwAAAAAAAACMIXB1bHVtaV9pbmZsdXhkYjNfdG9rZW5zLmxpZmVjeWNsZZSMF01hbmFnZW1lbnRUb2tlblByb3ZpZGVylJOUKYGUfZRiLg=="
)
