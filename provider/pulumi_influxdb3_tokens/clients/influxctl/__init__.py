"""The influxctl transport: the subprocess, its JSON output and its recovery by listing."""
