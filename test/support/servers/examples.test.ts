// The example services' fixture servers must behave as their header comments say.
import { afterEach, describe, expect, it } from "vitest";
import {
  AVATAR_PNG,
  DECLINED_TOKEN,
  JWKS,
  NEW_CHARGE_ID,
  NEW_USER_ID,
  SEED_USERS,
  TOKEN_INFO,
  VALID_TOKEN,
  startAuthServer,
  startPaymentsServer,
  startUsersServer,
} from "./examples.js";
import type { RunningServer } from "./examples.js";

const open: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()));
});
async function start(starter: () => Promise<RunningServer>): Promise<string> {
  const server = await starter();
  open.push(server);
  return server.url;
}
const jsonHeaders = { "content-type": "application/json" };

describe("auth server", () => {
  it("validates only the known bearer token and audience", async () => {
    const url = await start(startAuthServer);
    const ok = await fetch(`${url}/v1/tokens/validate`, { method: "POST", headers: { authorization: `Bearer ${VALID_TOKEN}` } });
    expect(await ok.json()).toEqual(TOKEN_INFO);
    const bad = await fetch(`${url}/v1/tokens/validate`, { method: "POST", headers: { authorization: "Bearer nope" } });
    expect(bad.status).toBe(401);
    const audience = await fetch(`${url}/v1/tokens/validate`, { method: "POST", headers: { authorization: `Bearer ${VALID_TOKEN}`, ...jsonHeaders }, body: JSON.stringify({ audience: "other" }) });
    expect(((await audience.json()) as { code: string }).code).toBe("wrong_audience");
    const keys = await fetch(`${url}/v1/keys`);
    expect(keys.headers.get("cache-control")).toBe("max-age=300");
    expect(await keys.json()).toEqual(JWKS);
    expect(await (await fetch(`${url}/ready`)).text()).toBe("ready");
  });
});

describe("users server", () => {
  it("lists with limit, cursor, role and repeated ids", async () => {
    const url = await start(startUsersServer);
    const page = (await (await fetch(`${url}/v1/users?limit=2`)).json()) as { items: { id: string }[]; next_cursor: string | null };
    expect(page.items.map((u) => u.id)).toEqual([SEED_USERS[0]!.id, SEED_USERS[1]!.id]);
    const rest = (await (await fetch(`${url}/v1/users?limit=2&cursor=${page.next_cursor}`)).json()) as typeof page;
    expect(rest).toEqual({ items: [SEED_USERS[2]], next_cursor: null });
    const byRole = (await (await fetch(`${url}/v1/users?role=viewer`)).json()) as typeof page;
    expect(byRole.items.map((u) => u.id)).toEqual([SEED_USERS[2]!.id]);
    const byIds = (await (await fetch(`${url}/v1/users?ids=${SEED_USERS[1]!.id}&ids=${SEED_USERS[2]!.id}`)).json()) as typeof page;
    expect(byIds.items).toHaveLength(2);
    const joined = (await (await fetch(`${url}/v1/users?ids=${SEED_USERS[1]!.id},${SEED_USERS[2]!.id}`)).json()) as typeof page;
    expect(joined.items).toHaveLength(0);
    expect((await fetch(`${url}/v1/users?role=root`)).status).toBe(400);
  });

  it("creates, patches, uploads an avatar and deletes", async () => {
    const url = await start(startUsersServer);
    const created = await fetch(`${url}/v1/users`, { method: "POST", headers: jsonHeaders, body: JSON.stringify({ email: "new@example.com", name: "New" }) });
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe(`/v1/users/${NEW_USER_ID(1)}`);
    expect((await fetch(`${url}/v1/users`, { method: "POST", headers: jsonHeaders, body: JSON.stringify({ email: "new@example.com", name: "Again" }) })).status).toBe(409);
    expect((await fetch(`${url}/v1/users`, { method: "POST", headers: jsonHeaders, body: JSON.stringify({ name: "No email" }) })).status).toBe(422);

    const patched = await fetch(`${url}/v1/users/${NEW_USER_ID(1)}`, { method: "PATCH", headers: { "content-type": "application/merge-patch+json" }, body: JSON.stringify({ nickname: "nick", role: "admin" }) });
    expect(await patched.json()).toMatchObject({ nickname: "nick", role: "admin", name: "New" });
    const cleared = await fetch(`${url}/v1/users/${NEW_USER_ID(1)}`, { method: "PATCH", headers: jsonHeaders, body: JSON.stringify({ nickname: null }) });
    expect(((await cleared.json()) as { nickname: unknown }).nickname).toBeNull();
    expect((await fetch(`${url}/v1/users/${NEW_USER_ID(1)}`, { method: "PATCH", headers: { "content-type": "text/plain" }, body: "{}" })).status).toBe(415);

    const form = new FormData();
    form.append("file", new Blob([AVATAR_PNG], { type: "image/png" }), "a.png");
    const uploaded = await fetch(`${url}/v1/users/${NEW_USER_ID(1)}/avatar`, { method: "PUT", body: form });
    expect(await uploaded.json()).toEqual({ url: `/v1/users/${NEW_USER_ID(1)}/avatar`, bytes: AVATAR_PNG.length });
    const avatar = await fetch(`${url}/v1/users/${NEW_USER_ID(1)}/avatar`);
    expect(avatar.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await avatar.arrayBuffer())).toEqual(AVATAR_PNG);
    expect((await fetch(`${url}/v1/users/${SEED_USERS[1]!.id}/avatar`)).status).toBe(404);

    expect((await fetch(`${url}/v1/users/${NEW_USER_ID(1)}`, { method: "DELETE" })).status).toBe(204);
    expect((await fetch(`${url}/v1/users/${NEW_USER_ID(1)}`)).status).toBe(404);
  });
});

