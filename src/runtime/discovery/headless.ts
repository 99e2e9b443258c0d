// discovery = "headless": the pod addresses behind a headless Service, from DNS (node:dns Resolver, so the servers are
// configurable for tests and clusters, and nothing goes through the libuv threadpool).
//   - A and AAAA of `<name>.<ns>.svc.cluster.local` give the pod IPs; SRV `_<port>._tcp.<name>...` gives the named
//     port. When every SRV record carries the same port it applies to every address (the usual Deployment); when
//     ports differ, each SRV target is resolved on its own.
//   - Re-resolved every `refreshMs`, and soon after a connect error (coalesced: one query set in flight, at most one
//     per `minGapMs`). ENOTFOUND (NXDOMAIN: no ready pod) and ENODATA are answers: the set becomes empty and calls
//     fail fast. Any other failure (timeout, refused, SERVFAIL) keeps the last good set.
//   - Timers are unref'd and cleared on close(); close() also cancels queries in flight.
import { Resolver } from "node:dns/promises";
import { ConfigError } from "../errors.js";
import { endpointAt } from "../endpoints.js";
import type { HeadlessTarget } from "../base-url.js";
import type { Clock } from "../clock.js";
import type { Endpoint } from "../endpoints.js";
import type { EventSink } from "../events.js";
import type { EndpointSet, SetProblem } from "./set.js";

export const DEFAULT_REFRESH_MS = 10_000;

export interface HeadlessOptions {
  readonly service: string;
  readonly target: HeadlessTarget;
  /** `host:port` (or a bare address); empty: the system's resolv.conf servers. */
  readonly servers: readonly string[];
  readonly refreshMs: number;
  /** Per-query timeout (c-ares retries once more after it). */
  readonly queryTimeoutMs: number;
  readonly clock: Clock;
  readonly set: EndpointSet;
  readonly events: EventSink;
}

type Answer<T> = { readonly ok: true; readonly value: readonly T[] } | { readonly ok: false; readonly empty: boolean; readonly code: string; readonly message: string };

/** Codes that are answers ("no such name", "no such record"), not failures. */
const EMPTY_CODES = new Set(["ENOTFOUND", "ENODATA"]);

function answer<T>(query: Promise<T[]>): Promise<Answer<T>> {
  return query.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => {
      const code = String((error as { code?: unknown }).code ?? "EUNKNOWN");
      return { ok: false, empty: EMPTY_CODES.has(code), code, message: String((error as { message?: unknown }).message ?? error) };
    },
  );
}

function valuesOf<T>(a: Answer<T>): readonly T[] {
  return a.ok ? a.value : [];
}

function failureOf(answers: readonly Answer<unknown>[]): { code: string; message: string } | undefined {
  for (const a of answers) if (!a.ok && !a.empty) return { code: a.code, message: a.message };
  return undefined;
}

function unref(handle: unknown): void {
  (handle as { unref?: () => void } | null)?.unref?.();
}

type Lookup = { readonly kind: "answer"; readonly endpoints: Endpoint[]; readonly empty: SetProblem } | { readonly kind: "failed"; readonly code: string; readonly message: string };

export class HeadlessDiscovery {
  readonly #o: HeadlessOptions;
  readonly #resolver: Resolver;
  readonly #minGapMs: number;
  #inFlight: Promise<void> | undefined;
  #periodic: unknown;
  #soon: unknown;
  #lastStart = -Infinity;
  #closed = false;
  /** The last refresh's failure while the last good set is kept; undefined after a good answer. */
  lastError: string | undefined;

  constructor(options: HeadlessOptions) {
    this.#o = options;
    this.#minGapMs = Math.min(1000, options.refreshMs);
    this.#resolver = new Resolver({ timeout: options.queryTimeoutMs, tries: 2 });
    if (options.servers.length > 0) {
      try {
        this.#resolver.setServers([...options.servers]);
      } catch (cause) {
        throw new ConfigError(`dns_servers must be "host:port" addresses, got ${JSON.stringify(options.servers)}`, undefined, { service: options.service, cause });
      }
    }
  }

  start(): void {
    void this.refresh();
  }

