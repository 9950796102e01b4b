"""The resources' cores, one folder each (``management_token/``), and what they share: bags, time, errors, notices.

Imports no Pulumi face.
"""
