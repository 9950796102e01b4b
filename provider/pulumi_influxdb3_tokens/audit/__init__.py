"""``influxdb3-tokens audit``: the command, its report, orphans and the policy pack config it reads."""
