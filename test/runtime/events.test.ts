// Events reach node:diagnostics_channel subscribers and the onEvent hooks; nothing is built when nobody listens.
import { afterEach, describe, expect, it } from "vitest";
import diagnosticsChannel from "node:diagnostics_channel";
import { channelName, EVENT_TYPES } from "../../src/runtime/index.js";
import { EventSink } from "../../src/runtime/events.js";
import type { ClientEvent } from "../../src/runtime/index.js";
import { op, service } from "./support/service.js";
import { scripted, status } from "./support/scripted.js";

const unsubscribe: (() => void)[] = [];
afterEach(() => {
  for (const u of unsubscribe.splice(0)) u();
});

function subscribe(name: string, into: unknown[]): void {
  const fn = (message: unknown): void => void into.push(message);
  diagnosticsChannel.subscribe(name, fn);
  unsubscribe.push(() => diagnosticsChannel.unsubscribe(name, fn));
}

describe("events", () => {
  it("channel names are svcgen:<type>", () => {
    expect(EVENT_TYPES.map(channelName)).toEqual([
      "svcgen:attempt",
      "svcgen:retry",
      "svcgen:rotation",
      "svcgen:breaker",
      "svcgen:endpoint_ejected",
      "svcgen:budget_exhausted",
      "svcgen:endpoints_changed",
      "svcgen:discovery_failed",
      "svcgen:balancer_fallback",
      "svcgen:endpoint_restored",
      "svcgen:auth_refresh",
    ]);
  });

  it("publishes attempts and retries on diagnostics channels", async () => {
    const attempts: ClientEvent[] = [];
    const retries: ClientEvent[] = [];
    subscribe("svcgen:attempt", attempts);
    subscribe("svcgen:retry", retries);
    const def = service("http://svc.test:80", { retry: { jitter: "none" } });
    const s = scripted(def, (_x, n) => status(n === 1 ? 503 : 200));
    await s.clock.run(s.client.call(op("get", "GET", "/"), undefined));
    expect(attempts.map((e) => [e.type, e.service, e["operation"], e["attempt"], e["outcome"]])).toEqual([
      ["attempt", "users_service", "get", 1, { kind: "status", status: 503 }],
      ["attempt", "users_service", "get", 2, { kind: "status", status: 200 }],
    ]);
    expect(retries).toEqual([{ type: "retry", service: "users_service", operation: "get", reason: { kind: "status", status: 503 }, attempt: 2, pauseMs: 100, endpoint: "http://svc.test:80" }]);
  });

  it("calls the client hook before the call's own hook", async () => {
    const order: string[] = [];
    const def = service("http://svc.test:80");
    const s = scripted(def, () => status(200), { onEvent: (e) => order.push(`client:${e.type}`) });
    await s.clock.run(s.client.call(op("get", "GET", "/"), undefined, { onEvent: (e) => order.push(`call:${e.type}`) }));
    expect(order).toEqual(["client:attempt", "call:attempt"]);
  });

  it("a throwing hook does not change the call's outcome", async () => {
    const s = scripted(service("http://svc.test:80"), () => status(200), { onEvent: () => { throw new Error("observer bug"); } });
    await expect(s.clock.run(s.client.call(op("get", "GET", "/"), undefined))).resolves.toBeUndefined();
  });

  it("wants() is false when nobody listens, so no event is built", () => {
    const sink = new EventSink("svc", undefined);
    for (const type of EVENT_TYPES) expect(sink.wants(type)).toBe(false);
    const seen: unknown[] = [];
    subscribe("svcgen:breaker", seen);
    expect(sink.wants("breaker")).toBe(true);
    expect(sink.wants("attempt")).toBe(false);
  });
});
