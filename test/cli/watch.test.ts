// `svcgen gen --watch` with the real pipeline, real files and real fs.watch. Nothing here waits on the wall clock:
// each step waits for what watch prints (the vitest timeout is the only bound), and the debounce test steps its
// timers by hand on a SteppedClock.
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import type { GenerateFn } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import type { MainOptions, TextOut } from "../../src/cli/main.js";
import { Debounce } from "../../src/cli/watch/debounce.js";
import { WatchSet, watchPoint } from "../../src/cli/watch/watch-set.js";
import { generate } from "../../src/generate.js";
import { SteppedClock, until } from "../support/stepped-clock.js";
import { makeProject, run, snapshot, writeFile } from "./helpers.js";

const repo = fileURLToPath(new URL("../../", import.meta.url));

const CONFIG = `[service]
name = "shop"

[external_services.items_service]
url = "http://items-api:8080"
openapi = "specs/items.yaml"
`;

const GET_ITEM = `  /items/{id}:
    get:
      operationId: getItem
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses:
        "200":
          description: The item.
          content:
            application/json:
              schema: { $ref: "./models/item.yaml" }
`;

const LIST_ITEMS = `  /items:
    get:
      operationId: listItems
      responses:
        "200":
          description: Every item.
          content:
            application/json:
              schema: { type: array, items: { $ref: "./models/item.yaml" } }
`;

function spec(paths: string): string {
  return `openapi: 3.0.3\ninfo: { title: Items, version: 1.0.0 }\npaths:\n${paths}`;
}

function item(...extra: string[]): string {
  return `type: object\nrequired: [id]\nproperties:\n  id: { type: string }\n${extra.map((name) => `  ${name}: { type: string }\n`).join("")}`;
}

/** One OpenAPI service whose spec $refs a schema in a subfolder. */
function shop(): string {
  return makeProject({ "services.toml": CONFIG, "specs/items.yaml": spec(GET_ITEM), "specs/models/item.yaml": item() });
}

/** Captured output that a test can wait on: `next(pattern)` resolves on the first match written after the call. */
class Output implements TextOut {
  text = "";
  #waiters: Array<{ from: number; pattern: RegExp; resolve: (match: string) => void }> = [];

  write(text: string): boolean {
    this.text += text;
    for (const waiter of [...this.#waiters]) {
      const match = waiter.pattern.exec(this.text.slice(waiter.from));
      if (match === null) continue;
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve(match[0]);
    }
    return true;
  }

  next(pattern: RegExp): Promise<string> {
    return new Promise((resolve) => this.#waiters.push({ from: this.text.length, pattern, resolve }));
  }

  count(pattern: RegExp): number {
    return this.text.match(new RegExp(pattern.source, "g"))?.length ?? 0;
  }
}

const SUMMARY = /svcgen: \d+ files? written, \d+ unchanged, \d+ removed \(generated\/\)\n/;
const WATCHING = /svcgen: watching for changes \(Ctrl-C to stop\)\n/;

interface Watching {
  stdout: Output;
  stderr: Output;
  /** Settles when main returns: watch only returns once stopped. */
  done: Promise<number>;
  /** Resolves when the first run is over and its inputs are watched. */
  ready: Promise<string>;
  returned(): boolean;
  stop(): Promise<number>;
}

/** `svcgen gen --watch` through main(), stopped by an AbortSignal where the real CLI has Ctrl-C. */
function startWatch(cwd: string, options: MainOptions = {}): Watching {
  const controller = new AbortController();
  const stdout = new Output();
  const stderr = new Output();
  let returned = false;
  const done = main(["gen", "--watch"], { cwd, env: {}, stdout, stderr }, { ...options, signal: controller.signal }).finally(() => {
    returned = true;
  });
  const watching: Watching = {
    stdout,
    stderr,
    done,
    ready: Promise.resolve(""),
    returned: () => returned,
    stop: () => {
      controller.abort();
      return done;
    },
  };
  // Waited on from the start: the line may be written in the same tick as the summary a test waits for first.
  watching.ready = waitFor(watching, stderr, WATCHING);
  watching.ready.catch(() => undefined); // Reported where a test awaits it; not an unhandled rejection meanwhile.
  return watching;
}

/** Waits for `pattern` on `out`, failing at once (not at the timeout) if watch returned instead. */
async function waitFor(watch: Watching, out: Output, pattern: RegExp): Promise<string> {
  const seen = out.next(pattern);
  const ended = watch.done.then((code) => {
    throw new Error(`watch returned ${code} before printing ${pattern}\nstdout:\n${watch.stdout.text}\nstderr:\n${watch.stderr.text}`);
  });
  return Promise.race([seen, ended]);
}

function client(cwd: string): string {
  return readFileSync(path.join(cwd, "generated/clients/items_service/index.ts"), "utf8");
}

function types(cwd: string): string {
  return readFileSync(path.join(cwd, "generated/clients/items_service/types.ts"), "utf8");
}

/** Open fs.watch handles in this process. */
function watchers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === "FSEventWrap").length;
}

