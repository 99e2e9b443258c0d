// Credentials (issue 13): the shapes the generator emits, services.toml configures and callers pass. The runtime's
// auth layer (auth/layer.ts) reads them; nothing here holds a secret except Credential values given by the caller.

/**
 * How one security scheme's credential goes on the wire, from the spec's `components.securitySchemes` (for services
 * without a spec and for gRPC: the implied schemes `bearer` and `basic`).
 * - `bearer`: http `bearer`, `oauth2` and `openIdConnect`: `Authorization: Bearer <token>` (gRPC: metadata).
 * - `basic`: http `basic`: `Authorization: Basic base64(username:password)`.
 * - `apiKey`: the token as is, under `name`, in a header, a query parameter or a cookie.
 */
export type SecuritySchemeDefinition =
  | { readonly kind: "bearer" }
  | { readonly kind: "basic" }
  | { readonly kind: "apiKey"; readonly in: "header" | "query" | "cookie"; readonly name: string };

/**
 * A security requirement list: alternatives (OR), each a set of scheme names that must all be sent (AND). The call
 * sends the first alternative whose schemes all have a credential; `[]` (or only empty alternatives) sends none.
 */
export type SecurityRequirements = readonly (readonly string[])[];

/** What a TokenProvider returns: the token, optionally with when it expires (epoch ms). */
export type TokenResult = string | { readonly token: string; readonly expiresAt?: number };

/**
 * Called when a token is needed: its result is cached until shortly before `expiresAt` (a plain string: until a 401
 * invalidates it), and concurrent calls share one in-flight call.
 */
export type TokenProvider = () => TokenResult | Promise<TokenResult>;

export interface BasicCredential {
  readonly username: string;
  readonly password: string;
}

/** A credential for one scheme: a token or provider (bearer, apiKey) or a username and password (basic). */
export type Credential = string | TokenProvider | BasicCredential;

/** Credentials by scheme name (the spec's names; `bearer` / `basic` without a spec and for gRPC). */
export type AuthOptions = Readonly<Record<string, Credential | undefined>>;

/**
 * Where a credential comes from at run time, from services.toml `[external_services.<key>.auth.<scheme>]`: an
 * environment variable or a file (a Kubernetes projected ServiceAccount token, re-read when it changes, at least every
 * 60 s, and after a 401), or for basic a username with the password from either. Emitted in the definition: names
 * and paths only, never a secret.
 */
export type CredentialSource =
  | { readonly env: string }
  | { readonly file: string }
  | { readonly username: string; readonly passwordEnv?: string; readonly passwordFile?: string };

/** mTLS without a mesh, from services.toml `[external_services.<key>.tls]`: PEM files, re-read when they change. */
export interface TlsSettings {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  /** SNI and the name the server certificate must carry, when it differs from the host dialled. */
  readonly serverName?: string;
}

/** The `tls` client option: files as in services.toml (win over them), or PEM contents given directly. */
export interface TlsOptions extends TlsSettings {
  readonly ca?: string | Uint8Array;
  readonly cert?: string | Uint8Array;
  readonly key?: string | Uint8Array;
}
