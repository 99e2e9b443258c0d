// A real gRPC server for examples/protos/auth.proto (the example's auth_service on its grpc_port).
//
//   ValidateToken    TokenInfo for token VALID_TOKEN (audience "" or "order-api"), UNAUTHENTICATED otherwise; echoes
//                    `x-request-id` as response header and trailer; `x-served-by` header names the server.
//                    token "slow" never answers (the call ends by deadline or cancellation).
//   IssueToken       a new token `t-<n>` (counts what it issued: not idempotent).
//   ListKeys         SIGNING_KEYS, one message each.
//   RevokeTokens     revokes every token sent; unknown ones are counted apart.
//   RefreshSessions  answers each request with the session and an expiry.
// plus grpc.health.v1.Health (every service SERVING unless told otherwise).
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { REPO } from "../repo.js";
import { metadata, metadataOf, startGrpcServer } from "./grpc.js";
import type { RunningGrpcServer } from "./grpc.js";

export const AUTH_PROTO = path.join(REPO, "examples", "protos", "auth.proto");
export const AUTH_SERVICE = "auth.v1.AuthService";
export const VALID_TOKEN = "good-token";
export const SUBJECT = "11111111-1111-4111-8111-111111111111";
export const EXPIRES_AT_SECONDS = 1_893_456_000; // 2030-01-01T00:00:00Z
export const SIGNING_KEYS = [
  { kid: "2024-01", kty: "KEY_TYPE_RSA", alg: "RS256", rsa: { n: "sXchDaQebHnPiGvyDOAT4sa", e: "AQAB" }, not_before: "1704067200" },
  { kid: "2024-02", kty: "KEY_TYPE_EC", alg: "ES256", ec: { crv: "P-256", x: "f83OJ3D2xF1Bg8vub9tLe1g", y: "x_FEzRu9m36HLN_tue659LN" }, not_before: "9007199254740993" },
] as const;

export const paths = {
  validate: `/${AUTH_SERVICE}/ValidateToken`,
  issue: `/${AUTH_SERVICE}/IssueToken`,
  listKeys: `/${AUTH_SERVICE}/ListKeys`,
  revoke: `/${AUTH_SERVICE}/RevokeTokens`,
  refresh: `/${AUTH_SERVICE}/RefreshSessions`,
} as const;

type Req = Record<string, unknown>;

export async function startAuthGrpcServer(name?: string, tls?: { key: Buffer; cert: Buffer }): Promise<RunningGrpcServer> {
  let issued = 0;
  const known = new Set(["t-1", "t-2", "t-3"]);
  const server: { name: string } = { name: "" };
  const served = (md: Record<string, string> = {}): grpc.Metadata => metadata({ "x-served-by": server.name, ...md });
  const running = await startGrpcServer({
    protoFile: AUTH_PROTO,
    ...(name !== undefined ? { name } : {}),
    ...(tls !== undefined ? { tls } : {}),
    health: { [AUTH_SERVICE]: "SERVING" },
    handlers: {
      [AUTH_SERVICE]: {
        ValidateToken(call: grpc.ServerUnaryCall<Req, unknown>, callback: grpc.sendUnaryData<unknown>) {
          const request = call.request;
          if (request.token === "slow") {
            call.on("cancelled", () => undefined);
            return;
          }
          const requestId = metadataOf(call.metadata)["x-request-id"];
          const echo: Record<string, string> = requestId !== undefined ? { "x-request-id": requestId } : {};
          call.sendMetadata(served(echo));
          if (request.token !== VALID_TOKEN || (request.audience !== "" && request.audience !== "order-api")) {
            callback({ code: grpc.status.UNAUTHENTICATED, details: "token_invalid", metadata: metadata({ "x-reason": "token_invalid", ...echo }) });
            return;
          }
          const info = {
            valid: true,
            subject: SUBJECT,
            scopes: ["orders:read", "orders:write"],
            expires_at: { seconds: String(EXPIRES_AT_SECONDS), nanos: 0 },
            claims: { tier: "gold" },
          };
          callback(null, info, metadata(echo));
        },
        IssueToken(call: grpc.ServerUnaryCall<Req, unknown>, callback: grpc.sendUnaryData<unknown>) {
          issued++;
          known.add(`t-${issued}`);
          const ttl = BigInt(String(call.request.ttl_seconds));
          callback(null, { token: `t-${issued}`, expires_at: { seconds: String(BigInt(EXPIRES_AT_SECONDS) + ttl), nanos: 0 } });
        },
        ListKeys(call: grpc.ServerWritableStream<Req, unknown>) {
          for (const key of SIGNING_KEYS) call.write(key);
          call.end();
        },
        RevokeTokens(call: grpc.ServerReadableStream<Req, unknown>, callback: grpc.sendUnaryData<unknown>) {
          let revoked = 0;
          let unknown = 0;
          call.on("data", (m: Req) => {
            if (known.delete(String(m.token))) revoked++;
            else unknown++;
          });
          call.on("end", () => callback(null, { revoked, unknown }));
        },
        RefreshSessions(call: grpc.ServerDuplexStream<Req, unknown>) {
          call.on("data", (m: Req) => call.write({ session_id: m.session_id, expires_at: { seconds: String(EXPIRES_AT_SECONDS), nanos: 0 } }));
          call.on("end", () => call.end());
        },
      },
    },
  });
  server.name = running.name;
  return running;
}
