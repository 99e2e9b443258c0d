// Shared pieces of the auth tests: a service definition with the security schemes a spec would declare, and a real
// server that accepts only the tokens a test says, so assertions are on what the server saw.
import { header, json, startServer } from "../../support/servers/http.js";
import type { RunningServer, SeenRequest } from "../../support/servers/http.js";
import { op, service } from "../support/service.js";
import type { OperationDefinition, ServiceDefinition } from "../../../src/runtime/index.js";
import type { ServiceOverrides } from "../support/service.js";
import type { SteppedClock } from "../../support/stepped-clock.js";

export const SCHEMES: ServiceDefinition["securitySchemes"] = {
  bearerAuth: { kind: "bearer" },
  oauth: { kind: "bearer" },
  basicAuth: { kind: "basic" },
  keyHeader: { kind: "apiKey", in: "header", name: "X-API-Key" },
  keyQuery: { kind: "apiKey", in: "query", name: "api_key" },
  keyCookie: { kind: "apiKey", in: "cookie", name: "session" },
};

/** A service with the spec's schemes; root security: bearerAuth. */
export function secured(origin: string, extra: Partial<ServiceDefinition> = {}, o: ServiceOverrides = {}): ServiceDefinition {
  return { ...service(origin, o), securitySchemes: SCHEMES, security: [["bearerAuth"]], ...extra };
}

export const getMe: OperationDefinition = op("getMe", "GET", "/me");
export const health: OperationDefinition = op("publicInfo", "GET", "/public", { security: [] });
export const createThing: OperationDefinition = op("createThing", "POST", "/things", { body: { kind: "json", contentType: "application/json" } });

/** The server accepts a request whose Authorization is `Bearer <one of accepted>` (all requests when accepted is null). */
export interface TokenServer extends RunningServer {
  accepted: Set<string> | null;
}

export async function tokenServer(): Promise<TokenServer> {
  const state: { accepted: Set<string> | null } = { accepted: null };
  const server = await startServer((req: SeenRequest) => {
    if (state.accepted !== null) {
      const auth = header(req, "authorization") ?? "";
      if (!auth.startsWith("Bearer ") || !state.accepted.has(auth.slice(7))) return json(401, { error: "unauthorized" }, { "www-authenticate": 'Bearer error="invalid_token"' });
    }
    return json(200, { path: req.path, query: req.query });
  });
  // An accessor (Object.assign would copy the getter's value, not the property).
  return Object.defineProperty(server, "accepted", {
    get: () => state.accepted,
    set: (value: Set<string> | null) => (state.accepted = value),
  }) as TokenServer;
}

/** Authorization headers the server saw from index `from` on. */
export function authorizations(server: RunningServer, from = 0): (string | undefined)[] {
  return server.seen.slice(from).map((r) => header(r, "authorization"));
}

/** Moves `clock` on by `ms`, firing whatever timers fall due on the way (connection age, ...). */
export function advance(clock: SteppedClock, ms: number): void {
  let reached = false;
  clock.setTimer(() => (reached = true), ms);
  while (!reached) clock.fireNext();
}
