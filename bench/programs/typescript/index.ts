// N ManagementTokens from TypeScript through the generated SDK; spec.json says {"count": N}.
// The same names and exports as bench/programs/plugin, so only the language differs.
import * as fs from "fs";
import * as path from "path";
import * as influxdb3 from "pulumi-influxdb3";

const count: number = JSON.parse(fs.readFileSync(path.join(__dirname, "spec.json"), "utf8")).count;
for (let index = 0; index < count; index++) {
    const token = new influxdb3.ManagementToken(`t${index}`, { description: `bench token ${index}` });
    exports[`t${index}`] = token.id;
}
