"""What a management token is and how it lives: its inputs, diff, lifecycle and the client it needs.

Registered as ``resources.MANAGEMENT_TOKEN``; a second resource gets a folder of its own beside this one.
"""