describe("gen --watch", () => {
  it("regenerates on spec, config and $ref'd file changes, survives a TOML typo, and stops with 0", async () => {
    const cwd = shop();
    const before = watchers();
    const watch = startWatch(cwd);
    await watch.ready;
    expect(client(cwd)).toContain("getItem:");
    expect(client(cwd)).not.toContain("listItems:");
    expect(watchers()).toBe(before + 3); // The project folder (services.toml), specs/ and specs/models/.

    // A new operation in the spec.
    let summary = waitFor(watch, watch.stdout, SUMMARY);
    writeFile(cwd, "specs/items.yaml", spec(GET_ITEM + LIST_ITEMS));
    expect(await summary).toMatch(/^svcgen: [1-9]\d* files? written/);
    expect(client(cwd)).toContain("listItems:");

    // A TOML typo: reported at its position, the output left alone, the loop still going.
    const good = snapshot(path.join(cwd, "generated"));
    const waiting = waitFor(watch, watch.stderr, /svcgen: generated\/ left as it was; watching for changes\n/);
    writeFile(cwd, "services.toml", CONFIG.replace("[service]", "[service"));
    await waiting;
    expect(watch.stderr.text).toMatch(/^services\.toml:1:\d+: error: /m);
    expect(snapshot(path.join(cwd, "generated"))).toEqual(good);
    expect(watch.returned()).toBe(false);

    // The fix, with a change: picked up.
    summary = waitFor(watch, watch.stdout, SUMMARY);
    writeFile(cwd, "services.toml", `${CONFIG}timeout_ms = 2500\n`);
    await summary;
    expect(client(cwd)).toContain("timeoutMs: 2500,");

    // The $ref'd schema, saved the way editors do: a new file renamed over the old one.
    summary = waitFor(watch, watch.stdout, SUMMARY);
    writeFileSync(path.join(cwd, "specs/models/item.yaml.tmp"), item("label"));
    renameSync(path.join(cwd, "specs/models/item.yaml.tmp"), path.join(cwd, "specs/models/item.yaml"));
    await summary;
    expect(types(cwd)).toMatch(/label\?: string;/);

    // Stopping: resolves 0 (a hang would fail at the test timeout), and every watcher is closed (handles go away on
    // the loop turn after close()). Timers: the debounce test below checks none is left pending.
    expect(await watch.stop()).toBe(0);
    await until(() => watchers() === before);
    // Every run printed its summary (a later one may be "up to date" when an event repeats a save).
    expect(watch.stdout.count(SUMMARY)).toBeGreaterThanOrEqual(4);
  });

  it("turns a burst of writes into one run", async () => {
    const cwd = shop();
    const clock = new SteppedClock();
    let runs = 0;
    const counted: GenerateFn = (request) => {
      runs += 1;
      return generate(request);
    };
    const watch = startWatch(cwd, { clock, generate: counted });
    await watch.ready;
    expect(runs).toBe(1);

    // Written in one go, so every event is queued before the loop looks: all of them land on one pending timer.
    writeFile(cwd, "specs/items.yaml", spec(GET_ITEM.replace("getItem", "fetchItem")));
    writeFile(cwd, "specs/items.yaml", spec(GET_ITEM + LIST_ITEMS));
    writeFile(cwd, "specs/models/item.yaml", item("label"));
    writeFile(cwd, "services.toml", `${CONFIG}timeout_ms = 2500\n`);
    await until(() => clock.pending.length > 0);
    expect(clock.timersSet).toBeGreaterThan(1); // Re-armed by the later events...
    expect(clock.pending).toMatchObject([{ at: 100, ms: 100 }]); // ...and still one timer, 100 ms after the last.
    expect(runs).toBe(1);

    const summary = waitFor(watch, watch.stdout, SUMMARY);
    clock.fireNext();
    await summary;
    expect(runs).toBe(2);
    expect(watch.stdout.count(SUMMARY)).toBe(2);
    expect(client(cwd)).toContain("listItems:");
    expect(client(cwd)).toContain("timeoutMs: 2500,");
    expect(types(cwd)).toMatch(/label\?: string;/);

    expect(await watch.stop()).toBe(0);
    expect(clock.pending).toEqual([]);
  });

  it("starts from the cache: an up-to-date folder is not generated again", async () => {
    const cwd = shop();
    expect((await run(cwd, ["gen"])).code).toBe(0);
    let runs = 0;
    const watch = startWatch(cwd, {
      generate: (request) => {
        runs += 1;
        return generate(request);
      },
    });
    await watch.ready;
    expect(watch.stdout.text).toBe("svcgen: generated/ is up to date\n");
    expect(runs).toBe(0);
    // The inputs the cache entry recorded are watched: the $ref'd file among them.
    const summary = waitFor(watch, watch.stdout, SUMMARY);
    writeFile(cwd, "specs/models/item.yaml", item("label"));
    await summary;
    expect(runs).toBe(1);
    expect(await watch.stop()).toBe(0);
  });

  it("refuses --watch with --check", async () => {
    const cwd = shop();
    const result = await run(cwd, ["gen", "--watch", "--check"]);
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: "svcgen: --watch and --check cannot be used together\nRun 'svcgen help gen' for usage.\n",
    });
  });

  it("bin/svcgen.js exits 0 on SIGINT, with nothing left running", async () => {
    const cwd = shop();
    // The published bin, with dist/ standing in for the build: it re-exports the sources (run through tsx).
    const pkg = makeProject({ "package.json": '{ "type": "module" }\n' });
    mkdirSync(path.join(pkg, "bin"));
    copyFileSync(path.join(repo, "bin/svcgen.js"), path.join(pkg, "bin/svcgen.js"));
    writeFile(pkg, "dist/cli/main.js", `export { main } from ${JSON.stringify(pathToFileURL(path.join(repo, "src/cli/main.ts")).href)};\n`);
    const tsx = pathToFileURL(path.join(repo, "node_modules/tsx/dist/loader.mjs")).href;

    // Generated in-process first, so the child's first run is a cache hit that never loads the generator (faster).
    expect((await run(cwd, ["gen"])).code).toBe(0);
    const env = { ...process.env };
    delete env.SVCGEN_CACHE_DIR;
    const child = spawn(process.execPath, ["--import", tsx, path.join(pkg, "bin/svcgen.js"), "gen", "--watch"], { cwd, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on("exit", (code, signal) => resolve({ code, signal })),
    );
    await new Promise<void>((resolve, reject) => {
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        if (WATCHING.test(stderr)) resolve();
      });
      void exited.then(() => reject(new Error(`exited before watching:\n${stdout}\n${stderr}`)));
    });
    child.kill("SIGINT");
    // Exits by itself once its watchers are closed: a leaked handle would keep it running into the test timeout.
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(stdout).toBe("svcgen: generated/ is up to date\n");
  });
});

