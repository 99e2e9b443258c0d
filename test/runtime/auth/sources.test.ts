// services.toml credential sources (ServiceDefinition.auth) against a real server: an environment variable, and a
// token file as a Kubernetes projected ServiceAccount token is (rewritten by the kubelet): used after a 401 at once,
// seen when it changes, read again at least every 60 s, all on the client's (virtual) clock.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createServiceClientWith, isCredentialError } from "../../../src/runtime/index.js";
import type { ClientOptions, ServiceClient, ServiceDefinition } from "../../../src/runtime/index.js";
import { SteppedClock } from "../../support/stepped-clock.js";
import { advance, authorizations, getMe, secured, tokenServer } from "./support.js";
import type { TokenServer } from "./support.js";

let server: TokenServer;
let dir: string;
beforeAll(async () => {
  server = await tokenServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "svcgen-auth-"));
});
afterAll(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
const clients: ServiceClient[] = [];
afterEach(async () => {
  server.accepted = null;
  for (const c of clients.splice(0)) await c.close();
});

function client(def: ServiceDefinition, options: ClientOptions = {}, clock = new SteppedClock()): ServiceClient {
  const c = createServiceClientWith(def, { env: {}, ...options }, { clock });
  clients.push(c);
  return c;
}

let files = 0;
function tokenFile(content: string): string {
  const file = path.join(dir, `token-${++files}`);
  fs.writeFileSync(file, content);
  return file;
}

describe("credential sources", () => {
  it("env: read from ClientOptions.env; unset is a CredentialError naming the variable, nothing sent", async () => {
    const def = secured(server.url, { auth: { bearerAuth: { env: "USERS_TOKEN" } } });
    const from = server.seen.length;
    await client(def, { env: { USERS_TOKEN: "from-env\n" } }).call(getMe, undefined);
    expect(authorizations(server, from)).toEqual(["Bearer from-env"]);
    const error = await client(def).call(getMe, undefined).catch((e: unknown) => e);
    expect(isCredentialError(error) && error.message).toBe('users_service.getMe: no credential for security scheme "bearerAuth": the environment variable USERS_TOKEN is not set; nothing was sent');
    expect(server.seen.length - from).toBe(1);
  });

  it("the client option wins over the services.toml source; describe() names source kinds only", () => {
    const def = secured(server.url, { auth: { bearerAuth: { env: "USERS_TOKEN" }, keyHeader: { file: "/var/run/secrets/key" }, basicAuth: { username: "u", passwordEnv: "PW" } } });
    const c = client(def, { auth: { keyHeader: "given" } });
    expect(c.describe().auth).toEqual({
      schemes: [
        { scheme: "basicAuth", kind: "basic", source: "env" },
        { scheme: "bearerAuth", kind: "bearer", source: "env" },
        { scheme: "keyCookie", kind: "apiKey", source: "none" },
        { scheme: "keyHeader", kind: "apiKey", source: "value" },
        { scheme: "keyQuery", kind: "apiKey", source: "none" },
        { scheme: "oauth", kind: "bearer", source: "none" },
      ],
    });
  });

  it("basic from a username and a password file", async () => {
    const def = secured(server.url, { security: [["basicAuth"]], auth: { basicAuth: { username: "svc", passwordFile: tokenFile("pa55\n") } } });
    const from = server.seen.length;
    await client(def).call(getMe, undefined);
    expect(authorizations(server, from)).toEqual([`Basic ${Buffer.from("svc:pa55").toString("base64")}`]);
  });

  it("file: a rotated token is read at once after a 401, and the request replayed with it", async () => {
    const file = tokenFile("old-token");
    const c = client(secured(server.url, { auth: { bearerAuth: { file } } }));
    server.accepted = new Set(["old-token"]);
    const from = server.seen.length;
    await c.call(getMe, undefined);
    fs.writeFileSync(file, "rotated-token-2\n");
    server.accepted = new Set(["rotated-token-2"]);
    await c.call(getMe, undefined);
    await c.call(getMe, undefined);
    expect(authorizations(server, from)).toEqual(["Bearer old-token", "Bearer old-token", "Bearer rotated-token-2", "Bearer rotated-token-2"]);
  });

  it("file: a change is seen within 5 s of use (a stat), and the file is read again at least every 60 s", async () => {
    const clock = new SteppedClock();
    const file = tokenFile("first");
    const c = client(secured(server.url, { auth: { bearerAuth: { file } } }), {}, clock);
    const from = server.seen.length;
    await c.call(getMe, undefined);
    const fixed = new Date("2030-01-01T00:00:00Z");
    fs.writeFileSync(file, "second-token");
    fs.utimesSync(file, fixed, fixed);
    await c.call(getMe, undefined); // within 5 s: the value held
    advance(clock, 5_000);
    await c.call(getMe, undefined); // changed (size, mtime): read again
    // Same size, same mtime: only the 60 s rule reads it again.
    fs.writeFileSync(file, "third--token");
    fs.utimesSync(file, fixed, fixed);
    advance(clock, 5_000);
    await c.call(getMe, undefined);
    advance(clock, 55_000);
    await c.call(getMe, undefined);
    expect(authorizations(server, from)).toEqual(["Bearer first", "Bearer first", "Bearer second-token", "Bearer second-token", "Bearer third--token"]);
  });

  it("file: missing is a CredentialError with the path, nothing sent", async () => {
    const file = path.join(dir, "missing");
    const from = server.seen.length;
    const error = await client(secured(server.url, { auth: { bearerAuth: { file } } })).call(getMe, undefined).catch((e: unknown) => e);
    expect(isCredentialError(error) && error.message).toBe(`users_service.getMe: no credential for security scheme "bearerAuth": the file ${file} could not be read (ENOENT); nothing was sent`);
    expect(server.seen.length).toBe(from);
  });
});
