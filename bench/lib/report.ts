// The markdown report of bench/gen.ts, and the shapes it reports on.
import { median, tail } from "./measure.js";
import type { Measured } from "./measure.js";

export interface Spec {
  key: string;
  title: string;
  url: string;
  file: string;
}

export interface Cli {
  script: string;
  nodeFlags: string[];
  label: string;
  hint: string;
}

export interface Result {
  spec: Spec;
  operations: number;
  ots: Measured[];
  svcgen: Measured[];
  otsBytes: number;
  svcgenBytes?: number;
  svcgenFiles?: number;
  tscOts: Measured[];
  tscSvcgen: Measured[];
  second: Measured[];
}

export interface Targets {
  /** svcgen gen time / openapi-typescript time. */
  genRatio: number;
  /** tsc time over svcgen's output / over openapi-typescript's. */
  tscRatio: number;
  /** Second gen with nothing changed, ms. */
  secondGenMs: number;
}

export interface ReportContext {
  runs: number;
  tscRuns: number;
  /** How svcgen was run. */
  cli: string;
  cpus: number;
  targets: Targets;
}


const seconds = (ms: number): string => (Number.isNaN(ms) ? "—" : `${(ms / 1000).toFixed(2)} s`);
const mib = (values: Measured[]): string => {
  const peaks = values.flatMap((m) => (m.peakMiB === undefined ? [] : [m.peakMiB]));
  return peaks.length === 0 ? "—" : `${Math.round(Math.max(...peaks))} MiB`;
};
const kib = (bytes: number | undefined): string => (bytes === undefined ? "—" : `${Math.round(bytes / 1024).toLocaleString("en")} KiB`);
const times = (values: Measured[]): number[] => values.map((m) => m.ms);
const ratioOf = (a: Measured[], b: Measured[]): number => (a.length && b.length ? median(times(a)) / median(times(b)) : Number.NaN);
const ratio = (value: number): string => (Number.isNaN(value) ? "—" : `${value.toFixed(2)}×`);
const verdict = (value: number, limit: number): string => (Number.isNaN(value) ? "—" : value <= limit ? "met" : "MISSED");
const tscState = (values: Measured[]): string => {
  if (values.length === 0) return "—";
  const failed = values.find((m) => m.code !== 0);
  if (!failed) return "clean";
  const count = (failed.stdout.match(/error TS/g) ?? []).length;
  return `${count} error${count === 1 ? "" : "s"}`;
};

export function report(results: Result[], context: ReportContext): string {
  const { runs, tscRuns, targets } = context;
  const lines: string[] = [];
  lines.push(`## svcgen gen vs openapi-typescript`, "");
  lines.push(`Node ${process.version}, ${context.cpus} CPUs; svcgen = ${context.cli}. Medians of ${runs} alternating runs (tsc: ${tscRuns}); peak RSS is the max over runs.`, "");
  lines.push(`| spec | operations | openapi-typescript | svcgen gen | ratio | target ≤ ${targets.genRatio}× | peak RSS ots | peak RSS svcgen | output ots | output svcgen |`);
  lines.push("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|");
  for (const r of results) {
    const genRatio = ratioOf(r.svcgen, r.ots);
    const files = r.svcgenFiles === undefined ? "" : ` (${r.svcgenFiles} files)`;
    lines.push(`| ${r.spec.title} | ${r.operations} | ${seconds(median(times(r.ots)))} | ${seconds(median(times(r.svcgen)))} | ${ratio(genRatio)} | ${verdict(genRatio, targets.genRatio)} | ${mib(r.ots)} | ${mib(r.svcgen)} | ${kib(r.otsBytes)} | ${kib(r.svcgenBytes)}${files} |`);
  }
  lines.push("", "### tsc --noEmit (strict, skipLibCheck) over each output", "");
  lines.push(`| spec | openapi-typescript output | svcgen output | ratio | target ≤ ${targets.tscRatio}× | ots result | svcgen result |`);
  lines.push("|---|---:|---:|---:|---|---|---|");
  for (const r of results) {
    const tscRatio = ratioOf(r.tscSvcgen, r.tscOts);
    lines.push(`| ${r.spec.title} | ${seconds(median(times(r.tscOts)))} | ${seconds(median(times(r.tscSvcgen)))} | ${ratio(tscRatio)} | ${verdict(tscRatio, targets.tscRatio)} | ${tscState(r.tscOts)} | ${tscState(r.tscSvcgen)} |`);
  }
  lines.push("", "### Second svcgen gen, nothing changed (cache)", "");
  lines.push(`| spec | second gen | target < ${seconds(targets.secondGenMs)} | peak RSS |`);
  lines.push("|---|---:|---|---:|");
  for (const r of results) {
    const secondMs = median(times(r.second));
    const met = Number.isNaN(secondMs) ? "—" : secondMs < targets.secondGenMs ? "met" : "MISSED";
    lines.push(`| ${r.spec.title} | ${seconds(secondMs)} | ${met} | ${mib(r.second)} |`);
  }
  for (const r of results) {
    for (const [label, values] of [["openapi-typescript", r.tscOts], ["svcgen", r.tscSvcgen]] as const) {
      const failed = values.find((m) => m.code !== 0);
      if (failed) lines.push("", `tsc errors in ${r.spec.title} ${label} output (first lines):`, "```", tail(failed.stdout, 20), "```");
    }
  }
  return lines.join("\n");
}

export function allTargetsMet(results: Result[], targets: Targets): boolean {
  return results.every((r) => {
    const second = median(times(r.second));
    return (
      ratioOf(r.svcgen, r.ots) <= targets.genRatio &&
      ratioOf(r.tscSvcgen, r.tscOts) <= targets.tscRatio &&
      second < targets.secondGenMs &&
      r.tscSvcgen.every((m) => m.code === 0)
    );
  });
}

