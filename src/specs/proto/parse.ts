// protobufjs's parser as the loader uses it: proto field names kept as written, `//` comments kept for JSDoc, the
// file name set for each parse, and well-known files added from protobufjs's bundled definitions.
import protobuf from "protobufjs";
import type { LoadedFile } from "./load.js";
import { wellKnownJson } from "./wkt.js";

export const PARSE_OPTIONS: protobuf.IParseOptions = { keepCase: true, alternateCommentMode: true };

/** Parses `source` into a fresh root; the error message, or undefined when it parses. */
export function parseAlone(source: string, name: string): string | undefined {
  return parseText(new protobuf.Root(), source, name).error;
}

/** protobufjs takes the file name for error messages and `filename` properties from a property of `parse`. */
const parser = protobuf.parse as typeof protobuf.parse & { filename: string | null };

function parseText(root: protobuf.Root, source: string, name: string): { error?: string; package?: string } {
  parser.filename = name;
  try {
    const parsed = protobuf.parse(source, root, PARSE_OPTIONS);
    return parsed.package !== undefined ? { package: parsed.package } : {};
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  } finally {
    parser.filename = null;
  }
}

export function parseInto(root: protobuf.Root, file: LoadedFile): string | undefined {
  const result = parseText(root, file.text, file.name);
  if (result.package !== undefined) file.package = result.package;
  return result.error;
}

/** Adds a well-known file's definitions and marks them as coming from it (protobufjs leaves JSON-added objects unnamed). */
export function addWellKnown(root: protobuf.Root, name: string): void {
  const json = wellKnownJson(name);
  if (json.nested === undefined) return;
  root.addJSON(json.nested);
  const mark = (ns: protobuf.NamespaceBase): void => {
    for (const child of ns.nestedArray) {
      if ((child instanceof protobuf.Type || child instanceof protobuf.Enum || child instanceof protobuf.Service) && child.filename === null) {
        child.filename = name;
      }
      if (child instanceof protobuf.Namespace || child instanceof protobuf.Type || child instanceof protobuf.Service) mark(child);
    }
  };
  mark(root);
}
