// Models for the graph tests, built from services.toml text by the real config parser and resolve stage (no specs,
// no emitters): what `svcgen graph` would draw for that file.
import { expect } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import type { Model } from "../../src/model/types.js";
import { buildModel } from "../../src/resolve/build.js";

/** The model of a config; fails the test on any error (warnings, such as a non-DNS caller name, are allowed). */
export function modelFrom(toml: string): Model {
  const parsed = parseConfig(toml, "services.toml");
  const built = parsed.readable ? buildModel(parsed.readable, new Map()) : { diagnostics: [] };
  const errors = [...parsed.diagnostics, ...built.diagnostics].filter((d) => d.severity === "error");
  expect(errors.map((d) => d.message)).toEqual([]);
  return built.model!;
}

/** `[service] name = "order-api"` and one service `users_service` (url `http://users-api:8080` unless `keys` has one). */
export function oneService(keys: string, tables = ""): Model {
  const url = /^url = /m.test(keys) ? "" : `url = "http://users-api:8080"\n`;
  return modelFrom(`[service]\nname = "order-api"\n\n[external_services.users_service]\n${url}${keys}\n${tables}`);
}

/** The text of every `<text>` element of a Graphviz SVG, XML entities decoded (Graphviz writes `-` as `&#45;`). */
export function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => unxml(m[1]!));
}

function unxml(text: string): string {
  return text.replace(/&(?:#(\d+)|(quot|lt|gt|amp|apos));/g, (_, code: string | undefined, name: string | undefined) =>
    code !== undefined ? String.fromCodePoint(Number(code)) : { quot: '"', lt: "<", gt: ">", amp: "&", apos: "'" }[name!]!,
  );
}
