// Picks the media type a generated method uses and classifies it (request bodies and responses).

import type { BodyKind, ResponseKind } from "../../model/types.js";

/** `Application/JSON; charset=utf-8` → `application/json`. */
function essence(mediaType: string): string {
  return (mediaType.split(";")[0] ?? "").trim().toLowerCase();
}

/** application/json and any `+json` suffix (application/problem+json, application/vnd.github+json). */
export function isJsonMediaType(mediaType: string): boolean {
  const e = essence(mediaType);
  return e === "application/json" || e.endsWith("+json");
}

function isText(mediaType: string): boolean {
  return essence(mediaType).startsWith("text/");
}

/**
 * The preferred key: exact application/json, then the first JSON-ish key in spec order, then (when `rank` is
 * given) the key with the best rank, spec order breaking ties. Keys are returned exactly as written.
 */
export function pickMediaType(keys: readonly string[], rank: (key: string) => number): string | undefined {
  const exact = keys.find((k) => essence(k) === "application/json");
  if (exact !== undefined) return exact;
  const json = keys.find(isJsonMediaType);
  if (json !== undefined) return json;
  let best: string | undefined;
  for (const key of keys) if (best === undefined || rank(key) < rank(best)) best = key;
  return best;
}

export function bodyKind(mediaType: string): BodyKind {
  const e = essence(mediaType);
  if (isJsonMediaType(e)) return "json";
  if (e === "application/x-www-form-urlencoded") return "form";
  if (e.startsWith("multipart/")) return "multipart";
  if (isText(e)) return "text";
  return "binary";
}

/** Request bodies prefer form over multipart over text over anything else. */
export function requestRank(mediaType: string): number {
  const order: BodyKind[] = ["json", "form", "multipart", "text", "binary"];
  return order.indexOf(bodyKind(mediaType));
}

export function responseKind(mediaType: string): Exclude<ResponseKind, "empty"> {
  if (isJsonMediaType(mediaType)) return "json";
  if (isText(mediaType)) return "text";
  return "binary";
}

/** Responses prefer text over binary when no JSON is offered. */
export function responseRank(mediaType: string): number {
  return ["json", "text", "binary"].indexOf(responseKind(mediaType));
}
