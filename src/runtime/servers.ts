// Operations with their own server (OperationDefinition.server: OpenAPI path- or operation-level `servers`, as the
// generator resolved them). Where such an operation goes:
//   - An absolute URL: its origin, one fixed endpoint (no balancer or discovery of the service's), with its own
//     breaker, and its path prefix. The service's Host override (pod addresses, base-url.ts) is not sent there.
//   - A relative one (`/v2`): the service's endpoints, balancer and Host, with that prefix, resolved against the
//     service's base URL as a browser resolves a link (`/v2` replaces the base path, `v2` is appended to it).
// ClientOptions.servers replaces a server by the spec's URL (trailing slashes do not matter); a key that names no
// server of the definition's list is a ConfigError at creation, so a typo cannot send uploads to the real host.
// Everything is resolved once, when the client is created (a hand-made definition's unlisted server: on first use).
import { parseHttpUrl } from "./base-url.js";
import type { ResolvedBase } from "./base-url.js";
import { createBreaker } from "./breaker.js";
import type { BreakerListener, CircuitBreaker } from "./breaker.js";
import { endpointOf } from "./endpoints.js";
import type { Endpoint } from "./endpoints.js";
import { ConfigError } from "./errors.js";
import type { OperationServerDescription, ServiceDefinition } from "./types.js";

/** An absolute operation server: every attempt goes to this one endpoint, judged by its own breaker. */
export interface FixedEndpoint {
  readonly endpoint: Endpoint;
  readonly breaker: CircuitBreaker | undefined;
}

export interface ServerTarget {
  /** Path prefix put before the operation's path, no trailing slash ("" when none). */
  readonly basePath: string;
  /** Undefined for a server relative to the base URL: the service's own endpoints carry it. */
  readonly fixed: FixedEndpoint | undefined;
  readonly description: OperationServerDescription;
}

export interface ServersOptions {
  readonly def: ServiceDefinition;
  readonly base: ResolvedBase;
  readonly overrides: Readonly<Record<string, string>> | undefined;
  /** Breaker transitions of an operation server's origin (the client's `breaker` events). */
  readonly breakerListener: (origin: string) => BreakerListener;
}

/** `https://files.stripe.com/` and `https://files.stripe.com` are one server. */
function keyOf(url: string): string {
  const trimmed = url.replace(/\/+$/, "");
  return trimmed === "" ? "/" : trimmed;
}

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:/i;

export class OperationServers {
  readonly #targets = new Map<string, ServerTarget>();
  /** One endpoint and breaker per origin, however many servers share it. */
  readonly #fixed = new Map<string, FixedEndpoint>();
  readonly #overrides = new Map<string, string>();
  readonly #options: ServersOptions;

  constructor(options: ServersOptions) {
    this.#options = options;
    const { def, overrides } = options;
    const listed = def.servers ?? [];
    const known = new Set(listed.map((s) => keyOf(s.url)));
    if (overrides !== undefined) {
      for (const name of Object.keys(overrides)) {
        const key = keyOf(name);
        if (!known.has(key)) {
          const which = known.size === 0 ? "none of its operations has its own server" : `its operations' servers are ${[...known].map((k) => JSON.stringify(k)).join(", ")}`;
          throw new ConfigError(`ClientOptions.servers names ${JSON.stringify(name)}, which no operation of ${def.name} uses (${which})`, undefined, { service: def.name });
        }
        this.#overrides.set(key, overrides[name]!);
      }
    }
    for (const s of listed) this.#resolve(s.url, s.operations);
  }

  /** Where operations with `server` go (resolved once per server). */
  target(server: string): ServerTarget {
    return this.#targets.get(server) ?? this.#resolve(server, []);
  }

  /** describe().servers: sorted by the spec's URL; undefined when the definition lists none. */
  describe(): OperationServerDescription[] | undefined {
    const listed = this.#options.def.servers;
    if (listed === undefined || listed.length === 0) return undefined;
    return listed.map((s) => this.target(s.url).description).sort((a, b) => (a.specUrl < b.specUrl ? -1 : a.specUrl > b.specUrl ? 1 : 0));
  }

  #resolve(server: string, operations: readonly string[]): ServerTarget {
    const { def, base } = this.#options;
    const key = keyOf(server);
    const override = this.#overrides.get(key);
    const value = override ?? server;
    const what = override !== undefined ? `ClientOptions.servers[${JSON.stringify(server)}]` : `the server ${JSON.stringify(server)} of ${def.name}`;
    let target: ServerTarget;
    const describe = (url: string): OperationServerDescription => ({ specUrl: key, url, source: override !== undefined ? "option" : "spec", operations: [...operations].sort() });
    if (ABSOLUTE.test(value)) {
      const url = parseHttpUrl(value, what);
      const basePath = url.pathname.replace(/\/+$/, "");
      const endpoint = endpointOf(url, 0);
      let fixed = this.#fixed.get(endpoint.origin);
      if (fixed === undefined) {
        fixed = { endpoint, breaker: createBreaker(def.policy.circuitBreaker, this.#options.breakerListener(endpoint.origin)) };
        this.#fixed.set(endpoint.origin, fixed);
      }
      target = { basePath, fixed, description: describe(`${url.protocol}//${url.host}${basePath}`) };
    } else {
      if (value.startsWith("//") || /[?#\\]/.test(value)) throw new ConfigError(`${what} must be an http(s) URL or a path, got ${JSON.stringify(value)}`, undefined, { service: def.name });
      const url = new URL(value, `${base.baseUrl}/`);
      const basePath = url.pathname.replace(/\/+$/, "");
      target = { basePath, fixed: undefined, description: describe(`${url.protocol}//${url.host}${basePath}`) };
    }
    this.#targets.set(server, target);
    return target;
  }
}
