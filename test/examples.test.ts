// The committed example output (generated/, from examples/services.toml) against real servers for its three specs:
// what the README shows must work, and the servers must see exactly the requests the policies promise.
import { afterEach, describe, expect, it } from "vitest";
import { createAuthServiceClient, createPaymentsServiceClient, createUsersServiceClient } from "../generated/clients/index.js";
import { isHttpError } from "../generated/runtime/index.js";
import type { ResponseInfo } from "../generated/runtime/index.js";
import {
  AVATAR_PNG,
  DECLINED_TOKEN,
  NEW_CHARGE_ID,
  SEED_CHARGES,
  SEED_USERS,
  VALID_TOKEN,
  startAuthServer,
  startPaymentsServer,
  startUsersServer,
} from "./support/servers/examples.js";
import type { RunningServer, ServerOptions } from "./support/servers/examples.js";
import { header } from "./support/servers/http.js";

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});
async function started(start: (o: ServerOptions) => Promise<RunningServer>, options: ServerOptions = {}): Promise<RunningServer> {
  const server = await start(options);
  open.push(server);
  return server;
}
function track<T extends { close(): Promise<void> }>(client: T): T {
  open.push(client);
  return client;
}
const unavailable = { status: 503, headers: { "content-type": "application/json" }, body: '{"code":"overloaded"}' };

describe("users_service", () => {
  it("lists with exploded array queries, creates, reads, patches and deletes", async () => {
    const server = await started(startUsersServer);
    const users = track(createUsersServiceClient({ baseUrl: server.url, env: {} }));

    const page = await users.listUsers({ query: { ids: [SEED_USERS[0]!.id, SEED_USERS[1]!.id], limit: 5 } });
    expect(page.items.map((u) => u.id).sort()).toEqual([SEED_USERS[0]!.id, SEED_USERS[1]!.id].sort());
    const created = await users.createUser({ body: { email: "hopper@example.net", name: "Grace" } });
    const fetched = await users.getUser({ path: { id: created.id }, headers: { "x-user-id": created.id } });
    expect(fetched.email).toBe("hopper@example.net");
    const patched = await users.updateUser({ path: { id: created.id }, body: { nickname: "gh" } });
    expect(patched.nickname).toBe("gh");
    await expect(users.deleteUser({ path: { id: created.id } })).resolves.toBeUndefined();

    expect(server.seen.map((r) => `${r.method} ${r.path}${r.query ? `?${r.query}` : ""}`)).toEqual([
      `GET /v1/users?ids=${SEED_USERS[0]!.id}&ids=${SEED_USERS[1]!.id}&limit=5`,
      "POST /v1/users",
      `GET /v1/users/${created.id}`,
      `PATCH /v1/users/${created.id}`,
      `DELETE /v1/users/${created.id}`,
    ]);
    expect(header(server.seen[2]!, "x-user-id")).toBe(created.id);
    expect(header(server.seen[3]!, "content-type")).toMatch(/^application\/merge-patch\+json|^application\/json/);
  });

  it("uploads a multipart avatar and downloads it as bytes", async () => {
    const server = await started(startUsersServer);
    const users = track(createUsersServiceClient({ baseUrl: server.url, env: {} }));
    const id = SEED_USERS[1]!.id;
    const upload = await users.uploadAvatar({ path: { id }, body: { file: new Blob([AVATAR_PNG], { type: "image/png" }) } });
    expect(upload.bytes).toBe(AVATAR_PNG.byteLength);
    const bytes = await users.getAvatar({ path: { id } });
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(bytes).equals(Buffer.from(AVATAR_PNG))).toBe(true);
    expect(header(server.seen[0]!, "content-type")).toMatch(/^multipart\/form-data; boundary=/);
  });

  it("turns a 404 into an HttpError with the decoded error body, without retrying it", async () => {
    const server = await started(startUsersServer);
    const users = track(createUsersServiceClient({ baseUrl: server.url, env: {} }));
    const missing = "99999999-9999-4999-8999-999999999999";
    const error = await users.getUser({ path: { id: missing } }).catch((e: unknown) => e);
    expect(isHttpError(error)).toBe(true);
    if (!isHttpError(error)) throw error;
    expect(error.status).toBe(404);
    expect(error.body).toMatchObject({ code: "not_found" });
    expect(server.seen).toHaveLength(1);
  });

  it("retries a GET through a 503 (retry_on names it) and reports both attempts", async () => {
    const server = await started(startUsersServer, { intercept: (_r, i) => (i === 0 ? unavailable : undefined) });
    const users = track(createUsersServiceClient({ baseUrl: server.url, env: {} }));
    let info: ResponseInfo | undefined;
    const user = await users.getUser({ path: { id: SEED_USERS[0]!.id } }, { onResponse: (i) => (info = i) });
    expect(user.id).toBe(SEED_USERS[0]!.id);
    expect(server.seen.map((r) => r.method)).toEqual(["GET", "GET"]);
    expect(info?.attempts.map((a) => a.outcome)).toEqual([{ kind: "status", status: 503 }, { kind: "status", status: 200 }]);
  });
});

