// ServiceDefinition / OperationDefinition builders for tests, as the generator would emit them.
import type { OperationDefinition, PolicySettings, RetrySettings, ServiceDefinition } from "../../../src/runtime/types.js";

export const retryDefaults: RetrySettings = {
  maxAttempts: 3,
  initialBackoffMs: 100,
  maxBackoffMs: 2000,
  jitter: "full",
  retryOnConnect: true,
  retryOnTimeout: true,
  retryOnStatus: [429, 502, 503, 504],
  budgetRatio: 0.2,
};

export const policyDefaults: PolicySettings = {
  timeoutMs: 10_000,
  connectTimeoutMs: 2_000,
  retry: retryDefaults,
  circuitBreaker: { enabled: true, mode: "consecutive", failureThreshold: 5, openMs: 30_000, halfOpenRequests: 1 },
  loadBalancer: "round_robin",
};

export interface ServiceOverrides {
  readonly name?: string;
  readonly policy?: Partial<PolicySettings>;
  readonly retry?: Partial<RetrySettings>;
  readonly basePath?: string;
  readonly endpoints?: readonly { scheme: "http" | "https"; host: string; port: number }[];
  readonly namespace?: string;
  /** Replaces the discovery block (headless tests). */
  readonly discovery?: Partial<ServiceDefinition["discovery"]>;
}

/** A service at `origin` (e.g. `http://127.0.0.1:1234`). */
export function service(origin: string, o: ServiceOverrides = {}): ServiceDefinition {
  const url = new URL(origin);
  const basePath = o.basePath ?? "";
  return {
    name: o.name ?? "users_service",
    url: origin + basePath,
    scheme: url.protocol === "https:" ? "https" : "http",
    host: url.hostname,
    port: Number(url.port || (url.protocol === "https:" ? 443 : 80)),
    basePath,
    ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
    discovery: {
      ...(o.endpoints ? { kind: "static" as const, endpoints: o.endpoints, dnsServers: [] } : { kind: "dns" as const, endpoints: [], dnsServers: [] }),
      ...o.discovery,
    },
    policy: { ...policyDefaults, ...o.policy, retry: { ...retryDefaults, ...o.policy?.retry, ...o.retry } },
    healthPath: "/health",
    readyPath: "/ready",
  };
}

export function op(id: string, method: string, path: string, extra: Partial<OperationDefinition> = {}): OperationDefinition {
  return { id, method, path, idempotent: ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"].includes(method), params: [], response: "json", ...extra };
}
