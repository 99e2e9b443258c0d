// A client's credentials: the security schemes it knows, one CredentialCell per scheme that has a credential (the
// client option wins over the services.toml source), and which schemes an operation sends. The rule (issue 13):
// an operation's requirement is `op.security ?? def.security ?? []`; the first alternative (OR) that is not empty
// and whose schemes all have a credential is sent, every scheme of it (AND); none: nothing is sent (a mesh, a
// gateway or the `headers` option may carry it). The call option `auth` wins per scheme. Selections without call
// options are computed once per requirement list.
import { ConfigError } from "../errors.js";
import { IMPLIED_SCHEME_KINDS, IMPLIED_SECURITY } from "../vocabulary.js";
import { CredentialCell } from "./cell.js";
import { SecretSet } from "./redact.js";
import { basicFetcher, envFetcher, fileFetcher, providerFetcher } from "./sources.js";
import type { Clock } from "../clock.js";
import type { AuthDescription, ServiceDefinition } from "../types.js";
import type { Fetcher, SourceKind, WireFormat } from "./cell.js";
import type { AuthOptions, BasicCredential, Credential, CredentialSource, SecurityRequirements, SecuritySchemeDefinition, TokenProvider } from "./types.js";

/** Where one scheme's credential goes on the wire. */
export interface Part {
  readonly cell: CredentialCell;
  readonly in: "header" | "query" | "cookie";
  /** Header (lower-case), query parameter or cookie name. */
  readonly name: string;
}

/** What one call sends: every scheme of the chosen alternative. */
export interface Selection {
  readonly parts: readonly Part[];
  /** Some part may be fetched again after a 401 (a provider, a file, an environment variable). */
  readonly refreshable: boolean;
}


/** Services without a spec, gRPC clients (and definitions from before issue 13): the implied `bearer` and `basic`. */
const IMPLIED_SCHEMES: Readonly<Record<string, SecuritySchemeDefinition>> = {
  bearer: { kind: IMPLIED_SCHEME_KINDS.bearer },
  basic: { kind: IMPLIED_SCHEME_KINDS.basic },
};

const bearer: WireFormat = (token) => `Bearer ${token}`;
const basic: WireFormat = (pair) => `Basic ${Buffer.from(pair, "utf8").toString("base64")}`;
const asIs: WireFormat = (key) => key;

function formatOf(scheme: SecuritySchemeDefinition): WireFormat {
  return scheme.kind === "bearer" ? bearer : scheme.kind === "basic" ? basic : asIs;
}

const NONE: Selection = { parts: [], refreshable: false };

export class ClientAuth {
  readonly service: string;
  readonly schemes: Readonly<Record<string, SecuritySchemeDefinition>>;
  readonly #security: SecurityRequirements | undefined;
  readonly #cells = new Map<string, CredentialCell>();
  readonly #selections = new WeakMap<SecurityRequirements, Selection>();
  readonly #providers = new WeakMap<TokenProvider, Map<string, CredentialCell>>();
  readonly #clock: Clock;
  readonly #declared: boolean;
  /** Every secret any cell held: what errors, events and traces are scrubbed of. */
  readonly secrets: SecretSet = new SecretSet();

  /**
   * `schemes`: "definition" takes the definition's (the implied ones when it declares none); "implied" always takes
   * `bearer`/`basic`, as a gRPC client does whatever its service's HTTP spec calls its schemes.
   */
  constructor(def: ServiceDefinition, options: AuthOptions | undefined, env: Readonly<Record<string, string | undefined>>, clock: Clock, schemes: "definition" | "implied" = "definition") {
    this.service = def.name;
    this.#clock = clock;
    const implied = schemes === "implied" || (def.securitySchemes === undefined && def.security === undefined);
    this.#declared = !implied;
    this.schemes = implied ? IMPLIED_SCHEMES : (def.securitySchemes ?? {});
    this.#security = implied ? IMPLIED_SECURITY : def.security;
    if (options !== undefined) this.#known(options, (message) => new ConfigError(message, undefined, { service: def.name }));
    for (const scheme of Object.keys(this.schemes)) {
      const given = options?.[scheme];
      const source = def.auth?.[scheme];
      const cell = given !== undefined ? this.#fromCredential(scheme, given) : source !== undefined ? this.#fromSource(scheme, source, env) : undefined;
      if (cell !== undefined) this.#cells.set(scheme, cell);
    }
  }

  /** describe() says something: the definition declares schemes, or a credential is configured. */
  get described(): boolean {
    return this.#declared || this.#cells.size > 0;
  }

  /** Any scheme could ever be sent: without one the client needs no auth layer. */
  get active(): boolean {
    return Object.keys(this.schemes).length > 0;
  }

  /** Names of apiKey schemes' headers and query parameters: dropped on a cross-origin redirect, redacted in URLs. */
  keyNames(where: "header" | "query"): string[] {
    const names: string[] = [];
    for (const s of Object.values(this.schemes)) if (s.kind === "apiKey" && s.in === where) names.push(where === "header" ? s.name.toLowerCase() : s.name);
    return names;
  }

