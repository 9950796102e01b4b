"""Test support: the local Management API as a subprocess, the real Pulumi engine, secret scans."""
