// `x-idempotent` decides both ways: true makes a POST retryable, false keeps a DELETE from being sent twice (the
// README promises both); without it the method decides (RFC 9110).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { TMP } from "../../support/repo.js";
import { load, op } from "./load.js";

it("x-idempotent overrides the method's rule in either direction", async () => {
  const dir = path.join(TMP, "x-idempotent");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, "api.yaml"),
    `openapi: 3.0.3
info: { title: t, version: "1" }
paths:
  /a:
    delete: { operationId: dropA, x-idempotent: false, responses: { "204": { description: ok } } }
    post: { operationId: makeA, x-idempotent: true, responses: { "201": { description: ok } } }
    put: { operationId: putA, responses: { "204": { description: ok } } }
    patch: { operationId: patchA, responses: { "204": { description: ok } } }
`,
  );
  const result = await load("api.yaml", dir);
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const model = result.model!;
  expect([op(model, "dropA"), op(model, "makeA"), op(model, "putA"), op(model, "patchA")].map((o) => o.idempotent)).toEqual([false, true, true, false]);
});
