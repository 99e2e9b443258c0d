// The example project's picture (examples/services.toml): what it says about each service, and the committed copies in
// docs/ (`npm run graph:example`) are what svcgen draws today.
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_GRAPHS, exampleModel, renderExampleGraphs } from "../../scripts/graph-example.js";
import { renderGraph } from "../../src/graph/index.js";
import type { Model } from "../../src/model/types.js";
import { REPO } from "../support/repo.js";
import { svgTexts } from "./fixtures.js";

let model: Model;
let pictures: Record<string, string>;

beforeAll(async () => {
  model = await exampleModel();
  pictures = await renderExampleGraphs(model);
});

/** The edge label to a service in the Mermaid text, entity codes decoded, one string per line. */
function mermaidEdge(mermaid: string, key: string): string[] {
  const line = mermaid.split("\n").find((l) => l.endsWith(`| svc_${key}`));
  expect(line, key).toBeDefined();
  const body = /-->\|"(.*)"\|/.exec(line!)![1]!;
  return body.split("<br/>").map((l) => l.replace(/#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code))));
}

describe("the example's picture", () => {
  it("names the caller and every service, each with its url", () => {
    const mermaid = pictures[EXAMPLE_GRAPHS.mermaid]!;
    expect(mermaid).toContain(`caller(["order-api"])`);
    expect(model.services.map((s) => s.key)).toEqual(["auth_service", "payments_service", "users_service"]);
    for (const s of model.services) {
      expect(mermaid).toContain(`svc_${s.key}["${s.key}<br/>${s.url}"]`);
      expect(mermaid).toContain(`caller -->|`);
    }
  });

  // The values are the ones examples/services.toml writes: [defaults] timeout_ms = 10000, [resilience]
  // retry_max_attempts = 3 and circuit_breaker_threshold = 5 / _timeout_secs = 30, and each service's own keys.
  const edges: Array<[string, string[]]> = [
    [
      "auth_service",
      [
        "HTTP :8080, gRPC :8081",
        "timeout 10s",
        "retries: client, 3 attempts",
        "balancer: round_robin",
        "breaker: 5 failures in a row, open 30s",
        "discovery: dns auth-api.default",
        "mesh: none",
      ],
    ],
    [
      "payments_service",
      [
        "HTTP :8080",
        "timeout 10s, getChargeReceipt 2s",
        "retries: client, 3 attempts",
        "balancer: round_robin",
        "breaker: failure rate 0.5 (min 20 in 10s), open 30s",
        "discovery: dns payments-api.payments",
        "mesh: linkerd",
      ],
    ],
    [
      "users_service",
      [
        "HTTP :8080",
        "timeout 10s",
        "retries: client, 3 attempts",
        "balancer: consistent_hash on x-user-id",
        "breaker: 5 failures in a row, open 30s",
        "discovery: dns users-api.default",
        "mesh: istio",
      ],
    ],
  ];
  it.each(edges)("Mermaid edge to %s", (key, want) => {
    expect(mermaidEdge(pictures[EXAMPLE_GRAPHS.mermaid]!, key)).toEqual(want);
  });

  it("SVG names the caller and every service, and renders to the same bytes again", async () => {
    const svg = pictures[EXAMPLE_GRAPHS.svg]!;
    expect(svg).toMatch(/^<\?xml[\s\S]*<\/svg>\n$/);
    const texts = svgTexts(svg);
    for (const name of ["order-api", ...model.services.flatMap((s) => [s.key, s.url])]) expect(texts).toContain(name);
    expect(texts).toContain("retries: client, 3 attempts");
    expect(await renderGraph(model, "svg")).toBe(svg);
  });

  it.each(Object.values(EXAMPLE_GRAPHS))("committed %s is up to date (run `npm run graph:example`)", (file) => {
    expect(readFileSync(path.join(REPO, file), "utf8")).toBe(pictures[file]);
  });
});
