"""One Database and N DatabaseTokens that read it; spec.json says {"count": N, "face": "dynamic" | "plugin",
"run": <a marker unique to this stack>}.

Both faces declare the same shape, names and exports, so only the provider behind the resources differs: the
dynamic resources (`pulumi_influxdb3_tokens.Database` / `DatabaseToken`) or the plugin's typed classes
(`influxdb3:index:Database` / `DatabaseToken`). The database's name carries the run marker, so stacks that share
the server never meet. A token's permissions name the database by name; every token depends on the database, as a
program that hands a database's name to its tokens would. Settings come from INFLUXDB3_* in the environment.
"""

import json
from pathlib import Path

import pulumi

spec = json.loads((Path(__file__).parent / "spec.json").read_text())
count = int(spec["count"])
if spec["face"] == "plugin":
    from pulumi_influxdb3_tokens.influxdb3 import Database, DatabaseToken
else:
    from pulumi_influxdb3_tokens import Database, DatabaseToken

name = f"bench-{spec['run'][:12]}"
database = Database("db", name=name)
pulumi.export("db", database.id)
after_database = pulumi.ResourceOptions(depends_on=[database])
for index in range(count):
    token = DatabaseToken(
        f"t{index}",
        description=f"bench token {index}",
        permissions=[{"action": "read", "resource": name}],
        opts=after_database,
    )
    pulumi.export(f"t{index}", token.id)
