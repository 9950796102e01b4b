"""What a database token is and how it lives: the credential applications hold to read and write databases.

Registered as ``resources.DATABASE_TOKEN``; built on what every token shares (core/tokens/): its description and
permissions change in place (PATCH), its expiry only by a new token.
"""
