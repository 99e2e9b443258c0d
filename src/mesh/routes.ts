// Istio subsets and header routes from `mesh.subsets` / `mesh.routes` (types checked by the key table): the
// Kubernetes naming rules, subsets a route names, weights adding up to 100, the catch-all route last.
import type { MeshRouteSettings, MeshSettings } from "../config/types.js";
import type { HeaderMatch, MeshRoute, MeshSubset, RouteDestination } from "../model/types.js";
import { RULES, isDnsLabel, isHeaderName, isLabelKey, isLabelValue, isSafeText } from "./names.js";
import type { MeshReport } from "./report.js";

const HEADER_MATCH_KINDS = ["exact", "prefix", "regex"] as const;

export function readSubsets(table: MeshSettings["subsets"], reader: MeshReport): MeshSubset[] {
  if (table === undefined) return [];
  const subsets: MeshSubset[] = [];
  for (const name of Object.keys(table).sort()) {
    const path = ["subsets", name];
    if (!isDnsLabel(name)) {
      reader.error("mesh/invalid", `subset name ${JSON.stringify(name)} must be ${RULES.dnsLabel}`, path);
      continue;
    }
    const labelTable = table[name]!;
    const labels: Record<string, string> = {};
    for (const key of Object.keys(labelTable).sort()) {
      const at = [...path, key];
      if (!isLabelKey(key)) {
        reader.error("mesh/invalid", `label key ${JSON.stringify(key)} in ${reader.name(path)} must be ${RULES.labelKey}`, at);
        continue;
      }
      const value = checked(labelTable[key]!, at, isLabelValue, RULES.labelValue, reader);
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

export function readRoutes(entries: MeshSettings["routes"], subsets: readonly MeshSubset[], reader: MeshReport): MeshRoute[] {
  if (entries === undefined) return [];
  const known = new Set(subsets.map((s) => s.name));
  const routes: MeshRoute[] = [];
  entries.forEach((table, index) => {
    const path = ["routes", String(index)];
    const headers = table.headers === undefined ? [] : readHeaders(table.headers, [...path, "headers"], reader);
    const destinations = readDestinations(table, path, known, reader);
    if (!headers || !destinations) return;
    if (headers.length === 0 && index !== entries.length - 1) {
      reader.error(
        "mesh/invalid",
        `${reader.name(path)} has no headers, so it matches every request and the routes after it are never used; move it last`,
        path,
      );
      return;
    }
    routes.push({
      headers,
      destinations,
      ...(table.budget_ratio !== undefined ? { budgetRatio: table.budget_ratio } : {}),
      location: reader.at(["mesh", ...path]),
    });
  });
  return routes;
}

function readHeaders(table: NonNullable<MeshRouteSettings["headers"]>, path: string[], reader: MeshReport): HeaderMatch[] | undefined {
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
    const match = table[name]!;
    const kinds = HEADER_MATCH_KINDS.filter((k) => match[k] !== undefined);
    if (kinds.length !== 1) {
      reader.error("mesh/invalid", `${reader.name(at)} must set exactly one of exact, prefix, regex`, at);
      ok = false;
      continue;
    }
    const kind = kinds[0]!;
    const text = checked(match[kind]!, [...at, kind], isSafeText, RULES.safeText, reader);
    if (text === undefined) ok = false;
    else headers.push({ name, kind, value: text });
  }
  return ok ? headers : undefined;
}

function readDestinations(
  table: MeshRouteSettings,
  path: string[],
  known: ReadonlySet<string>,
  reader: MeshReport,
): RouteDestination[] | undefined {
  if ((table.subset !== undefined) === (table.weights !== undefined)) {
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
  if (table.subset !== undefined) {
    const at = [...path, "subset"];
    const subset = checked(table.subset, at, isDnsLabel, RULES.dnsLabel, reader);
    return subset !== undefined && checkKnown(subset, at) ? [{ subset }] : undefined;
  }
  const at = [...path, "weights"];
  const weights = table.weights!;
  const destinations: RouteDestination[] = [];
  let ok = true;
  for (const subset of Object.keys(weights).sort()) {
    if (!checkKnown(subset, [...at, subset])) ok = false;
    else destinations.push({ subset, weight: weights[subset]! });
  }
  if (!ok) return undefined;
  const sum = destinations.reduce((total, d) => total + (d.weight ?? 0), 0);
  if (destinations.length === 0 || sum !== 100) {
    reader.error("mesh/invalid", `${reader.name(at)} must add up to 100, got ${sum}`, at);
    return undefined;
  }
  return destinations;
}

/** A string that passes a Kubernetes or manifest rule; `rule` says what was expected. */
function checked(value: string, path: readonly string[], check: (s: string) => boolean, rule: string, reader: MeshReport): string | undefined {
  if (check(value)) return value;
  const shown = JSON.stringify(value);
  reader.error("mesh/invalid", `${reader.name(path)} must be ${rule}, got ${shown.length > 60 ? `${shown.slice(0, 57)}...` : shown}`, path);
  return undefined;
}
