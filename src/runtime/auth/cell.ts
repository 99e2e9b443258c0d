// One credential of one scheme as the auth layer holds it: the value on the wire, how long it may be used (on the
// client's Clock), and the one fetch in flight that concurrent calls share (single flight). A static string never
// expires and is never refreshed; a provider's token lives until shortly before its `expiresAt`; a file or an
// environment variable is re-read as its source says (sources.ts). A 401 invalidates the value the call used, so a
// burst of refused calls starts one fetch, not one each.
import { CredentialError } from "../errors.js";
import type { Clock } from "../clock.js";
import type { SecretSet } from "./redact.js";

/** What a fetch yields: the secret as sent (`token`; `user:password` for basic) and until when it may be used. */
export interface Fetched {
  readonly secret: string;
  /** Clock reading (Clock.now) past which the value is fetched again; Infinity: until invalidated. */
  readonly validUntil: number;
  /** Another secret inside this one to keep out of errors and events (basic: the password on its own). */
  readonly part?: string;
}

/** `force`: a 401 refused the last value; skip any cheaper check (a file is read again at once). */
export type Fetcher = (force: boolean) => Fetched | Promise<Fetched>;

/** How describe() names where a credential comes from (never the value, the variable or the path). */
export type SourceKind = "value" | "provider" | "env" | "file";

/** What the auth layer puts on the wire for a secret: `Bearer <token>`, `Basic <base64>`, or the key itself. */
export type WireFormat = (secret: string) => string;

export class CredentialCell {
  readonly scheme: string;
  readonly source: SourceKind;
  /** A 401 may be answered by fetching again (a provider, a file, an environment variable). */
  readonly refreshable: boolean;
  /** The value as sent and its secret, while valid. Read by the layer's fast path without a promise. */
  wire: string | undefined;
  #secret: string | undefined;
  #validUntil = -Infinity;
  #inflight: Promise<string> | undefined;
  #force = false;
  /** Secrets this cell has held: errors and events are scrubbed of them (auth/redact.ts). */
  readonly seen: SecretSet;
  readonly #fetch: Fetcher;
  readonly #format: WireFormat;
  readonly #clock: Clock;

  constructor(scheme: string, source: SourceKind, fetch: Fetcher, format: WireFormat, clock: Clock, seen: SecretSet) {
    this.scheme = scheme;
    this.source = source;
    this.refreshable = source !== "value";
    this.#fetch = fetch;
    this.#format = format;
    this.#clock = clock;
    this.seen = seen;
  }

  /** A static value: valid until the client is gone, no fetch ever. */
  static fixed(scheme: string, secret: string, format: WireFormat, clock: Clock, seen: SecretSet): CredentialCell {
    const cell = new CredentialCell(scheme, "value", () => ({ secret, validUntil: Infinity }), format, clock, seen);
    cell.#hold({ secret, validUntil: Infinity });
    return cell;
  }

  /** The wire value when one is held and still valid (no allocation); undefined: call get(). */
  current(): string | undefined {
    const wire = this.wire;
    if (wire === undefined) return undefined;
    if (this.#validUntil !== Infinity && this.#clock.now() >= this.#validUntil) return undefined;
    return wire;
  }

  /** The wire value, fetched when none is valid; every caller meanwhile shares the one fetch. */
  get(): Promise<string> {
    const held = this.current();
    if (held !== undefined) return Promise.resolve(held);
    return (this.#inflight ??= this.#refill());
  }

  /** A 401 refused `wire`: forget it (unless a newer value replaced it already), so the next get() fetches again. */
  invalidate(wire: string): void {
    if (this.wire !== wire || !this.refreshable) return;
    this.wire = undefined;
    this.#secret = undefined;
    this.#validUntil = -Infinity;
    this.#force = true;
  }

  /** The source changed (a file rewritten): fetch again on next use. */
  expire(): void {
    this.#validUntil = -Infinity;
  }

  async #refill(): Promise<string> {
    const force = this.#force;
    this.#force = false;
    try {
      let fetched: Fetched;
      try {
        fetched = await this.#fetch(force);
      } catch (error) {
        if (error instanceof CredentialError) throw error;
        throw new CredentialError(this.scheme, `its ${this.source === "provider" ? "token provider" : this.source} failed`, { cause: error });
      }
      return this.#hold(fetched);
    } finally {
      this.#inflight = undefined;
    }
  }

  #hold(fetched: Fetched): string {
    if (fetched.secret !== this.#secret) {
      this.#secret = fetched.secret;
      this.seen.add(fetched.secret);
      this.wire = this.#format(fetched.secret);
      if (this.wire !== fetched.secret) this.seen.add(this.wire);
      if (fetched.part !== undefined && fetched.part !== "") this.seen.add(fetched.part);
    }
    this.#validUntil = fetched.validUntil;
    return this.wire!;
  }
}
