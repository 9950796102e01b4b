"""Tests of the local Management API server (influxdb3_local_api), over real HTTP."""
