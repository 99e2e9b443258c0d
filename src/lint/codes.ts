// Stable lint codes. Findings are warnings; `svcgen lint --strict` (and `gen --strict`) turns them into errors.
export const LINT_CODES = {
  SVC101: "the client and the mesh both retry (client attempts × mesh tries > 4)",
  SVC102: "mesh retries may repeat POST/PATCH requests that are not idempotent",
  SVC103: "per-try timeout × tries + backoff exceeds the overall timeout",
  SVC104: "a mesh per-try timeout is above its route timeout",
  SVC105: "Istio consistent hashing does not apply with headless discovery",
  SVC106: "a Linkerd ServiceProfile makes Linkerd ignore the retry/timeout annotations",
  SVC107: "a retry budget set on one route (budgets are per service)",
  SVC108: "gRPC caps max attempts at 5",
  SVC109: "a Kubernetes name breaks RFC 1035",
  SVC110: "a port name is longer than 15 characters",
  SVC111: "the hash header is not sent by any operation of the OpenAPI spec",
  SVC112: "client retry settings unused because the mesh owns retries",
  SVC113: "mesh retry settings while the client owns retries",
  SVC114: "consistent hashing does not survive Linkerd's per-request balancing",
  SVC115: "gRPC statuses the mesh cannot retry while the mesh owns retries",
  SVC116: "network_policy: a callee outside the cluster, whose calls the NetworkPolicy blocks",
  SVC117: "network_policy: a port the callee's pods listen on is not known (the url names none, or static endpoints use another)",
  SVC118: "network_policy: a callee's namespace is not known",
} as const;

export type LintCode = keyof typeof LINT_CODES;
