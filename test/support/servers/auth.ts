// A real server for examples/specs/auth.yaml (the example's auth_service).
//
//   POST /v1/tokens/validate  200 TokenInfo for `Authorization: Bearer <VALID_TOKEN>` (body optional; an `audience`
//                             other than "order-api" is refused); 401 Error {code: "token_invalid" | "wrong_audience"}
//   GET  /v1/keys             200 JWKS (JWKS below), Cache-Control: max-age=300
//   GET  /health              200 {"status":"ok"};  GET /ready  200 text "ready"
//   anything else             404 Error {code: "no_route"} (405 when only the method is wrong)
import { header, json, readJson, router, startServer, text } from "./http.js";
import type { Reply, Route, RunningServer, ServerOptions } from "./http.js";

export const VALID_TOKEN = "good-token";
export const TOKEN_INFO = {
  valid: true,
  subject: "11111111-1111-4111-8111-111111111111",
  tenant_id: null,
  scopes: ["orders:read", "orders:write"],
  expires_at: "2030-01-01T00:00:00Z",
} as const;
export const JWKS = {
  keys: [
    { kty: "RSA", kid: "2024-01", use: "sig", alg: "RS256", n: "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw", e: "AQAB", crv: null, x: null, y: null },
    { kty: "EC", kid: "2024-02", use: "sig", alg: "ES256", crv: "P-256", x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0" },
  ],
} as const;

function error(status: number, code: string, message: string): Reply {
  return json(status, { code, message, request_id: null });
}

const routes: Route[] = [
  {
    method: "POST",
    pattern: "/v1/tokens/validate",
    handle: (request) => {
      if (header(request, "authorization") !== `Bearer ${VALID_TOKEN}`) {
        return error(401, "token_invalid", "missing, malformed, expired or revoked token");
      }
      const body = request.body.length === 0 ? {} : readJson(request);
      const audience = (body as { audience?: unknown } | undefined)?.audience;
      if (audience !== undefined && audience !== "order-api") {
        return error(401, "wrong_audience", `token was not issued for ${JSON.stringify(audience)}`);
      }
      return json(200, TOKEN_INFO);
    },
  },
  { method: "GET", pattern: "/v1/keys", handle: () => json(200, JWKS, { "cache-control": "max-age=300" }) },
  { method: "GET", pattern: "/health", handle: () => json(200, { status: "ok" }) },
  { method: "GET", pattern: "/ready", handle: () => text(200, "ready") },
];

const handler = router(routes, (request, status) => error(status, "no_route", `no route for ${request.method} ${request.path}`));

export async function startAuthServer(options: ServerOptions = {}): Promise<RunningServer> {
  return startServer(handler, options);
}
