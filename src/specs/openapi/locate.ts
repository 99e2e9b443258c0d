// Line and column for a JSON pointer in a source file, via Redocly's YAML AST (which also reads JSON).
// Parsing that AST costs about as much as parsing the file again, so it is done only when a diagnostic needs it,
// once per file (Source caches the AST), and skipped for very large files.

import { getLineColLocation, type Source } from "@redocly/openapi-core";

/** Above this size a diagnostic carries the pointer only. */
const MAX_LOCATABLE_CHARS = 4_000_000;

/**
 * On a line longer than this (a minified JSON spec is one line) a column is a character offset no reader can find
 * (`openapi.json:1:411978`): the diagnostic carries the pointer only, which names the place.
 */
export const MAX_LOCATABLE_LINE = 300;

export function lineColumn(
  source: Source,
  pointer: string,
  reportOnKey = false,
): { line: number; column: number } | undefined {
  if (source.body.length > MAX_LOCATABLE_CHARS) return undefined;
  if (isOneLongLine(source)) return undefined;
  try {
    const loc = getLineColLocation({ source, pointer, reportOnKey });
    if (!("start" in loc) || loc.start === undefined) return undefined;
    const text = source.getLines()[loc.start.line - 1];
    if (text !== undefined && text.length > MAX_LOCATABLE_LINE) return undefined;
    return { line: loc.start.line, column: loc.start.col };
  } catch {
    return undefined;
  }
}

const oneLongLine = new WeakMap<Source, boolean>();

/** A file on one long line (minified JSON, as most published specs are) has no line to name: not worth the AST. */
function isOneLongLine(source: Source): boolean {
  let known = oneLongLine.get(source);
  if (known === undefined) {
    known = source.body.length > MAX_LOCATABLE_LINE && !/[\n\r]/.test(source.body);
    oneLongLine.set(source, known);
  }
  return known;
}