describe("payments server", () => {
  const charge = { amount: 1200, currency: "eur", customer_id: "cus_z", payment_method: { type: "card", token: "tok_visa" } };

  it("filters charges with deepObject bounds and rejects the form style", async () => {
    const url = await start(startPaymentsServer);
    const list = async (query: string): Promise<string[]> =>
      ((await (await fetch(`${url}/v1/charges?${query}`)).json()) as { data: { id: string }[] }).data.map((c) => c.id);
    expect(await list("created[gte]=1700050000")).toEqual(["ch_seed3", "ch_seed2"]);
    expect(await list("created%5Bgte%5D=1700000001&created%5Blt%5D=1700100000")).toEqual(["ch_seed2"]);
    expect((await fetch(`${url}/v1/charges?created=gte,1700050000`)).status).toBe(400);
  });

  it("charges once per idempotency key, declines, and conflicts on reuse", async () => {
    const url = await start(startPaymentsServer);
    const post = (body: unknown, key?: string): Promise<Response> =>
      fetch(`${url}/v1/charges`, { method: "POST", headers: { ...jsonHeaders, ...(key ? { "idempotency-key": key } : {}) }, body: JSON.stringify(body) });
    const first = await post(charge, "k1");
    const replay = await post(charge, "k1");
    expect(first.status).toBe(201);
    expect(await replay.json()).toEqual(await first.json());
    expect(((await (await fetch(`${url}/v1/charges?limit=100`)).json()) as { data: unknown[] }).data).toHaveLength(4);
    expect((await post({ ...charge, amount: 1 }, "k1")).status).toBe(409);
    const declined = await post({ ...charge, payment_method: { type: "card", token: DECLINED_TOKEN } });
    expect(declined.status).toBe(402);
    expect(await declined.json()).toMatchObject({ code: "card_declined", decline_code: "insufficient_funds" });
    expect((await post({ ...charge, payment_method: { type: "cash" } })).status).toBe(400);
  });

  it("refunds with a form body, then refuses when nothing is left, and prints a receipt", async () => {
    const url = await start(startPaymentsServer);
    const created = (await (await fetch(`${url}/v1/charges`, { method: "POST", headers: jsonHeaders, body: JSON.stringify(charge) })).json()) as { id: string };
    expect(created.id).toBe(NEW_CHARGE_ID(1));
    const refund = (amount?: number): Promise<Response> =>
      fetch(`${url}/v1/charges/${created.id}/refunds`, { method: "POST", body: new URLSearchParams(amount === undefined ? { reason: "duplicate" } : { amount: String(amount) }) });
    const partial = await refund(200);
    expect(await partial.json()).toEqual({ id: "re_1", charge_id: created.id, amount: 200, reason: null, status: "succeeded" });
    expect(((await (await refund()).json()) as { amount: number }).amount).toBe(1000);
    expect((await refund()).status).toBe(409);
    const receipt = await fetch(`${url}/v1/charges/${created.id}/receipt`);
    expect(receipt.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await receipt.text()).toBe(`Receipt for ${created.id}\nAmount: 12.00 EUR\nRefunded: 12.00 EUR\nStatus: refunded\n`);
    expect((await fetch(`${url}/v1/charges/ch_nope`)).status).toBe(404);
  });
});
