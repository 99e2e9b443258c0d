// The markdown report of bench/gen.ts: ratios only (svcgen's figure over the reference's, same run), since absolute
// times on a shared machine say more about the neighbours than about either tool.
import { median } from "./measure.js";
import type { Measured } from "./measure.js";

/** One comparison: svcgen's runs against the reference's, round i of one paired with round i of the other. */
export interface Row {
  label: string;
  ours: Measured[];
  reference: Measured[];
  /** Met when the ratio of medians is at most this. */
  target?: number;
}

export interface Section {
  title: string;
  /** What is compared with what, printed above the table. */
  about: string;
  /** 1-minute load average when the section began and ended. */
  load: [number, number];
  rows: Row[];
  /** Peak RSS comparisons (ratio of the medians of each run's peak). */
  memory?: Row[];
}

export interface ReportContext {
  rounds: number;
  cli: string;
  cpus: number;
  command: string;
}

const wall = (runs: Measured[]): number => median(runs.map((m) => m.ms));
const cpu = (runs: Measured[]): number => median(runs.flatMap((m) => (m.cpuMs === undefined ? [] : [m.cpuMs])));
const rss = (runs: Measured[]): number => median(runs.flatMap((m) => (m.peakMiB === undefined ? [] : [m.peakMiB])));
const times = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(2)}×` : "—");

export function wallRatio(row: Row): number {
  return wall(row.ours) / wall(row.reference);
}

function memoryRatio(row: Row): number {
  return rss(row.ours) / rss(row.reference);
}

/** Each round's own ratio, lowest to highest: how much one round can be trusted on this machine. */
function spread(row: Row): string {
  const n = Math.min(row.ours.length, row.reference.length);
  if (n < 2) return "—";
  const each = Array.from({ length: n }, (_, i) => row.ours[i]!.ms / row.reference[i]!.ms).sort((a, b) => a - b);
  return `${each[0]!.toFixed(2)}–${each[n - 1]!.toFixed(2)}`;
}

function verdict(value: number, target: number | undefined): string {
  if (target === undefined) return "";
  if (!Number.isFinite(value)) return `≤ ${target}: —`;
  return `≤ ${target}: ${value <= target ? "met" : "**missed**"}`;
}

export function report(sections: Section[], context: ReportContext): string {
  const lines = [
    "## svcgen gen vs openapi-typescript (bench:gen)",
    "",
    `\`${context.command}\` — Node ${process.version}, ${context.cpus} CPUs; svcgen = ${context.cli}. Ratios are svcgen's`,
    `median over the reference's median, ${context.rounds} alternated rounds; "rounds" is the range of each round's own ratio.`,
  ];
  for (const section of sections) {
    lines.push("", `### ${section.title}`, "", `${section.about} (load average ${section.load[0].toFixed(1)} → ${section.load[1].toFixed(1)})`, "");
    lines.push("| measure | ratio | rounds | CPU ratio | target |", "|---|---:|---:|---:|---|");
    for (const row of section.rows) {
      const ratio = wallRatio(row);
      lines.push(`| ${row.label} | ${times(ratio)} | ${spread(row)} | ${times(cpu(row.ours) / cpu(row.reference))} | ${verdict(ratio, row.target)} |`);
    }
    if (section.memory !== undefined && section.memory.length > 0) {
      lines.push("", "| peak RSS | ratio | target |", "|---|---:|---|");
      for (const row of section.memory) lines.push(`| ${row.label} | ${times(memoryRatio(row))} | ${verdict(memoryRatio(row), row.target)} |`);
    }
  }
  return lines.join("\n");
}

/** Every row with a target met, wall time and memory. */
export function allTargetsMet(sections: Section[]): boolean {
  return sections.every(
    (section) =>
      section.rows.every((row) => row.target === undefined || wallRatio(row) <= row.target) &&
      (section.memory ?? []).every((row) => row.target === undefined || memoryRatio(row) <= row.target),
  );
}
