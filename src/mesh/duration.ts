// Durations for manifests: one integer and the largest exact unit (`10s`, `1500ms`, `2m`). Every consumer accepts
// this form: Go's time.ParseDuration (Istio, Linkerd annotations), Gateway API's `^([0-9]{1,5}(h|m|s|ms)){1,4}$`
// for values up to 99999 of a unit, and CEL's duration().

export function formatDuration(ms: number): string {
  const units: Array<[string, number]> = [
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1_000],
  ];
  for (const [unit, size] of units) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
