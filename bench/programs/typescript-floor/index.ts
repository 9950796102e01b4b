// A TypeScript program that declares nothing: what the engine, node and the SDK's TypeScript loading
// cost on their own (the Node.js engine floor of bench/scaling).
import * as pulumi from "@pulumi/pulumi";

export const stack = pulumi.getStack();
