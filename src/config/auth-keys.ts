// The keys of `[external_services.<key>.auth.<scheme>]` and `[external_services.<key>.tls]` (issue 13), part of the
// one key table (keys.ts). Only the shape is checked here; whether a scheme name is one of the spec's schemes is
// decided when the service is resolved against its spec. Paths are kept as written: they are read at run time, in
// the pod (a projected ServiceAccount token, a cert-manager secret), not next to services.toml.
import type { TableSpec, ValueSpec } from "./key-spec.js";

const envName: ValueSpec = { kind: "string", format: "env-name" };
const path: ValueSpec = { kind: "string", format: "non-empty" };

/** One scheme's credential source: an environment variable, a file, or for basic a username and a password source. */
export const AUTH_SCHEME_TABLE: TableSpec = {
  kind: "table",
  rest: "error",
  rules: [
    { kind: "one-of", keys: ["env", "file", "username"] },
    { kind: "needs", key: "username", oneOf: ["password_env", "password_file"] },
  ],
  keys: {
    env: { value: envName, description: "Environment variable holding the token (bearer, oauth2, openIdConnect, apiKey)." },
    file: {
      value: path,
      description:
        "File holding the token, such as a Kubernetes projected ServiceAccount token; re-read when it changes, at " +
        "least every 60 s and after a 401. A relative path is taken from the working directory of the running client.",
    },
    username: { value: { kind: "string" }, description: "basic: the username; the password comes from password_env or password_file." },
    password_env: { value: envName, description: "basic: environment variable holding the password." },
    password_file: { value: path, description: "basic: file holding the password, re-read like file." },
  },
};

/** mTLS without a mesh: PEM files read by the client at run time and re-read when they change. */
export const TLS_TABLE: TableSpec = {
  kind: "table",
  rest: "error",
  rules: [{ kind: "together", keys: ["cert_file", "key_file"] }],
  keys: {
    ca_file: {
      value: path,
      description: "PEM file of the CA certificates the server's certificate must chain to (default: the system's).",
    },
    cert_file: { value: path, description: "PEM file of the client certificate (chain) presented to the server; needs key_file." },
    key_file: { value: path, description: "PEM file of the client certificate's private key; needs cert_file." },
    server_name: {
      value: { kind: "string", format: "dns-name" },
      description: "Name sent as SNI and checked against the server's certificate, when it differs from the URL's host.",
    },
  },
};
