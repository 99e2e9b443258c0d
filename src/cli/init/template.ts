// The text `svcgen init` writes: a services.toml that `gen` accepts as it is, with the acton-service seed's defaults
// shown. The values come from the built-in defaults (src/config/builtins.ts), so the file says what svcgen does.
import { BUILTIN_DEFAULTS } from "../../config/builtins.js";

/**
 * Editors with TOML schema support complete and check every key with it: the schema of the svcgen installed in the
 * project, `root` being the project folder relative to the file (`.` when the file sits in it).
 */
export function schemaLine(root = "."): string {
  return `#:schema ${root}/node_modules/svcgen/schemas/services.schema.json`;
}

/** The caller's name when the folder's package.json gives none that fits. */
export const PLACEHOLDER_NAME = "my-service";

const { retry, circuit_breaker: breaker } = BUILTIN_DEFAULTS;

const RESOLUTION = [
  "# Every value is resolved in this order, later wins:",
  "#   built-in defaults → [resilience] → [defaults] → [external_services.<name>] → ...operations.<operationId>",
];

/** A fresh services.toml: the caller, the seed's resilience values, default timeouts, and sample services. */
export function freshConfig(callerName: string, schemaRoot = "."): string {
  return lines([
    schemaLine(schemaRoot),
    "# The services this service calls, in acton-service's config.toml shape. `svcgen gen` reads this file and the specs",
    "# it names and writes one typed client per service (plus Kubernetes/mesh YAML) into generated/. The README's",
    '# "Configuration reference" lists every key.',
    "#",
    ...RESOLUTION,
    "",
    "# Who is calling. The name is used for mesh egress rules and request identification. With network_policy = true,",
    "# gen also writes k8s/network-policy.yaml: egress from these pods only to the services below, and DNS.",
    "[service]",
    `name = ${JSON.stringify(callerName)}`,
    '# namespace = "default"',
    `# labels = { app = ${JSON.stringify(callerName)} }`,
    "# network_policy = true",
    "",
    ...resilienceBlock(),
    "",
    ...defaultsBlock(false),
    "",
    "# The services this one calls, by key: the key names generated/clients/<key>/ and create<Key>Client. A URL alone is",
    "# acton-service's form (the host is the Kubernetes Service name) and gives a client with request() calls; a table",
    "# adds an OpenAPI spec for typed methods, a .proto for gRPC, and policy keys of its own.",
    "[external_services]",
    '# auth_service = "http://auth-api:8080"',
    "",
    "# [external_services.users_service]",
    '# url = "http://users-api:8080"',
    '# openapi = "specs/users.yaml"',
    "# timeout_ms = 5000",
  ]);
}

/** The top of a services.toml made from an acton-service config.toml by `init --from`. */
export function convertedHeader(source: string, leftOut: readonly string[], schemaRoot = "."): string[] {
  return [
    schemaLine(schemaRoot),
    `# Made by \`svcgen init --from ${source}\`: its [service], [external_services] and [resilience], as written there.`,
    ...(leftOut.length === 0 ? [] : wrap(`# Left out (svcgen reads none of it): ${leftOut.join(", ")}.`)),
    "# `svcgen gen` reads this file and writes one typed client per service (plus Kubernetes/mesh YAML) into",
    "# generated/; give a service a table with an `openapi` spec for typed methods.",
    "#",
    ...RESOLUTION,
  ];
}

/** What a converted file ends with: the [defaults] table svcgen adds to acton-service's, commented out. */
export function convertedFooter(): string[] {
  return defaultsBlock(true);
}

function resilienceBlock(): string[] {
  const tries = retry.max_attempts;
  return [
    "# acton-service's ResilienceConfig, with its names and the values of its service-discovery guide: open the circuit",
    `# after ${breaker.failure_threshold} consecutive failures, try again ${breaker.open_ms / 1000} s later, ` +
      `and make up to ${tries} attempts per call in all.`,
    "[resilience]",
    `circuit_breaker_enabled = ${breaker.enabled}`,
    `circuit_breaker_threshold = ${breaker.failure_threshold}`,
    `circuit_breaker_timeout_secs = ${breaker.open_ms / 1000}`,
    `retry_enabled = ${tries > 1}`,
    `retry_max_attempts = ${tries}`,
  ];
}

/** `[defaults]` with the seed's timeouts; the other built-in defaults as comments (set here, they win over [resilience]). */
function defaultsBlock(commented: boolean): string[] {
  const off = commented ? "# " : "";
  const about = commented
    ? [
        "# svcgen's own table: policy for every service unless the service says otherwise. The values shown are the",
        "# built-in defaults (the timeouts are the acton-service guide's reqwest client's: 10 s for a whole call, 5 s to",
        "# connect); uncommented, a key here wins over [resilience].",
      ]
    : [
        "# Applies to every service unless the service says otherwise. The timeouts are the guide's reqwest client's: 10 s",
        "# for a whole call, 5 s to connect. The commented keys are the other built-in defaults; a key set here wins over",
        "# the [resilience] table.",
      ];
  return [
    ...about,
    `${off}[defaults]`,
    `${off}timeout_ms = ${BUILTIN_DEFAULTS.timeout_ms}`,
    `${off}connect_timeout_ms = ${BUILTIN_DEFAULTS.connect_timeout_ms}`,
    `# load_balancer = ${JSON.stringify(BUILTIN_DEFAULTS.load_balancer)}`,
    `# retry.initial_backoff_ms = ${retry.initial_backoff_ms}`,
    `# retry.max_backoff_ms = ${retry.max_backoff_ms}`,
    `# retry.jitter = ${JSON.stringify(retry.jitter)}`,
    `# retry.retry_on = [${retry.retry_on.map((item) => JSON.stringify(item)).join(", ")}]`,
    `# retry.budget_ratio = ${retry.budget_ratio}`,
  ];
}

/** Comment text wrapped at 118 columns, continuation lines indented under the first word. */
function wrap(comment: string): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of comment.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > 118) {
      out.push(line);
      line = `#   ${word}`;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") out.push(line);
  return out;
}

function lines(list: readonly string[]): string {
  return `${list.join("\n")}\n`;
}