  /** What `op` sends on this call; `callAuth` (CallOptions.auth) wins per scheme. */
  select(op: { readonly security?: SecurityRequirements | undefined }, callAuth: AuthOptions | undefined): Selection {
    if (callAuth === undefined && this.#cells.size === 0) return NONE;
    const requirements = op.security ?? this.#security;
    if (requirements === undefined || requirements.length === 0) return NONE;
    if (callAuth === undefined) {
      let selection = this.#selections.get(requirements);
      if (selection === undefined) this.#selections.set(requirements, (selection = this.#choose(requirements, undefined)));
      return selection;
    }
    return this.#choose(requirements, callAuth);
  }

  /**
   * A call's `auth` option: every scheme known and every credential of its scheme's shape, else ConfigError. Checked
   * before the call enters the chain, so select() never throws.
   */
  check(callAuth: AuthOptions): void {
    this.#known(callAuth, (message) => new ConfigError(message, undefined, { service: this.service }));
    for (const scheme of Object.keys(callAuth)) {
      const given = callAuth[scheme];
      if (given !== undefined) this.#shape(scheme, given);
    }
  }

  /** The requirement's schemes, for a 401's error ("accepts ..."). */
  requirements(op: { readonly security?: SecurityRequirements | undefined }): SecurityRequirements {
    return op.security ?? this.#security ?? [];
  }

  describe(): AuthDescription {
    return {
      schemes: Object.keys(this.schemes)
        .sort()
        .map((scheme) => ({ scheme, kind: this.schemes[scheme]!.kind, source: this.#cells.get(scheme)?.source ?? "none" })),
    };
  }

  #choose(requirements: SecurityRequirements, callAuth: AuthOptions | undefined): Selection {
    for (const alternative of requirements) {
      if (alternative.length === 0) continue;
      const parts: Part[] = [];
      for (const scheme of alternative) {
        const def = this.schemes[scheme];
        const given = callAuth?.[scheme];
        const cell = def === undefined ? undefined : given !== undefined ? this.#callCell(scheme, given) : this.#cells.get(scheme);
        if (def === undefined || cell === undefined) break;
        parts.push(def.kind === "apiKey" ? { cell, in: def.in, name: def.in === "header" ? def.name.toLowerCase() : def.name } : { cell, in: "header", name: "authorization" });
      }
      if (parts.length === alternative.length) return { parts, refreshable: parts.some((p) => p.cell.refreshable) };
    }
    return NONE;
  }

  #known(auth: AuthOptions, fail: (message: string) => Error): void {
    for (const scheme of Object.keys(auth)) {
      if (this.schemes[scheme] === undefined) {
        const names = Object.keys(this.schemes);
        throw fail(`auth: unknown security scheme "${scheme}"; ${names.length > 0 ? `the service's schemes are ${names.map((n) => `"${n}"`).join(", ")}` : "the service has none"}`);
      }
    }
  }

  /** A call's own credential: a provider keeps its cache across calls (keyed by the function). */
  #callCell(scheme: string, given: Credential): CredentialCell {
    if (typeof given !== "function") return this.#fromCredential(scheme, given);
    let byScheme = this.#providers.get(given);
    if (byScheme === undefined) this.#providers.set(given, (byScheme = new Map()));
    let cell = byScheme.get(scheme);
    if (cell === undefined) byScheme.set(scheme, (cell = this.#fromCredential(scheme, given)));
    return cell;
  }

  /** ConfigError unless `given` fits its scheme's kind. */
  #shape(scheme: string, given: Credential): void {
    const kind = this.schemes[scheme]!.kind;
    if (kind === "basic") {
      if (typeof given !== "object" || given === null || typeof given.username !== "string" || typeof given.password !== "string") {
        throw new ConfigError(`auth.${scheme}: a basic scheme takes { username, password }`, undefined, { service: this.service });
      }
    } else if (typeof given !== "string" && typeof given !== "function") {
      throw new ConfigError(`auth.${scheme}: a ${kind} scheme takes a token string or a TokenProvider`, undefined, { service: this.service });
    }
  }

  #fromCredential(scheme: string, given: Credential): CredentialCell {
    const def = this.schemes[scheme]!;
    const format = formatOf(def);
    this.#shape(scheme, given);
    if (def.kind === "basic") {
      const { username, password } = given as BasicCredential;
      const cell = CredentialCell.fixed(scheme, `${username}:${password}`, format, this.#clock, this.secrets);
      if (password !== "") this.secrets.add(password);
      return cell;
    }
    if (typeof given === "string") return CredentialCell.fixed(scheme, given, format, this.#clock, this.secrets);
    return new CredentialCell(scheme, "provider", providerFetcher(scheme, given as TokenProvider, this.#clock), format, this.#clock, this.secrets);
  }

  #fromSource(scheme: string, source: CredentialSource, env: Readonly<Record<string, string | undefined>>): CredentialCell {
    const def = this.schemes[scheme]!;
    const format = formatOf(def);
    const clock = this.#clock;
    let fetch: Fetcher;
    let kind: SourceKind;
    if ("username" in source) {
      if (def.kind !== "basic") throw new ConfigError(`auth.${scheme}: username is for a basic scheme; this one is ${def.kind}`, undefined, { service: this.service });
      const password = source.passwordFile !== undefined ? fileFetcher(scheme, source.passwordFile, clock) : source.passwordEnv !== undefined ? envFetcher(scheme, source.passwordEnv, env) : undefined;
      fetch = basicFetcher(source.username, password);
      kind = source.passwordFile !== undefined ? "file" : source.passwordEnv !== undefined ? "env" : "value";
    } else if ("file" in source) {
      fetch = fileFetcher(scheme, source.file, clock);
      kind = "file";
    } else {
      fetch = envFetcher(scheme, source.env, env);
      kind = "env";
    }
    return new CredentialCell(scheme, kind, fetch, format, clock, this.secrets);
  }
}