describe("payments_service", () => {
  it("retries a POST only when it carries an idempotency key, with the same key on every attempt", async () => {
    const server = await started(startPaymentsServer, {
      intercept: (r, i) => (r.method === "POST" && i <= 1 ? unavailable : undefined),
    });
    const payments = track(createPaymentsServiceClient({ baseUrl: server.url, env: {} }));
    const body = { amount: 1200, currency: "eur", customer_id: "cus_1", payment_method: { type: "card" as const, token: "tok_visa" } };

    const error = await payments.createCharge({ body }).catch((e: unknown) => e);
    expect(isHttpError(error) && error.status).toBe(503);
    expect(server.seen).toHaveLength(1);

    const charge = await payments.createCharge({ body }, { idempotencyKey: "order-42" });
    expect(charge.id).toBe(NEW_CHARGE_ID(1));
    expect(server.seen.slice(1).map((r) => [r.method, header(r, "idempotency-key")])).toEqual([
      ["POST", "order-42"],
      ["POST", "order-42"],
    ]);
  });

  it("sends deepObject queries and url-encoded forms, and reads text receipts", async () => {
    const server = await started(startPaymentsServer);
    const payments = track(createPaymentsServiceClient({ baseUrl: server.url, env: {} }));
    const list = await payments.listCharges({ query: { created: { gte: SEED_CHARGES[1]!.created }, limit: 10 } });
    const since = SEED_CHARGES[1]!.created;
    const newestFirst = SEED_CHARGES.filter((c) => c.created >= since).sort((a, b) => b.created - a.created);
    expect(list.data.map((c) => c.id)).toEqual(newestFirst.map((c) => c.id));
    const target = SEED_CHARGES.find((c) => c.status === "succeeded")!;
    const refund = await payments.refundCharge({ path: { charge_id: target.id }, body: { amount: 100 } });
    expect(refund.amount).toBe(100);
    const receipt = await payments.getChargeReceipt({ path: { charge_id: target.id } });
    expect(typeof receipt).toBe("string");
    expect(receipt).toContain(target.id);
    expect(decodeURIComponent(server.seen[0]!.query)).toBe(`created[gte]=${SEED_CHARGES[1]!.created}&limit=10`);
    expect(header(server.seen[1]!, "content-type")).toMatch(/^application\/x-www-form-urlencoded/);
    expect(server.seen[1]!.body.toString()).toBe("amount=100");
  });

  it("a declined card is a 402 HttpError, not retried", async () => {
    const server = await started(startPaymentsServer);
    const payments = track(createPaymentsServiceClient({ baseUrl: server.url, env: {} }));
    const body = { amount: 50, currency: "eur", customer_id: "cus_1", payment_method: { type: "card" as const, token: DECLINED_TOKEN } };
    const error = await payments.createCharge({ body }, { idempotencyKey: "k-1" }).catch((e: unknown) => e);
    expect(isHttpError(error) && [error.status, (error.body as { code?: string }).code]).toEqual([402, "card_declined"]);
    expect(server.seen).toHaveLength(1);
  });
});

describe("auth_service", () => {
  it("validates a bearer token sent as a call header, reads keys, answers health and ready", async () => {
    const server = await started(startAuthServer);
    const auth = track(createAuthServiceClient({ baseUrl: server.url, env: {} }));
    const info = await auth.validateToken(undefined, { headers: { authorization: `Bearer ${VALID_TOKEN}` } });
    expect(info).toMatchObject({ valid: true });
    const keys = await auth.getJwks();
    expect(Array.isArray(keys.keys)).toBe(true);
    await expect(auth.health()).resolves.toEqual({ status: "ok" });
    await expect(auth.ready()).resolves.toBe("ready");
    expect(server.seen.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /v1/tokens/validate", "GET /v1/keys", "GET /health", "GET /ready"]);
  });

  it("resolves its base URL from the Kubernetes variables and says why", async () => {
    const server = await started(startAuthServer);
    const port = new URL(server.url).port;
    const auth = track(createAuthServiceClient({ env: { AUTH_API_SERVICE_HOST: "127.0.0.1", AUTH_API_SERVICE_PORT: port } }));
    expect(auth.describe()).toMatchObject({ baseUrl: `http://127.0.0.1:${port}`, source: "env:AUTH_API_SERVICE_HOST" });
    await expect(auth.getJwks()).resolves.toBeTruthy();
    expect(server.seen).toHaveLength(1);
  });
});
