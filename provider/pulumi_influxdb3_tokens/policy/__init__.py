"""Policy: the rules (one copy for the pack and the audit), the pack's policies, and the pack itself (``pack/``)."""
