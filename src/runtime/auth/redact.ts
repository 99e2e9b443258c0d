// Keeping credentials out of what the runtime shows: URLs lose the values of apiKey query parameters, and errors the
// secrets a call could have sent (a server echoing the request into an error body, a provider's message). Only error
// paths and redirect records pay for it.
import { isSvcgenError } from "../errors.js";

export const REDACTED = "[REDACTED]";

/**
 * The secrets a client has sent, most recent last, at most `cap` of them (a provider rotating tokens for months, or a
 * token per call option, must not grow the heap): what errors are scrubbed of.
 */
export class SecretSet extends Set<string> {
  readonly #cap: number;
  constructor(cap = 256) {
    super();
    this.#cap = cap;
  }

  override add(secret: string): this {
    if (super.has(secret)) super.delete(secret);
    super.add(secret);
    if (this.size > this.#cap) super.delete(this.values().next().value as string);
    return this;
  }
}

/** `href` with the values of the query parameters named in `names` replaced (the URL as it is when none occurs). */
export function redactUrl(href: string, names: readonly string[]): string {
  if (names.length === 0 || !href.includes("?")) return href;
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return href;
  }
  let hit = false;
  for (const name of names) {
    if (url.searchParams.has(name)) {
      url.searchParams.set(name, REDACTED);
      hit = true;
    }
  }
  return hit ? url.href : href;
}

/** `url` without the query parameters named in `names` (a cross-origin redirect hop). */
export function withoutParams(url: URL, names: readonly string[]): URL {
  if (names.length === 0 || url.search === "") return url;
  let copy: URL | undefined;
  for (const name of names) {
    if (url.searchParams.has(name)) {
      copy ??= new URL(url.href);
      copy.searchParams.delete(name);
    }
  }
  return copy ?? url;
}

/** `text` with every secret in `secrets` replaced. */
export function scrubText(text: string, secrets: ReadonlySet<string>): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

function scrubValue(value: unknown, secrets: ReadonlySet<string>, depth: number): unknown {
  if (typeof value === "string") return scrubText(value, secrets);
  if (depth > 8 || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, secrets, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = scrubValue((value as Record<string, unknown>)[key], secrets, depth + 1);
  return out;
}

/**
 * Removes `secrets` from a runtime error's message, body and headers (and its cause's message), in place: what
 * `String(error)` and `JSON.stringify(error)` show. Other values pass as they are.
 */
export function scrubError<E>(error: E, secrets: ReadonlySet<string>): E {
  if (secrets.size === 0 || !isSvcgenError(error)) return error;
  const target = error as unknown as Record<string, unknown>;
  error.message = scrubText(error.message, secrets);
  if (typeof error.stack === "string") error.stack = scrubText(error.stack, secrets);
  for (const key of ["body", "headers", "metadata", "grpcMessage"]) {
    if (key in target) {
      const value = target[key];
      const clean = scrubValue(value, secrets, 0);
      if (clean !== value) Object.defineProperty(error, key, { value: clean, enumerable: true, writable: true, configurable: true });
    }
  }
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && !isSvcgenError(cause)) cause.message = scrubText(cause.message, secrets);
  else if (isSvcgenError(cause)) scrubError(cause, secrets);
  const last = (error as { last?: unknown }).last;
  if (isSvcgenError(last)) scrubError(last, secrets);
  return error;
}