describe("watch parts", () => {
  it("a debounce fires once, the delay after the last trigger, and cancel leaves no timer", () => {
    const clock = new SteppedClock();
    let fired = 0;
    const debounce = new Debounce(clock, 100, () => (fired += 1));
    debounce.trigger();
    clock.fireNext(); // Nothing else pending: fires at 100.
    expect(fired).toBe(1);
    debounce.trigger();
    expect(clock.pending).toMatchObject([{ at: 200, ms: 100 }]);
    debounce.trigger(); // Re-armed: one timer, still 100 ms after this trigger.
    expect(clock.pending).toHaveLength(1);
    expect(clock.fireNext()).toBe(200);
    expect(fired).toBe(2);
    debounce.trigger();
    debounce.cancel();
    expect(clock.pending).toEqual([]);
    expect(fired).toBe(2);
  });

  it("a debounce under triggers that never pause still fires, maxWaitMs after the first of them", () => {
    const clock = new SteppedClock();
    const fired: number[] = [];
    const debounce = new Debounce(clock, 100, () => fired.push(clock.now()), 1000);
    // A writer that never stops: a trigger every 50 ms, each re-arming the 100 ms wait.
    const tick = (): void => {
      debounce.trigger();
      if (clock.now() < 2500) clock.setTimer(tick, 50);
    };
    tick();
    while (clock.pending.length > 0) clock.fireNext();
    // At 1000 (the burst's maximum wait), at 2000 (the trigger at 1000 began the next burst), and 100 ms after the
    // last trigger (2500).
    expect(fired).toEqual([1000, 2000, 2600]);
  });

  it("a file is watched through its folder, or the nearest one that exists", () => {
    const cwd = makeProject({ "protos/a.proto": "" });
    expect(watchPoint(path.join(cwd, "protos/a.proto"))).toEqual([path.join(cwd, "protos"), "a.proto"]);
    expect(watchPoint(path.join(cwd, "protos/vendor/google/x.proto"))).toEqual([path.join(cwd, "protos"), "vendor"]);
    expect(watchPoint(path.join(cwd, "services.toml"))).toEqual([cwd, "services.toml"]);
  });

  it("a folder that appears is seen through its parent, then watched itself; other names are ignored", async () => {
    const cwd = makeProject({ "protos/a.proto": "" });
    const absent = path.join(cwd, "protos/vendor/x.proto");
    const changes: string[] = [];
    let changed: (() => void) | undefined;
    const set = new WatchSet((file) => {
      changes.push(file);
      changed?.();
    });
    const change = (): Promise<void> => new Promise((resolve) => (changed = resolve));
    try {
      set.update([path.join(cwd, "protos/a.proto"), absent]);
      expect(set.folders).toEqual([path.join(cwd, "protos")]);

      let seen = change();
      writeFile(cwd, "protos/other.proto", ""); // Not watched: no event (the next one proves it came first).
      mkdirSync(path.join(cwd, "protos/vendor"));
      await seen;
      expect(changes).toEqual([path.join(cwd, "protos/vendor")]);

      set.update([path.join(cwd, "protos/a.proto"), absent]); // What the next run does: now watched from vendor/.
      expect(set.folders).toEqual([path.join(cwd, "protos"), path.join(cwd, "protos/vendor")]);
      seen = change();
      writeFile(cwd, "protos/vendor/x.proto", "");
      await seen;
      expect(changes.at(-1)).toBe(absent);
    } finally {
      set.close();
    }
    expect(set.folders).toEqual([]);
  });
});
