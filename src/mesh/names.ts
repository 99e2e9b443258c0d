// Kubernetes naming rules, checked before any value reaches a manifest template. Quoting in the templates already
// keeps values from changing the YAML's structure; these checks add that the API server would accept them.

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const RFC1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** RFC 9110 token, lower-case only: Istio matches header names in lower case. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;
/** Anything that could end a line or confuse a reader: C0/C1 controls, DEL, line and paragraph separators, BOM. */
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

/** RFC 1123 label: lower-case letters, digits and `-`, alphanumeric at both ends, at most 63 characters. */
export function isDnsLabel(value: string): boolean {
  return value.length <= 63 && DNS_LABEL.test(value);
}

/** RFC 1035 label (what Kubernetes requires of Service names): an RFC 1123 label that starts with a letter. */
export function isRfc1035Label(value: string): boolean {
  return value.length <= 63 && RFC1035_LABEL.test(value);
}

/** The characters of an RFC 1123 label, of any length (lint reports the length separately). */
export function hasDnsLabelCharacters(value: string): boolean {
  return value.length <= 253 && DNS_LABEL.test(value);
}

/** RFC 1123 subdomain: dot-separated labels, at most 253 characters. */
export function isDnsSubdomain(value: string): boolean {
  return value.length <= 253 && value.split(".").every(isDnsLabel);
}

/** Label key: optional DNS-subdomain prefix and `/`, then a name of at most 63 characters. */
export function isLabelKey(value: string): boolean {
  const slash = value.indexOf("/");
  const prefix = slash >= 0 ? value.slice(0, slash) : undefined;
  const name = slash >= 0 ? value.slice(slash + 1) : value;
  if (prefix !== undefined && !isDnsSubdomain(prefix)) return false;
  return name.length <= 63 && LABEL_NAME.test(name);
}

/** Label value: empty, or at most 63 characters of `[A-Za-z0-9_.-]`, alphanumeric at both ends. */
export function isLabelValue(value: string): boolean {
  return value === "" || (value.length <= 63 && LABEL_NAME.test(value));
}

/** Kubernetes port name (IANA_SVC_NAME characters): `[a-z0-9-]`, at least one letter, no `--`, alphanumeric ends. */
export function isPortNameShape(value: string): boolean {
  return value.length <= 63 && DNS_LABEL.test(value) && /[a-z]/.test(value) && !value.includes("--");
}

export function isHeaderName(value: string): boolean {
  return value.length <= 256 && HEADER_NAME.test(value);
}

/** Free text that will be quoted: no control characters or line separators, at most 1024 characters. */
export function isSafeText(value: string): boolean {
  return value.length <= 1024 && !UNSAFE_TEXT.test(value);
}

export const RULES = {
  dnsLabel: "an RFC 1123 label (lower-case letters, digits and '-', alphanumeric at both ends, at most 63 characters)",
  rfc1035: "an RFC 1035 label (a lower-case letter first, then letters, digits and '-', at most 63 characters)",
  labelKey: "a Kubernetes label key ([prefix/]name, the name at most 63 characters of letters, digits, '-', '_' and '.')",
  labelValue: "a Kubernetes label value (at most 63 characters of letters, digits, '-', '_' and '.', alphanumeric at both ends)",
  portName: "a port name (lower-case letters, digits and '-', with a letter, alphanumeric at both ends)",
  headerName: "a lower-case HTTP header name (RFC 9110 token)",
  safeText: "text without control characters or line breaks (at most 1024 characters)",
} as const;
