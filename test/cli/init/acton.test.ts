// acton-service config.toml → services.toml, table by table: what is kept verbatim (comments included), what is
// rewritten without a key svcgen does not read, and the warning (with its position) for every key left out.
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { convertActonConfig } from "../../../src/cli/init/acton.js";
import { convertedFooter, convertedHeader } from "../../../src/cli/init/template.js";
import { parseConfig } from "../../../src/config/index.js";

interface Case {
  given: string;
  /** The kept statements between the header comment and the commented [defaults] footer. */
  body: string;
  leftOut?: string[];
  warnings?: string[];
}

const cases: [string, Case][] = [
  [
    "a service table keeps the keys svcgen reads, as written",
    {
      given: `[external_services.billing]
url = "http://billing:8080"   # the ledger
api_key = "sk_live_123"
timeout_ms = 2000
`,
      body: `[external_services.billing]
url = "http://billing:8080"   # the ledger
timeout_ms = 2000`,
      warnings: ['config.toml:3:1: warning: left out "api_key" in [external_services.billing]: svcgen does not read it'],
    },
  ],
  [
    "an inline table losing a key is rewritten as dotted keys",
    {
      given: `[external_services]
billing = { url = "http://billing:8080", token = "t0k3n", retry = { budget_ratio = 0.5, jitterr = "none" } }
`,
      body: `[external_services]
billing.url = "http://billing:8080"
billing.retry.budget_ratio = 0.5`,
      warnings: [
        'config.toml:2:42: warning: left out "token" in [external_services.billing]: svcgen does not read it',
        'config.toml:2:89: warning: left out "jitterr" in [external_services.billing.retry]: svcgen does not read it (did you mean "jitter"?)',
      ],
    },
  ],
  [
    "an entry of [external_services] that is neither a URL nor a table is not a service",
    {
      given: `[external_services]
timeout_secs = 30
auth_service = "http://auth-api:8080"
`,
      body: `[external_services]
auth_service = "http://auth-api:8080"`,
      warnings: ['config.toml:2:1: warning: left out "timeout_secs" in [external_services]: a service is a URL string or a table'],
    },
  ],
  [
    "a table svcgen does not know is left out whole, with one warning at its header",
    {
      given: `[external_services.billing]
url = "http://billing:8080"

[external_services.billing.secrets]
token = "t0k3n"
`,
      body: `[external_services.billing]
url = "http://billing:8080"`,
      warnings: ['config.toml:4:28: warning: left out "secrets" in [external_services.billing]: svcgen does not read it'],
    },
  ],
  [
    "a misspelt [resilience] key gets a suggestion; the comment above the next kept key stays",
    {
      given: `[resilience]
retry_enabled = true
# four tries
retry_max_attempt = 4
# the breaker
circuit_breaker_threshold = 5
`,
      body: `[resilience]
retry_enabled = true
# the breaker
circuit_breaker_threshold = 5`,
      warnings: [
        'config.toml:4:1: warning: left out "retry_max_attempt" in [resilience]: svcgen does not read it (did you mean "retry_max_attempts"?)',
      ],
    },
  ],
  [
    "arrays of tables: a key inside an element is found at its own line",
    {
      given: `[external_services.users]
url = "http://users-api:8080"

[[external_services.users.mesh.routes]]
headers = { version = "v2" }
subset = "v2"

[[external_services.users.mesh.routes]]
weights = { v1 = 90, v2 = 10 }
note = "canary"
`,
      body: `[external_services.users]
url = "http://users-api:8080"

[[external_services.users.mesh.routes]]
headers = { version = "v2" }
subset = "v2"

[[external_services.users.mesh.routes]]
weights = { v1 = 90, v2 = 10 }`,
      warnings: ['config.toml:10:1: warning: left out "note" in [external_services.users.mesh.routes]: svcgen does not read it'],
    },
  ],
  [
    "a header-like line inside a multi-line string or array is not a header",
    {
      given: `[database]
notes = """
[external_services]
evil = "http://evil:80"
"""
[service]
name = "order-api"
tags = [
  ["a", "b"],
]
`,
      body: `[service]
name = "order-api"
tags = [
  ["a", "b"],
]`,
      leftOut: ["[database]"],
    },
  ],
  [
    "top-level keys: dotted keys of a kept table stay, the rest is listed as left out",
    {
      given: `title = "order"
service.name = "order-api"

[external_services]
auth_service = "http://auth-api:8080"
`,
      body: `service.name = "order-api"

[external_services]
auth_service = "http://auth-api:8080"`,
      leftOut: ["title"],
    },
  ],
  [
    "comments that are not directly above a kept table go with what was left out",
    {
      given: `# acton-service config
# (copy of config.example.toml)

# Calls
[external_services]
auth_service = "http://auth-api:8080"

# [surrealdb]
# password = "root"

[redis]
url = "redis://redis:6379"
`,
      body: `# Calls
[external_services]
auth_service = "http://auth-api:8080"`,
      leftOut: ["[redis]"],
    },
  ],
];

describe("convertActonConfig", () => {
  it.each(cases)("%s", (_name, { given, body, leftOut = [], warnings = [] }) => {
    const result = convertActonConfig(given, "config.toml");
    if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
    const want = [...convertedHeader("config.toml", leftOut), "", body, "", ...convertedFooter()].join("\n");
    expect(result.text).toBe(`${want}\n`);
    expect(result.leftOut).toEqual(leftOut);
    expect(result.dropped.map((d) => `${d.location.file}:${d.location.line}:${d.location.column}: ${d.severity}: ${d.message}`)).toEqual(warnings);
    // What is kept parses, and svcgen knows every key of it.
    expect(() => parse(result.text)).not.toThrow();
    expect(parseConfig(result.text, "services.toml").diagnostics.filter((d) => d.code === "config/unknown-key")).toEqual([]);
  });

  it("a syntax error is gen's diagnostic, at its position", () => {
    expect(convertActonConfig('[service]\nname = "a"\nname = "b"\n', "config.toml")).toEqual({
      ok: false,
      diagnostics: [
        {
          severity: "error",
          code: "config/syntax",
          message: expect.stringMatching(/^invalid TOML: /),
          location: { file: "config.toml", line: 3, column: expect.any(Number) },
        },
      ],
    });
  });
});
