// What the soak benchmark measured, the targets from issue 10, and the text/JSON it prints.

export interface Bucket {
  /** Seconds since the fault campaign started; buckets at or past `seconds` are the drain. */
  second: number;
  getOk: number;
  postOk: number;
  /** Failed calls by error code. */
  failed: Record<string, number>;
}

export interface Tally {
  calls: number;
  ok: number;
  /** Failed calls by error code (`ABANDONED`: still in flight when the drain ended, counted as failed). */
  failed: Record<string, number>;
}

export interface SoakResult {
  seconds: number;
  concurrency: number;
  drainSeconds: number;
  faults: { status503: number; reset: number; stall: number };
  endpoints: readonly string[];
  /** The policy `svcgen gen` baked into the client (defaults only). */
  policy: unknown;
  outage: { port: number; killedAtS: number; restartedAtS?: number; listeningAtS?: number; restartError?: string };
  get: Tally;
  post: Tally;
  perSecond: Bucket[];
  /** Seconds of the campaign (not the drain) in which no call succeeded. */
  zeroSeconds: number[];
  /** Order ids that reached a server more than once, and the surplus executions. */
  duplicateOrders: number;
  duplicateExecutions: number;
  unkeyedPostConnectFailures: number;
  serverRequests: number;
  serverRequestsByPort: Record<string, number>;
  /** Server-side requests / client logical calls. */
  amplification: number;
  heapBeforeMiB?: number;
  heapAfterMiB?: number;
  closeMs: number;
  /** Resource types (process.getActiveResourcesInfo) present after close() that were not before, with counts. */
  handlesLeft: Record<string, number>;
  /** Listeners the runtime left on the caller's AbortSignal once every call settled (should be 0). */
  abortListenersLeft: number;
}

export interface Target {
  name: string;
  want: string;
  got: string;
  met: boolean;
}

export const rate = (t: Tally): number => (t.calls === 0 ? Number.NaN : (100 * t.ok) / t.calls);
const pct = (value: number): string => (Number.isNaN(value) ? "—" : `${value.toFixed(2)} %`);
const mib = (value: number | undefined): string => (value === undefined ? "— (no gc)" : `${value.toFixed(1)} MiB`);

export function targets(r: SoakResult): Target[] {
  const getRate = rate(r.get);
  return [
    { name: "GET success rate", want: "≥ 99 %", got: pct(getRate), met: getRate >= 99 },
    { name: "seconds with zero successes", want: "0", got: String(r.zeroSeconds.length), met: r.zeroSeconds.length === 0 },
    { name: "duplicate unkeyed POST executions", want: "0", got: String(r.duplicateExecutions), met: r.duplicateExecutions === 0 },
    { name: "unkeyed POSTs failed SVCGEN_CONNECT", want: "0", got: String(r.unkeyedPostConnectFailures), met: r.unkeyedPostConnectFailures === 0 },
  ];
}

function merge(...records: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const record of records) for (const [k, v] of Object.entries(record)) out[k] = (out[k] ?? 0) + v;
  return out;
}

const sortedCounts = (record: Record<string, number>): [string, number][] =>
  Object.entries(record).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));

const short = (code: string): string => code.replace(/^SVCGEN_/, "");

export function text(r: SoakResult): string {
  const lines: string[] = [];
  const o = r.outage;
  lines.push("", "per second (completions; * = outage: server killed, ^ = restarted; drain after the line):");
  lines.push("    s   GET ok  POST ok   failed  by code");
  for (const b of r.perSecond) {
    if (b.second === r.seconds) lines.push("  ---- drain ----");
    const failed = Object.values(b.failed).reduce((a, v) => a + v, 0);
    const mark = b.second === Math.floor(o.killedAtS) ? "*" : o.restartedAtS !== undefined && b.second === Math.floor(o.restartedAtS) ? "^" : " ";
    const codes = sortedCounts(b.failed).map(([k, v]) => `${short(k)} ${v}`).join(", ");
    lines.push(`${mark}${String(b.second).padStart(4)}  ${String(b.getOk).padStart(7)}  ${String(b.postOk).padStart(7)}  ${String(failed).padStart(7)}  ${codes}`);
  }
  const ports = Object.entries(r.serverRequestsByPort).map(([p, n]) => `${p}: ${n}`).join(", ");
  const restart = o.restartError ?? (o.listeningAtS === undefined ? "not restarted" : `restarted at ${o.restartedAtS?.toFixed(1)} s, listening at ${o.listeningAtS.toFixed(1)} s`);
  lines.push(
    "",
    `soak: ${r.seconds} s, ${r.concurrency} in flight, drain ≤ ${r.drainSeconds} s; faults 503 ${r.faults.status503 * 100} %, reset ${r.faults.reset * 100} %, stall ${r.faults.stall * 100} %`,
    `outage: port ${o.port} SIGKILLed at ${o.killedAtS.toFixed(1)} s, ${restart}`,
    `server requests by port: ${ports}`,
    "",
    "| figure | value | target | |",
    "|---|---:|---|---|",
  );
  const t = targets(r);
  const row = (name: string, value: string, target?: Target): void => void lines.push(`| ${name} | ${value} | ${target?.want ?? ""} | ${target === undefined ? "" : target.met ? "met" : "MISSED"} |`);
  row("GET success rate", `${pct(rate(r.get))} (${r.get.ok}/${r.get.calls})`, t[0]);
  row("POST success rate (unkeyed)", `${pct(rate(r.post))} (${r.post.ok}/${r.post.calls})`);
  row("seconds with zero successes", r.zeroSeconds.length === 0 ? "0" : `${r.zeroSeconds.length} (s ${r.zeroSeconds.join(", ")})`, t[1]);
  row("duplicate unkeyed POST executions", `${r.duplicateExecutions} (${r.duplicateOrders} ids)`, t[2]);
  row("unkeyed POSTs failed SVCGEN_CONNECT", String(r.unkeyedPostConnectFailures), t[3]);
  row("retry amplification (server req / call)", `${r.amplification.toFixed(3)} (${r.serverRequests}/${r.get.calls + r.post.calls})`);
  row("GET failures by code", sortedCounts(r.get.failed).map(([k, v]) => `${short(k)} ${v}`).join(", ") || "none");
  row("POST failures by code", sortedCounts(r.post.failed).map(([k, v]) => `${short(k)} ${v}`).join(", ") || "none");
  row("heap used before → after", `${mib(r.heapBeforeMiB)} → ${mib(r.heapAfterMiB)}`);
  row("client.close()", `${r.closeMs.toFixed(0)} ms`);
  row("abort listeners left on the caller's signal", String(r.abortListenersLeft));
  row("handles left after close()", sortedCounts(r.handlesLeft).map(([k, v]) => `${k} ${v}`).join(", ") || "none");
  const missed = t.filter((x) => !x.met).map((x) => x.name);
  lines.push("", missed.length === 0 ? "all targets met" : `targets MISSED: ${missed.join("; ")}`);
  return lines.join("\n");
}

export function json(r: SoakResult): string {
  const t = targets(r);
  return JSON.stringify({
    ...r,
    getSuccessRate: rate(r.get),
    postSuccessRate: rate(r.post),
    failuresByCode: merge(r.get.failed, r.post.failed),
    targets: t,
    targetsMet: t.every((x) => x.met),
  });
}
