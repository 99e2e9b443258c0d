// Istio subsets and header routes from `mesh.subsets` / `mesh.routes`.
import { HEADER_MATCH_KEYS, ROUTE_KEYS } from "./keys.js";
import { RULES, isDnsLabel, isHeaderName, isLabelKey, isLabelValue, isSafeText } from "./names.js";
import { describe, type SettingsReader } from "./read.js";
import type { HeaderMatch, MeshRoute, MeshSubset, RouteDestination } from "./types.js";

export function readSubsets(raw: unknown, reader: SettingsReader): MeshSubset[] {
  if (raw === undefined) return [];
  const table = reader.table(raw, ["subsets"]);
  if (!table) return [];
  const subsets: MeshSubset[] = [];
  for (const name of Object.keys(table).sort()) {
    const path = ["subsets", name];
    if (!isDnsLabel(name)) {
      reader.error("mesh/invalid", `subset name ${JSON.stringify(name)} must be ${RULES.dnsLabel}`, path);
      continue;
    }
    const labelTable = reader.table(table[name], path);
    if (!labelTable) continue;
    const labels: Record<string, string> = {};
    for (const key of Object.keys(labelTable).sort()) {
      const at = [...path, key];
      if (!isLabelKey(key)) {
        reader.error("mesh/invalid", `label key ${JSON.stringify(key)} in ${reader.name(path)} must be ${RULES.labelKey}`, at);
        continue;
      }
      const value = reader.string(labelTable[key], at, isLabelValue, RULES.labelValue);
      if (value !== undefined) labels[key] = value;
    }
    if (Object.keys(labelTable).length === 0) {
      reader.error("mesh/invalid", `${reader.name(path)} must list at least one pod label`, path);
      continue;
    }
    subsets.push({ name, labels, location: reader.at(["mesh", ...path]) });
  }
  return subsets;
}

export function readRoutes(raw: unknown, subsets: readonly MeshSubset[], reader: SettingsReader): MeshRoute[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    reader.error("mesh/invalid", `mesh.routes must be an array of tables ([[…mesh.routes]]), got ${describe(raw)}`, ["routes"]);
    return [];
  }
  const known = new Set(subsets.map((s) => s.name));
  const routes: MeshRoute[] = [];
  raw.forEach((entry, index) => {
    const path = ["routes", String(index)];
    const table = reader.table(entry, path);
    if (!table || !reader.knownKeys(table, ROUTE_KEYS, path)) return;
    const headers = table.headers === undefined ? [] : readHeaders(table.headers, [...path, "headers"], reader);
    const destinations = readDestinations(table, path, known, reader);
    if (!headers || !destinations) return;
    if (headers.length === 0 && index !== raw.length - 1) {
      reader.error(
        "mesh/invalid",
        `${reader.name(path)} has no headers, so it matches every request and the routes after it are never used; move it last`,
        path,
      );
      return;
    }
    const budget =
      table.budget_ratio === undefined ? undefined : reader.number(table.budget_ratio, [...path, "budget_ratio"], 0, 1);
    routes.push({
      headers,
      destinations,
      ...(budget !== undefined ? { budgetRatio: budget } : {}),
      location: reader.at(["mesh", ...path]),
    });
  });
  return routes;
}

function readHeaders(raw: unknown, path: string[], reader: SettingsReader): HeaderMatch[] | undefined {
  const table = reader.table(raw, path);
  if (!table) return undefined;
  const headers: HeaderMatch[] = [];
  let ok = true;
  for (const name of Object.keys(table).sort()) {
    const at = [...path, name];
    if (!isHeaderName(name)) {
      const lower = name.toLowerCase();
      const hint = lower !== name && isHeaderName(lower) ? ` (did you mean "${lower}"?)` : "";
      reader.error("mesh/invalid", `header ${JSON.stringify(name)} in ${reader.name(path)} must be ${RULES.headerName}${hint}`, at);
      ok = false;
      continue;
    }
    const value = table[name];
    if (typeof value === "string") {
      if (reader.string(value, at, isSafeText, RULES.safeText) === undefined) ok = false;
      else headers.push({ name, kind: "exact", value });
      continue;
    }
    const match = reader.table(value, at);
    if (!match || !reader.knownKeys(match, HEADER_MATCH_KEYS, at)) {
      ok = false;
      continue;
    }
    const kinds = HEADER_MATCH_KEYS.filter((k) => match[k] !== undefined);
    if (kinds.length !== 1) {
      reader.error("mesh/invalid", `${reader.name(at)} must set exactly one of exact, prefix, regex`, at);
      ok = false;
      continue;
    }
    const kind = kinds[0]!;
    const text = reader.string(match[kind], [...at, kind], isSafeText, RULES.safeText);
    if (text === undefined) ok = false;
    else headers.push({ name, kind, value: text });
  }
  return ok ? headers : undefined;
}

function readDestinations(
  table: Record<string, unknown>,
  path: string[],
  known: ReadonlySet<string>,
  reader: SettingsReader,
): RouteDestination[] | undefined {
  const hasSubset = table.subset !== undefined;
  const hasWeights = table.weights !== undefined;
  if (hasSubset === hasWeights) {
    reader.error("mesh/invalid", `${reader.name(path)} must set exactly one of subset, weights`, path);
    return undefined;
  }
  const checkKnown = (name: string, at: string[]): boolean => {
    if (known.has(name)) return true;
    const list = [...known].sort();
    reader.error(
      "mesh/invalid",
      `${reader.name(at)} names subset ${JSON.stringify(name)}, which mesh.subsets does not define` +
        (list.length > 0 ? ` (defined: ${list.join(", ")})` : ""),
      at,
    );
    return false;
  };
  if (hasSubset) {
    const at = [...path, "subset"];
    const subset = reader.string(table.subset, at, isDnsLabel, RULES.dnsLabel);
    return subset !== undefined && checkKnown(subset, at) ? [{ subset }] : undefined;
  }
  const at = [...path, "weights"];
  const weights = reader.table(table.weights, at);
  if (!weights) return undefined;
  const destinations: RouteDestination[] = [];
  let ok = true;
  for (const subset of Object.keys(weights).sort()) {
    const weight = reader.integer(weights[subset], [...at, subset], 0, 100);
    if (weight === undefined || !checkKnown(subset, [...at, subset])) ok = false;
    else destinations.push({ subset, weight });
  }
  if (!ok) return undefined;
  const sum = destinations.reduce((total, d) => total + (d.weight ?? 0), 0);
  if (destinations.length === 0 || sum !== 100) {
    reader.error("mesh/invalid", `${reader.name(at)} must add up to 100, got ${sum}`, at);
    return undefined;
  }
  return destinations;
}

