// Where gRPC calls go: the Kubernetes service link of the named `grpc` port (the HTTP override and the Service's first
// port never apply), and headless discovery over a real DNS server (dns2 on 127.0.0.1) whose SRV records name each
// pod's gRPC port; calls are balanced per call over one connection per pod and follow the pod set as DNS changes.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAuthGrpcServer, paths, VALID_TOKEN } from "../../support/servers/grpc-auth.js";
import type { RunningGrpcServer } from "../../support/servers/grpc.js";
import { TestDns } from "../support/dns.js";
import { generateExample } from "./support.js";
import type { Generated } from "./support.js";
import type { GrpcServiceDefinition } from "../../../generated/runtime/grpc/index.js";
import type { ClientEvent } from "../../../generated/runtime/index.js";

let g: Generated;
beforeAll(async () => {
  g = await generateExample("grpc-discovery");
});

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function server(name: string): Promise<RunningGrpcServer> {
  const s = await startAuthGrpcServer(name);
  cleanup.push(() => s.close());
  return s;
}

/** Resolves once `check` holds, checked after every event and every 20 ms; fails after `ms`. */
async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error("condition not reached");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("Kubernetes service links", () => {
  it("use <HOST>_SERVICE_HOST with the named grpc port, never the HTTP override or the first port", async () => {
    const s = await server("k8s");
    const env = {
      AUTH_API_SERVICE_HOST: "127.0.0.1",
      AUTH_API_SERVICE_PORT: "1",
      AUTH_API_SERVICE_PORT_GRPC: String(s.port),
      AUTH_SERVICE_URL: "http://127.0.0.1:2",
    };
    const c = g.auth.createAuthServiceGrpcClient({ env });
    cleanup.push(() => c.close());
    expect(c.describe()).toMatchObject({ source: "env:AUTH_API_SERVICE_HOST", endpoints: [s.url] });
    expect((await c.authService.validateToken({ token: VALID_TOKEN })).valid).toBe(true);
    expect(s.count(paths.validate)).toBe(1);
  });
});

describe("headless discovery", () => {
  const NAME = "auth-api-headless.default.svc.cluster.local";

  it("balances per call over every pod from SRV _grpc._tcp, and follows DNS when a pod goes away", async () => {
    const dns = await TestDns.start();
    cleanup.push(() => dns.close());
    const a = await server("pod-a");
    const b = await server("pod-b");
    const publish = (pods: RunningGrpcServer[]): void => {
      dns.srv(`_grpc._tcp.${NAME}`, pods.map((p) => ({ target: `${p.name}.${NAME}`, port: p.port })));
      for (const p of pods) dns.address(`${p.name}.${NAME}`, ["127.0.0.1"]);
      dns.address(NAME, ["127.0.0.1"]);
    };
    publish([a, b]);
    const base = g.auth.authServiceGrpcDefinition as GrpcServiceDefinition;
    const def: GrpcServiceDefinition = {
      ...base,
      discovery: { ...base.discovery, kind: "headless", headlessName: "auth-api-headless", dnsServers: [dns.server], refreshMs: 100 },
    };
    const events: ClientEvent[] = [];
    const c = g.grpc.createGrpcServiceClient(def, { env: {}, onEvent: (e) => events.push(e) });
    cleanup.push(() => c.close());
    const validate = () => c.unary(g.auth.AuthService.method.validateToken, { token: VALID_TOKEN });

    for (let i = 0; i < 4; i++) expect((await validate()).valid).toBe(true);
    expect(c.describe().discovery).toMatchObject({ kind: "headless", dnsName: NAME, srvName: `_grpc._tcp.${NAME}` });
    expect([...c.describe().endpoints].sort()).toEqual([a.url, b.url].sort());
    expect([a.count(paths.validate), b.count(paths.validate)]).toEqual([2, 2]);
    // Calls dial the pods but carry the service's name, as they would through the Service.
    expect(new Set([...a.seen, ...b.seen].map((call) => call.authority))).toEqual(new Set(["auth-api.default.svc.cluster.local:8081"]));

    publish([b]);
    await until(() => events.some((e) => e.type === "endpoints_changed" && (e.removed as string[]).includes(a.url)));
    a.kill();
    for (let i = 0; i < 4; i++) expect((await validate()).valid).toBe(true);
    expect(a.count(paths.validate)).toBe(2);
    expect(b.count(paths.validate)).toBe(6);
  });
});

