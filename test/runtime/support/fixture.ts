// endpoint-failover-v1.json, copied into test/fixtures/conformance (source and license in its README), and
// its mapping onto the runtime: a ServiceDefinition with static failover endpoints, an operation, call options.
import fs from "node:fs";
import path from "node:path";
import type { AttemptRecord, ClientEvent, OperationDefinition, ServiceDefinition } from "../../../src/runtime/types.js";
import { isIdempotentMethod } from "../../../src/runtime/vocabulary.js";
import { policyDefaults, retryDefaults } from "./service.js";

export type Reason = { kind: "status"; status: number } | { kind: "connect" } | { kind: "timeout" };
export type ScriptedResult = { kind: "status"; status: number; retry_after_s?: number } | { kind: "connect" } | { kind: "stall" } | { kind: "reset" };
export type Next = { kind: "now" } | { kind: "after"; pause_ms: number };
export interface ScriptedAttempt {
  endpoint: number;
  result: ScriptedResult;
  latency_ms?: number;
  next?: Next;
}
export type Observed = { kind: "rotation"; left: number; reason: Reason } | { kind: "retry"; endpoint: number; reason: Reason; attempt: number };
export interface Traced {
  endpoint: number;
  outcome: Reason;
  rotated: boolean;
}
export type Outcome =
  | { kind: "ok"; status: number; attempts: Traced[] }
  | { kind: "api"; status: number }
  | { kind: "transport"; reason: Reason }
  | { kind: "reset" }
  | { kind: "deadline_exceeded"; attempts: number }
  | { kind: "endpoints_exhausted"; attempts: Traced[]; last: { kind: "api"; status: number } | { kind: "transport"; reason: Reason }; proves_not_processed: boolean };
export interface FixtureCall {
  preferred_before: number;
  draws?: number[];
  attempts: ScriptedAttempt[];
  observed: Observed[];
  outcome: Outcome;
  preferred_after: number;
}
export interface Scenario {
  name: string;
  about: string;
  endpoints: number;
  concurrent?: boolean;
  attempt_timeout_ms?: number;
  policy: { max_attempts: number; base_delay_ms: number; max_delay_ms: number; jitter: "none" | "full"; deadline_ms: number | null };
  request: { method: string; retriable?: boolean; retry_on_status: number[]; accept_status?: number[] };
  calls: FixtureCall[];
}
export interface ValidationRow {
  name: string;
  base: string;
  failover: string[];
  endpoints?: string[];
  error?: Record<string, unknown>;
}
export interface Fixture {
  reasons: { reason: Reason; label: string; proves_not_processed: boolean }[];
  validation: ValidationRow[];
  scenarios: Scenario[];
}

const repoRoot = path.resolve(import.meta.dirname, "../../..");
export const fixturePath = path.resolve(repoRoot, "test/fixtures/conformance/endpoint-failover-v1.json");

export function loadFixture(): Fixture {
  return JSON.parse(fs.readFileSync(fixturePath, "utf8")) as Fixture;
}

/** The runtime definition for a scenario whose endpoint i lives at origins[i]. */
export function scenarioService(s: Scenario, origins: readonly string[]): ServiceDefinition {
  const endpoints = origins.map((o) => {
    const u = new URL(o);
    return { scheme: "http" as const, host: u.hostname, port: Number(u.port) };
  });
  const first = endpoints[0]!;
  return {
    name: "failover_service",
    url: origins[0]!,
    scheme: "http",
    host: first.host,
    port: first.port,
    basePath: "",
    discovery: { kind: "static", endpoints, dnsServers: [] },
    policy: {
      ...policyDefaults,
      timeoutMs: s.policy.deadline_ms ?? Infinity,
      ...(s.attempt_timeout_ms !== undefined ? { attemptTimeoutMs: s.attempt_timeout_ms } : {}),
      loadBalancer: "failover",
      retry: {
        ...retryDefaults,
        maxAttempts: s.policy.max_attempts,
        initialBackoffMs: s.policy.base_delay_ms,
        maxBackoffMs: s.policy.max_delay_ms,
        jitter: s.policy.jitter,
        retryOnStatus: s.request.retry_on_status,
      },
    },
    healthPath: "/health",
    readyPath: "/ready",
  };
}

/**
 * The operation as the generator bakes it: idempotent by its method (the fixture's rule) or marked `retriable: true`,
 * as `x-idempotent` would. The runtime trusts op.idempotent and never looks at the method again.
 */
export function scenarioOperation(s: Scenario): OperationDefinition {
  const idempotent = isIdempotentMethod(s.request.method) || s.request.retriable === true;
  return { id: "scripted", method: s.request.method, path: "/scripted", idempotent, params: [], response: "empty" };
}

export function observedOf(events: readonly ClientEvent[], index: (origin: string) => number): Observed[] {
  const out: Observed[] = [];
  for (const e of events) {
    if (e.type === "rotation") out.push({ kind: "rotation", left: index(e["left"] as string), reason: e["reason"] as Reason });
    if (e.type === "retry") out.push({ kind: "retry", endpoint: index(e["endpoint"] as string), reason: e["reason"] as Reason, attempt: e["attempt"] as number });
  }
  return out;
}

export function traced(records: readonly AttemptRecord[], index: (origin: string) => number): Traced[] {
  return records.map((r) => ({ endpoint: index(r.endpoint), outcome: r.outcome as Reason, rotated: r.rotated }));
}

export type CallResult = { ok: true; status: number; attempts: readonly AttemptRecord[] } | { ok: false; error: unknown };

/** The call's result in the fixture's outcome shape. */
export function outcomeOf(result: CallResult, index: (origin: string) => number): Outcome | { kind: "unexpected"; error: string } {
  if (result.ok) return { kind: "ok", status: result.status, attempts: traced(result.attempts.filter((r) => r.retriable), index) };
  const e = result.error as { code?: string; status?: number; attempts?: AttemptRecord[]; last?: { code?: string; status?: number }; notProcessed?: boolean };
  const plain = (x: { code?: string; status?: number } | undefined): { kind: "api"; status: number } | { kind: "transport"; reason: Reason } | undefined => {
    if (x?.code === "SVCGEN_HTTP") return { kind: "api", status: x.status! };
    if (x?.code === "SVCGEN_CONNECT") return { kind: "transport", reason: { kind: "connect" } };
    if (x?.code === "SVCGEN_TIMEOUT" || x?.code === "SVCGEN_DEADLINE") return { kind: "transport", reason: { kind: "timeout" } };
    return undefined;
  };
  switch (e?.code) {
    case "SVCGEN_ENDPOINTS_EXHAUSTED":
      return { kind: "endpoints_exhausted", attempts: traced(e.attempts!, index), last: plain(e.last) ?? { kind: "api", status: -1 }, proves_not_processed: e.notProcessed! };
    case "SVCGEN_RESET":
      return { kind: "reset" };
    case "SVCGEN_DEADLINE":
      if (e.attempts!.length === 0) return { kind: "deadline_exceeded", attempts: 0 };
      return plain(e) as Outcome;
    default: {
      const p = plain(e);
      if (p !== undefined) return p;
      return { kind: "unexpected", error: String(result.error) };
    }
  }
}
