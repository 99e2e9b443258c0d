// The last check before a value enters a view: every name, label, header and path is validated here, so nothing in
// services.toml or a spec reaches a template unchecked. Failures are collected as diagnostics; emitYaml refuses to
// render when there are any (validateManifests reports them first).
import type { Diagnostic, SourceLocation } from "../../model/types.js";
import {
  RULES,
  isDnsLabel,
  isHeaderName,
  isLabelKey,
  isLabelValue,
  isPortNameShape,
  isSafeText,
} from "../../mesh/names.js";

/** Characters any generated name may have; RFC 1035 itself is the lint's (SVC109), not a reason to refuse. */
const NAME = /^[a-z0-9_][a-z0-9_.-]{0,252}$/;

export class Guard {
  readonly diagnostics: Diagnostic[] = [];

  #check(ok: boolean, value: string, what: string, rule: string, location: SourceLocation): string {
    if (!ok) {
      this.diagnostics.push({
        severity: "error",
        code: "manifest/invalid-value",
        message: `${what} ${JSON.stringify(value)} cannot go into a manifest: it must be ${rule}`,
        location,
      });
    }
    return value;
  }

  name(value: string, what: string, location: SourceLocation): string {
    return this.#check(NAME.test(value), value, what, "lower-case letters, digits, '-', '_' and '.' (at most 253)", location);
  }

  dnsLabel(value: string, what: string, location: SourceLocation): string {
    return this.#check(isDnsLabel(value), value, what, RULES.dnsLabel, location);
  }

  labels(labels: Record<string, string>, what: string, location: SourceLocation): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of Object.keys(labels).sort()) {
      this.#check(isLabelKey(key), key, `${what} key`, RULES.labelKey, location);
      out[key] = this.#check(isLabelValue(labels[key]!), labels[key]!, `${what} value`, RULES.labelValue, location);
    }
    return out;
  }

  portName(value: string, location: SourceLocation): string {
    return this.#check(isPortNameShape(value), value, "port name", RULES.portName, location);
  }

  headerName(value: string, location: SourceLocation): string {
    return this.#check(isHeaderName(value), value, "header name", RULES.headerName, location);
  }

  text(value: string, what: string, location: SourceLocation): string {
    return this.#check(isSafeText(value), value, what, RULES.safeText, location);
  }

  path(value: string, what: string, location: SourceLocation): string {
    return this.#check(isSafeText(value) && value.startsWith("/"), value, what, `a path starting with "/" and ${RULES.safeText}`, location);
  }

  fail(message: string, location: SourceLocation): void {
    this.diagnostics.push({ severity: "error", code: "manifest/invalid-value", message, location });
  }
}
