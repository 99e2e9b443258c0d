// Where a credential's secret comes from at run time: a TokenProvider, an environment variable, or a file. Each is a
// Fetcher for a CredentialCell (cell.ts), which caches and single-flights it.
//   - provider: a string is kept until a 401 refuses it; `{ token, expiresAt }` until shortly before `expiresAt`
//     (epoch ms, turned into the client's Clock when fetched so a virtual clock moves it);
//   - env: read once (ClientOptions.env ?? process.env), again after a 401;
//   - file (a Kubernetes projected ServiceAccount token, rotated by the kubelet through an atomic symlink swap):
//     stat'ed at most every FILE_CHECK_MS of use and read again when it changed, at least every FILE_MAX_AGE_MS,
//     and at once after a 401. No watcher and no timer: a client that makes no calls does no I/O.
import { readFile, stat } from "node:fs/promises";
import { CredentialError } from "../errors.js";
import type { Clock } from "../clock.js";
import type { Fetched, Fetcher } from "./cell.js";
import type { TokenProvider } from "./types.js";

/** A provider's token is fetched again this long before it expires (or half its lifetime, when shorter), ms. */
export const EXPIRY_MARGIN_MS = 30_000;
/** How often a file source is checked for a change (a stat), ms of use. */
export const FILE_CHECK_MS = 5_000;
/** A file source is read again at least this often, ms. */
export const FILE_MAX_AGE_MS = 60_000;

export function providerFetcher(scheme: string, provider: TokenProvider, clock: Clock): Fetcher {
  return async () => {
    const result = await provider();
    const token = typeof result === "string" ? result : result?.token;
    if (typeof token !== "string" || token === "") throw new CredentialError(scheme, "its token provider returned no token");
    const expiresAt = typeof result === "string" ? undefined : result.expiresAt;
    if (expiresAt === undefined || !Number.isFinite(expiresAt)) return { secret: token, validUntil: Infinity };
    const left = expiresAt - Date.now();
    return { secret: token, validUntil: clock.now() + Math.max(0, left - Math.min(EXPIRY_MARGIN_MS, left / 2)) };
  };
}

export function envFetcher(scheme: string, variable: string, env: Readonly<Record<string, string | undefined>>): Fetcher {
  return () => {
    const value = env[variable]?.trim();
    if (value === undefined || value === "") throw new CredentialError(scheme, `the environment variable ${variable} is not set`);
    return { secret: value, validUntil: Infinity };
  };
}

export function fileFetcher(scheme: string, path: string, clock: Clock): Fetcher {
  let value: string | undefined;
  let readAt = 0;
  let version = "";
  const versionOf = (s: { mtimeMs: number; ino: number; size: number }): string => `${s.mtimeMs}:${s.ino}:${s.size}`;
  return async (force) => {
    const now = clock.now();
    try {
      if (!force && value !== undefined && now - readAt < FILE_MAX_AGE_MS) {
        if (versionOf(await stat(path)) === version) return { secret: value, validUntil: Math.min(now + FILE_CHECK_MS, readAt + FILE_MAX_AGE_MS) };
      }
      // stat before reading: a change in between is seen by the next check.
      const seen = versionOf(await stat(path));
      const text = (await readFile(path, "utf8")).trim();
      if (text === "") throw new CredentialError(scheme, `the file ${path} is empty`);
      value = text;
      version = seen;
      readAt = now;
      return { secret: text, validUntil: now + FILE_CHECK_MS };
    } catch (error) {
      if (error instanceof CredentialError) throw error;
      const code = (error as { code?: unknown }).code;
      throw new CredentialError(scheme, `the file ${path} could not be read${typeof code === "string" ? ` (${code})` : ""}`, { cause: error });
    }
  };
}

/** Basic from services.toml: the username as given, the password from its own source (empty when it has none). */
export function basicFetcher(username: string, password: Fetcher | undefined): Fetcher {
  if (password === undefined) return () => ({ secret: `${username}:`, validUntil: Infinity });
  return async (force) => {
    const p: Fetched = await password(force);
    return { secret: `${username}:${p.secret}`, validUntil: p.validUntil, part: p.secret };
  };
}