  /** Resolves now, or joins the resolution in flight. Never rejects. */
  refresh(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#inFlight !== undefined) return this.#inFlight;
    this.#lastStart = this.#o.clock.now();
    this.#clear();
    const run = this.#lookup().then(
      (found) => this.#apply(found),
      (error: unknown) => this.#apply({ kind: "failed", code: "EUNKNOWN", message: String(error) }),
    );
    this.#inFlight = run.finally(() => {
      this.#inFlight = undefined;
      if (!this.#closed) this.#schedule(this.#o.refreshMs);
    });
    return this.#inFlight;
  }

  /** After a connect error (or a call finding no endpoint): refresh soon, at most once per minGapMs. */
  refreshSoon(): void {
    if (this.#closed || this.#inFlight !== undefined || this.#soon !== undefined) return;
    const wait = this.#lastStart + this.#minGapMs - this.#o.clock.now();
    if (wait <= 0) {
      void this.refresh();
      return;
    }
    this.#soon = this.#o.clock.setTimer(() => {
      this.#soon = undefined;
      void this.refresh();
    }, wait);
    unref(this.#soon);
  }

  close(): void {
    this.#closed = true;
    this.#clear();
    this.#resolver.cancel();
  }

  #clear(): void {
    if (this.#periodic !== undefined) this.#o.clock.clearTimer(this.#periodic);
    if (this.#soon !== undefined) this.#o.clock.clearTimer(this.#soon);
    this.#periodic = undefined;
    this.#soon = undefined;
  }

  #schedule(ms: number): void {
    this.#clear();
    this.#periodic = this.#o.clock.setTimer(() => {
      this.#periodic = undefined;
      void this.refresh();
    }, ms);
    unref(this.#periodic);
  }

  #apply(found: Lookup): void {
    if (this.#closed) return;
    const { set, events, target } = this.#o;
    if (found.kind === "answer") {
      this.lastError = undefined;
      set.replace(found.endpoints, found.empty);
      return;
    }
    this.lastError = `${found.code}: ${found.message}`;
    if (events.wants("discovery_failed")) {
      events.emit("discovery_failed", { type: "discovery_failed", service: this.#o.service, dnsName: target.dnsName, code: found.code, message: found.message, keeping: set.endpoints.length });
    }
    set.failed({ reason: "dns_error", detail: `DNS could not resolve ${target.dnsName} (${found.code})`, dnsName: target.dnsName, dnsCode: found.code });
  }

  async #lookup(): Promise<Lookup> {
    const r = this.#resolver;
    const { dnsName, srvName, scheme, port } = this.#o.target;
    const [a, aaaa, srv] = await Promise.all([answer(r.resolve4(dnsName)), answer(r.resolve6(dnsName)), answer(r.resolveSrv(srvName))]);
    const failure = failureOf([a, aaaa, srv]);
    if (failure !== undefined) return { kind: "failed", ...failure };

    const addresses = [...valuesOf(a), ...valuesOf(aaaa)];
    const records = valuesOf(srv);
    const pairs: [string, number][] = [];
    const ports = new Set(records.map((rec) => rec.port));
    if (records.length > 0 && (ports.size > 1 || addresses.length === 0)) {
      // Pods listen on different ports: each SRV target is a pod name; resolve it to its own addresses.
      const targets = [...new Set(records.map((rec) => rec.name.toLowerCase()))];
      const resolved = await Promise.all(targets.map((t) => Promise.all([answer(r.resolve4(t)), answer(r.resolve6(t))])));
      const targetFailure = failureOf(resolved.flat());
      if (targetFailure !== undefined) return { kind: "failed", ...targetFailure };
      const byTarget = new Map(targets.map((t, i) => [t, [...valuesOf(resolved[i]![0]), ...valuesOf(resolved[i]![1])]] as const));
      for (const rec of records) for (const ip of byTarget.get(rec.name.toLowerCase()) ?? []) pairs.push([ip, rec.port]);
    } else {
      const p = records.length > 0 ? records[0]!.port : port;
      for (const ip of addresses) pairs.push([ip, p]);
    }

    const unique = new Map<string, [string, number]>();
    for (const [ip, p] of pairs) unique.set(endpointAt(scheme, ip, p, 0).origin, [ip, p]);
    const endpoints = [...unique.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)).map((origin, index) => {
      const [ip, p] = unique.get(origin)!;
      return endpointAt(scheme, ip, p, index);
    });
    const notFound = !a.ok && a.code === "ENOTFOUND" && !aaaa.ok && aaaa.code === "ENOTFOUND";
    const empty: SetProblem = notFound
      ? { reason: "not_found", detail: `${dnsName} does not exist (DNS NXDOMAIN): the headless Service has no ready pod`, dnsName, dnsCode: "ENOTFOUND" }
      : { reason: "no_records", detail: `${dnsName} has no A/AAAA records (no ready pod)`, dnsName, dnsCode: "ENODATA" };
    return { kind: "answer", endpoints, empty };
  }
}
