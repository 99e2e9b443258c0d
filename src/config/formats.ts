// Checks for string values, by the `format` named in keys.ts. Each returns the normalised value or a problem
// phrased to follow the key name: `"namespace" must be a DNS label (...)`.
import { RULES, isLabelKey, isLabelValue } from "../mesh/names.js";
import type { StringFormat } from "./keys.js";
import { type Checked, parseOrigin, parseServiceUrl } from "./url.js";

/** Shared with the JSON Schema (schema.ts), so editors flag what the parser rejects. */
export const PATTERNS = {
  dnsLabel: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
  /** Dot-separated DNS labels (RFC 1123 subdomain, as Kubernetes spells names). */
  dnsName: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
  /** RFC 9110 token characters. */
  header: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$",
  httpPath: "^/[^\\s?#]*$",
  hostPort: "^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?):([0-9]{1,5})$",
  /** A POSIX environment variable name. */
  envName: "^[A-Za-z_][A-Za-z0-9_]*$",
  /**
   * Kubernetes label key: an optional DNS-subdomain prefix and "/", then a name of at most 63 characters (the
   * prefix's 253-character bound is left to the parser: mesh/names.ts isLabelKey is the rule).
   */
  labelKey:
    "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$",
  /** Kubernetes label value: empty, or at most 63 characters, alphanumeric at both ends. */
  labelValue: "^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$",
  /** What relative-path rejects: rooted, drive-letter and scheme-qualified paths. */
  absolutePath: "^([/\\\\]|[A-Za-z]:|[A-Za-z][A-Za-z0-9+.-]*://)",
} as const;

const DNS_LABEL = new RegExp(PATTERNS.dnsLabel);
const DNS_NAME = new RegExp(PATTERNS.dnsName);
const HEADER_NAME = new RegExp(PATTERNS.header);
const HTTP_PATH = new RegExp(PATTERNS.httpPath);
const HOST_PORT = new RegExp(PATTERNS.hostPort);
const ABSOLUTE_PATH = new RegExp(PATTERNS.absolutePath);
const ENV_NAME = new RegExp(PATTERNS.envName);

export const DNS_LABEL_RULE = 'a DNS label (lower-case letters, digits and "-", at most 63 characters)';

export function isDnsLabel(text: string): boolean {
  return text.length <= 63 && DNS_LABEL.test(text);
}

const fail = (problem: string): Checked<never> => ({ ok: false, problem, showValue: true });

export function checkFormat(format: StringFormat, text: string): Checked<unknown> {
  switch (format) {
    case "url":
      return parseServiceUrl(text);
    case "origin":
      return parseOrigin(text);
    case "dns-label":
      return isDnsLabel(text) ? { ok: true, value: text } : fail(`must be ${DNS_LABEL_RULE}`);
    case "dns-name":
      return text.length <= 253 && DNS_NAME.test(text) && text.split(".").every(isDnsLabel)
        ? { ok: true, value: text }
        : fail('must be a DNS name (DNS labels joined by ".", at most 253 characters)');
    case "header":
      // Header names are case-insensitive; the runtime looks them up lower-cased.
      return HEADER_NAME.test(text) ? { ok: true, value: text.toLowerCase() } : fail("must be an HTTP header name");
    case "http-path":
      return HTTP_PATH.test(text) ? { ok: true, value: text } : fail('must be a path starting with "/"');
    case "host-port": {
      const match = HOST_PORT.exec(text);
      const port = Number(match?.[3]);
      return match && port >= 1 && port <= 65_535 ? { ok: true, value: text } : fail('must be "host:port"');
    }
    case "relative-path": {
      // Paths are kept as written but with `/`, so generated output is the same on every OS.
      if (text.trim() === "" || ABSOLUTE_PATH.test(text)) return fail("must be a path relative to the config file");
      return { ok: true, value: text.replaceAll("\\", "/") };
    }
    case "env-name":
      return ENV_NAME.test(text) ? { ok: true, value: text } : fail('must be an environment variable name (letters, digits and "_", not starting with a digit)');
    case "non-empty":
      return text.trim() === "" ? fail("must not be empty") : { ok: true, value: text };
    case "label-key":
      return isLabelKey(text) ? { ok: true, value: text } : fail(`must be ${RULES.labelKey}`);
    case "label-value":
      return isLabelValue(text) ? { ok: true, value: text } : fail(`must be ${RULES.labelValue}`);
  }
}
