// loadInThreads on its own: results come back in the order asked for, whichever thread loaded them, and a load that
// throws on a worker thread rejects the whole call with its message (as it would on the main thread).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { QueuedLoad } from "../../src/specs/queue.js";
import { loadInThreads } from "../../src/specs/threads.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "svcgen-threads-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const at = (line: number) => ({ file: "services.toml", line, column: 1 });

describe("loadInThreads", () => {
  it("hands back results in the order asked for, lightest first or not", async () => {
    const loads: QueuedLoad[] = ["a", "b", "c"].map((name, i) => {
      writeFileSync(path.join(dir, `${name}.proto`), `syntax = "proto3";\npackage ${name};\nmessage M {}\nservice S { rpc Get(M) returns (M); }\n`);
      return { kind: "proto", settings: { key: name, files: [`${name}.proto`], protoPaths: [], refRoots: [], retryOn: [], at: at(i + 1) } };
    });
    const arrived: number[] = [];
    const results = await loadInThreads(loads, [1, 3, 2], { configDir: dir, cwd: dir }, 2, (index) => arrived.push(index));
    expect(results.map((r) => (r.model as { services: Array<{ fullName: string }> }).services[0]?.fullName)).toEqual(["a.S", "b.S", "c.S"]);
    expect(arrived.sort()).toEqual([0, 1, 2]);
  });

  it("rejects with the message of a load that threw, on whichever thread", async () => {
    const loads: QueuedLoad[] = [1, 2, 3].map((line) => ({ kind: "nope", settings: { at: at(line) } }));
    await expect(loadInThreads(loads, [0, 0, 0], { configDir: dir, cwd: dir }, 2)).rejects.toThrow('no spec loader for "nope"');
  });
});
