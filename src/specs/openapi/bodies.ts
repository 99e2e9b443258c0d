// Request Body Objects (§4.8.13) and Responses Objects (§4.8.16) → the media type and kind a method uses.

import type { BodyEncodingModel, EncodingStyle, RequestBodyModel, ResponseModel } from "../../model/types.js";
import { bodyKind, pickMediaType, requestRank, responseKind, responseRank } from "./media.js";
import { deref, isObject, own, toPointer } from "./pointer.js";
import type { Report } from "./report.js";

export function requestBody(
  doc: unknown,
  raw: unknown,
  tokens: readonly string[],
  report: Report,
): RequestBodyModel | undefined {
  if (raw === undefined) return undefined;
  const body = deref(doc, raw);
  const content = isObject(body) ? deref(doc, own(body, "content")) : undefined;
  if (!isObject(body) || !isObject(content)) {
    report({
      severity: "warning",
      code: "openapi/invalid-request-body",
      message: "requestBody needs a `content` map; the operation gets no body",
      pointer: toPointer(tokens),
    });
    return undefined;
  }
  const contentType = pickMediaType(Object.keys(content), requestRank);
  if (contentType === undefined) return undefined;
  const kind = bodyKind(contentType);
  const model: RequestBodyModel = { required: own(body, "required") === true, contentType, kind };
  if (kind === "form" || kind === "multipart") {
    const media = deref(doc, own(content, contentType));
    const encoding = isObject(media) ? encodingOf(doc, own(media, "encoding"), [...tokens, "content", contentType, "encoding"], report) : undefined;
    if (encoding !== undefined) model.encoding = encoding;
  }
  return model;
}

const ENCODING_STYLES: readonly EncodingStyle[] = ["form", "spaceDelimited", "pipeDelimited", "deepObject"];

/**
 * A Media Type's `encoding` map (§4.8.15): per property (sorted by name), the fields the spec sets that the runtime
 * uses. Entries with none of them are left out; undefined when nothing is left, so bodies without encodings emit what
 * they always did.
 */
function encodingOf(doc: unknown, raw: unknown, tokens: readonly string[], report: Report): BodyEncodingModel[] | undefined {
  if (raw === undefined) return undefined;
  const map = deref(doc, raw);
  if (!isObject(map)) {
    report({ severity: "warning", code: "openapi/invalid-encoding", message: "`encoding` is not an object; it is ignored", pointer: toPointer(tokens) });
    return undefined;
  }
  const entries: BodyEncodingModel[] = [];
  for (const name of Object.keys(map).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const entry = deref(doc, map[name]);
    const at = [...tokens, name];
    if (!isObject(entry)) {
      report({ severity: "warning", code: "openapi/invalid-encoding", message: "encoding entry is not an object; it is ignored", pointer: toPointer(at) });
      continue;
    }
    const out: BodyEncodingModel = { name };
    const style = own(entry, "style");
    if (typeof style === "string" && (ENCODING_STYLES as readonly string[]).includes(style)) out.style = style as EncodingStyle;
    else if (style !== undefined) {
      const message = `encoding style must be one of ${ENCODING_STYLES.map((s) => JSON.stringify(s)).join(", ")}; it is ignored`;
      report({ severity: "warning", code: "openapi/invalid-encoding", message, pointer: toPointer([...at, "style"]) });
    }
    const explode = own(entry, "explode");
    if (typeof explode === "boolean") out.explode = explode;
    else if (explode !== undefined) {
      report({ severity: "warning", code: "openapi/invalid-encoding", message: "encoding explode must be a boolean; it is ignored", pointer: toPointer([...at, "explode"]) });
    }
    const contentType = own(entry, "contentType");
    if (typeof contentType === "string" && contentType.trim() !== "") out.contentType = contentType;
    if (Object.keys(out).length > 1) entries.push(out);
  }
  return entries.length > 0 ? entries : undefined;
}

const SUCCESS = /^2(\d\d|XX)$/i;
const ERROR = /^[45](\d\d|XX)$/i;
// No body by definition (RFC 9110 §15.3.5, §15.3.6, §15.4.5), whatever the spec lists under `content`.
const NO_CONTENT = new Set(["204", "205", "304"]);

function response(doc: unknown, status: string, raw: unknown): ResponseModel {
  const resolved = deref(doc, raw);
  const content = isObject(resolved) ? deref(doc, own(resolved, "content")) : undefined;
  if (NO_CONTENT.has(status) || !isObject(content)) return { status, kind: "empty" };
  const contentType = pickMediaType(Object.keys(content), responseRank);
  if (contentType === undefined) return { status, kind: "empty" };
  return { status, contentType, kind: responseKind(contentType) };
}

function byStatus(a: ResponseModel, b: ResponseModel): number {
  // Code-unit order puts "200" < "201" < "2XX" and "4XX" < "500" < "default", which is the order we want.
  return a.status < b.status ? -1 : a.status > b.status ? 1 : 0;
}

export function responses(
  doc: unknown,
  raw: unknown,
  tokens: readonly string[],
  report: Report,
): { success: ResponseModel[]; errors: ResponseModel[] } {
  const success: ResponseModel[] = [];
  const errors: ResponseModel[] = [];
  const map = deref(doc, raw);
  if (!isObject(map)) {
    report({
      severity: "warning",
      code: "openapi/missing-responses",
      message: "operation has no `responses` map",
      pointer: toPointer(tokens),
    });
    return { success, errors };
  }
  for (const status of Object.keys(map)) {
    if (SUCCESS.test(status)) success.push(response(doc, status, map[status]));
    else if (ERROR.test(status) || status === "default") errors.push(response(doc, status, map[status]));
  }
  return { success: success.sort(byStatus), errors: errors.sort(byStatus) };
}
