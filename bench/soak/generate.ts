// The soak benchmark's client, made the way a user makes one: a services.toml with only url/openapi/discovery/
// endpoints (no policy keys, so every policy is svcgen's default) and a two-operation spec, through the real
// `svcgen gen`, into a scratch directory. The generated client (and the runtime copied next to it) is imported from there.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = path.resolve(import.meta.dirname, "../..");

const SPEC = `openapi: 3.0.3
info: { title: Soak items, version: "1.0.0" }
paths:
  /items/{id}:
    get:
      operationId: getItem
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses:
        "200":
          description: One item.
          content:
            application/json:
              schema: { type: object, properties: { id: { type: string }, name: { type: string }, price: { type: number } } }
  /orders:
    post:
      operationId: createOrder
      description: Not idempotent; the client sends no Idempotency-Key.
      requestBody:
        required: true
        content:
          application/json:
            schema: { type: object, required: [id], properties: { id: { type: string } } }
      responses:
        "201":
          description: Accepted.
          content:
            application/json:
              schema: { type: object, properties: { id: { type: string }, status: { type: string } } }
`;

/** The generated client's surface this benchmark uses. */
export interface SoakClient {
  getItem(params: { path: { id: string } }, options?: { signal?: AbortSignal }): Promise<unknown>;
  createOrder(params: { body: { id: string } }, options?: { signal?: AbortSignal }): Promise<unknown>;
  describe(): { endpoints: readonly string[]; policy: unknown };
  close(): Promise<void>;
}

export interface Generated {
  dir: string;
  createClient: (options: { env: Record<string, string | undefined> }) => SoakClient;
  /** The policy block `svcgen gen` baked in, for the report. */
  policy: unknown;
  cleanup: () => void;
}

export async function generateClient(ports: readonly number[]): Promise<Generated> {
  const dir = mkdtempSync(path.join(tmpdir(), "svcgen-soak-"));
  const cleanup = (): void => {
    // The node_modules link first, on its own, so nothing could ever walk into the checkout's node_modules.
    rmSync(path.join(dir, "node_modules"), { force: true });
    rmSync(dir, { recursive: true, force: true });
  };
  // Registered at once: an interrupt during gen or the import below must not leave the scratch directory behind.
  process.once("exit", cleanup);
  try {
    mkdirSync(path.join(dir, "specs"));
    writeFileSync(path.join(dir, "specs/items.yaml"), SPEC);
    const endpoints = ports.map((p) => `"http://127.0.0.1:${p}"`).join(", ");
    writeFileSync(
      path.join(dir, "services.toml"),
      `[service]\nname = "soak-bench"\n\n[external_services.items_service]\nurl = "http://items-api:8080"\nopenapi = "specs/items.yaml"\ndiscovery = "static"\nendpoints = [${endpoints}]\n`,
    );
    // The generated runtime imports undici: resolve it (and tsx's transforms) from this checkout's node_modules.
    symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
    const out = path.join(dir, "generated");
    const gen = spawnSync(
      process.execPath,
      ["--import", "tsx", path.join(ROOT, "src/cli/main.ts"), "gen", "--config", path.join(dir, "services.toml"), "--out", out],
      { cwd: ROOT, encoding: "utf8", timeout: 120_000 },
    );
    if (gen.status !== 0) throw new Error(`svcgen gen failed (${gen.status ?? gen.signal}):\n${gen.stdout}${gen.stderr}`);
    const mod = (await import(pathToFileURL(path.join(out, "clients/items_service/index.ts")).href)) as {
      createItemsServiceClient: Generated["createClient"];
      itemsServiceDefinition: { policy: unknown };
    };
    return { dir, createClient: mod.createItemsServiceClient, policy: mod.itemsServiceDefinition.policy, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}
