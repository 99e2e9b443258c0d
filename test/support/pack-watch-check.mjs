// Checks `svcgen gen --watch` in a project where svcgen is installed (node_modules/svcgen), e.g. from `npm pack`;
// test/pack.test.ts runs it on the packed install. Written by the watch work of issue 16.
// usage: node watch-pack-check.mjs <project dir>   (writes services.toml and specs/ there; exits 0 when all holds)
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const cwd = path.resolve(process.argv[2] ?? ".");
const write = (file, text) => (mkdirSync(path.dirname(path.join(cwd, file)), { recursive: true }), writeFileSync(path.join(cwd, file), text));
const read = (file) => readFileSync(path.join(cwd, file), "utf8");
const fail = (message) => { console.error(`FAIL: ${message}\n--- stdout\n${out}\n--- stderr\n${err}`); child.kill("SIGKILL"); process.exit(1); };
const assert = (ok, message) => ok || fail(message);

const CONFIG = '[service]\nname = "shop"\n\n[external_services.items_service]\nurl = "http://items-api:8080"\nopenapi = "specs/items.yaml"\n';
const op = (id, p) => `  ${p}:\n    get:\n      operationId: ${id}\n      responses:\n        "200":\n          description: ok\n          content:\n            application/json:\n              schema: { $ref: "./models/item.yaml" }\n`;
const spec = (ops) => `openapi: 3.0.3\ninfo: { title: Items, version: 1.0.0 }\npaths:\n${ops}`;
write("services.toml", CONFIG);
write("specs/items.yaml", spec(op("getItem", "/item")));
write("specs/models/item.yaml", "type: object\nproperties:\n  id: { type: string }\n");

const bin = path.join(cwd, "node_modules/svcgen/bin/svcgen.js");
const child = spawn(process.execPath, [...process.execArgv, bin, "gen", "--watch"], { cwd });
let out = "";
let err = "";
const waiters = [];
const check = () => {
  for (const w of [...waiters]) {
    if (!w.re.test((w.stream === "stdout" ? out : err).slice(w.from))) continue;
    waiters.splice(waiters.indexOf(w), 1);
    w.resolve();
  }
};
child.stdout.on("data", (d) => ((out += d), check()));
child.stderr.on("data", (d) => ((err += d), check()));
child.on("exit", (code) => waiters.length > 0 && fail(`svcgen exited (${code}) while waiting for ${waiters[0].re}`));
/** Resolves when `re` is printed on `stream` after this call. */
const next = (stream, re) => new Promise((resolve) => waiters.push({ stream, re, from: (stream === "stdout" ? out : err).length, resolve }));
const timer = setTimeout(() => fail("timed out after 120 s"), 120_000);
const SUMMARY = /svcgen: \d+ files? written, \d+ unchanged, \d+ removed \(generated\/\)\n/;
const CLIENT = "generated/clients/items_service/index.ts";

await next("stderr", /watching for changes/);
assert(read(CLIENT).includes("getItem:"), "first run: getItem missing");

let summary = next("stdout", SUMMARY);
write("specs/items.yaml", spec(op("getItem", "/item") + op("listItems", "/items")));
await summary;
assert(read(CLIENT).includes("listItems:"), "new operation not picked up");

const before = read(CLIENT);
const waiting = next("stderr", /left as it was; watching for changes/);
write("services.toml", CONFIG.replace("[service]", "[service"));
await waiting;
assert(/^services\.toml:\d+:\d+: error: /m.test(err), "no file:line:col error for the TOML typo");
assert(read(CLIENT) === before, "output changed after a failed run");

summary = next("stdout", SUMMARY);
write("services.toml", `${CONFIG}timeout_ms = 2500\n`);
await summary;
assert(read(CLIENT).includes("timeoutMs: 2500,"), "fix + change not picked up");

summary = next("stdout", SUMMARY);
write("specs/models/item.yaml", "type: object\nproperties:\n  id: { type: string }\n  label: { type: string }\n");
await summary;
assert(read("generated/clients/items_service/types.ts").includes("label?: string;"), "$ref'd file change not picked up");

const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
child.kill("SIGINT");
const { code, signal } = await exited;
clearTimeout(timer);
assert(code === 0 && signal === null, `SIGINT: exit ${code} / ${signal}, want 0`);
console.log("gen --watch: ok");