describe("headless discovery over TLS", () => {
  const NAME = "auth-api-headless.default.svc.cluster.local";
  const TLS_DIR = fileURLToPath(new URL("../../fixtures/tls/", import.meta.url));
  // A self-signed certificate for auth-api.default.svc.cluster.local only (not for 127.0.0.1).
  const tls = { key: readFileSync(path.join(TLS_DIR, "auth-api.key")), cert: readFileSync(path.join(TLS_DIR, "auth-api.crt")) };

  it("dials the pod address but verifies the certificate against the service's name, and sends it as :authority", async () => {
    const dns = await TestDns.start();
    cleanup.push(() => dns.close());
    const pod = await startAuthGrpcServer("pod-tls", tls);
    cleanup.push(() => pod.close());
    dns.srv(`_grpc._tcp.${NAME}`, [{ target: `pod-tls.${NAME}`, port: pod.port }]);
    dns.address(`pod-tls.${NAME}`, ["127.0.0.1"]);
    dns.address(NAME, ["127.0.0.1"]);
    const base = g.auth.authServiceGrpcDefinition as GrpcServiceDefinition;
    const def: GrpcServiceDefinition = {
      ...base,
      url: "https://auth-api:8081",
      scheme: "https",
      discovery: { ...base.discovery, kind: "headless", headlessName: "auth-api-headless", dnsServers: [dns.server], refreshMs: 100 },
    };
    const c = g.grpc.createGrpcServiceClient(def, { env: {}, nodeOptions: { ca: tls.cert } });
    cleanup.push(() => c.close());
    expect((await c.unary(g.auth.AuthService.method.validateToken, { token: VALID_TOKEN })).valid).toBe(true);
    expect(c.describe().endpoints).toEqual([`https://127.0.0.1:${pod.port}`]);
    expect(pod.seen.map((call) => [call.path, call.authority])).toEqual([[paths.validate, "auth-api.default.svc.cluster.local:8081"]]);
  });
});

describe("health_aware over grpc.health.v1", () => {
  it("probes each endpoint with Health/Check and sends no calls to one that is NOT_SERVING", async () => {
    const a = await server("sick");
    const b = await server("well");
    a.setHealth("", "NOT_SERVING");
    const base = g.auth.authServiceGrpcDefinition as GrpcServiceDefinition;
    const endpoints = [a, b].map((s) => ({ scheme: "http" as const, host: "127.0.0.1", port: s.port }));
    const def: GrpcServiceDefinition = { ...base, discovery: { ...base.discovery, kind: "static", endpoints }, policy: { ...base.policy, loadBalancer: "health_aware" } };
    const events: ClientEvent[] = [];
    const c = g.grpc.createGrpcServiceClient(def, { env: {}, onEvent: (e) => events.push(e), healthCheck: { intervalMs: 50, timeoutMs: 10_000, unhealthyThreshold: 1 } });
    cleanup.push(() => c.close());
    await until(() => events.some((e) => e.type === "endpoint_ejected" && e.endpoint === a.url));
    for (let i = 0; i < 4; i++) await c.unary(g.auth.AuthService.method.validateToken, { token: VALID_TOKEN });
    expect(a.count(paths.validate)).toBe(0);
    expect(b.count(paths.validate)).toBe(4);
    expect(c.describe().balancer).toBe("health_aware");
  });
});
