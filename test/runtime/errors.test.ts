// Brand checks must hold across two copies of the runtime (two generated clients in one program), where
// `instanceof` on the plain class would fail.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import * as runtime from "../../src/runtime/index.js";

const copyDir = path.resolve(import.meta.dirname, ".tmp", "runtime-copy");
let other: typeof runtime;

beforeAll(async () => {
  fs.rmSync(copyDir, { recursive: true, force: true });
  fs.cpSync(path.resolve(import.meta.dirname, "../../src/runtime"), copyDir, { recursive: true });
  other = (await import(path.join(copyDir, "index.ts"))) as typeof runtime;
});
afterAll(() => fs.rmSync(copyDir, { recursive: true, force: true }));

const make: [string, (r: typeof runtime) => runtime.SvcgenError, keyof typeof runtime, string][] = [
  ["HttpError", (r) => new r.HttpError(503, {}, "x"), "isHttpError", "SVCGEN_HTTP"],
  ["ConnectError", (r) => new r.ConnectError(), "isConnectError", "SVCGEN_CONNECT"],
  ["ResetError", (r) => new r.ResetError(), "isResetError", "SVCGEN_RESET"],
  ["TimeoutError", (r) => new r.TimeoutError(5), "isTimeoutError", "SVCGEN_TIMEOUT"],
  ["DeadlineExceededError", (r) => new r.DeadlineExceededError(5), "isDeadlineExceededError", "SVCGEN_DEADLINE"],
  ["CircuitOpenError", (r) => new r.CircuitOpenError("service"), "isCircuitOpenError", "SVCGEN_CIRCUIT_OPEN"],
  ["EndpointsExhaustedError", (r) => new r.EndpointsExhaustedError(new r.ConnectError()), "isEndpointsExhaustedError", "SVCGEN_ENDPOINTS_EXHAUSTED"],
  ["AbortError", (r) => new r.AbortError(), "isAbortError", "SVCGEN_ABORTED"],
  ["DecodeError", (r) => new r.DecodeError(), "isDecodeError", "SVCGEN_DECODE"],
  ["RequestError", (r) => new r.RequestError("x"), "isRequestError", "SVCGEN_REQUEST"],
  ["ConfigError", (r) => new r.ConfigError("x"), "isConfigError", "SVCGEN_CONFIG"],
  ["EndpointSetError", (r) => new r.EndpointSetError({ kind: "mixed_scheme", index: 1, expected: "https", found: "http" }), "isEndpointSetError", "SVCGEN_ENDPOINT_SET"],
];

describe("errors", () => {
  it("the copy really is a second module instance", () => {
    expect(other.HttpError).not.toBe(runtime.HttpError);
  });

  it.each(make)("%s is recognised by both copies' brand checks and instanceof", (_name, build, check, code) => {
    const foreign = build(other);
    const local = build(runtime);
    for (const e of [foreign, local]) {
      expect(e.code).toBe(code);
      expect((runtime[check] as (v: unknown) => boolean)(e)).toBe(true);
      expect((other[check] as (v: unknown) => boolean)(e)).toBe(true);
      expect(runtime.isSvcgenError(e)).toBe(true);
      expect(e instanceof runtime.SvcgenError).toBe(true);
      expect(e instanceof other.SvcgenError).toBe(true);
      expect(e instanceof Error).toBe(true);
    }
    const ctor = (runtime as unknown as Record<string, new (...a: never[]) => unknown>)[_name]!;
    expect(foreign instanceof ctor).toBe(true);
  });

  it("brand checks do not confuse kinds or plain errors", () => {
    const http = new other.HttpError(500, {}, undefined);
    expect(runtime.isConnectError(http)).toBe(false);
    expect(http instanceof runtime.ConnectError).toBe(false);
    const plain = Object.assign(new Error("x"), { code: "SVCGEN_HTTP" });
    expect(runtime.isHttpError(plain)).toBe(false);
    expect(plain instanceof runtime.HttpError).toBe(false);
    expect(runtime.isSvcgenError(null)).toBe(false);
    expect(runtime.isSvcgenError("SVCGEN_HTTP")).toBe(false);
  });

  it("every error carries attempts and notProcessed", () => {
    const e = new runtime.ConnectError({ service: "s", operation: "o", endpoint: "http://a:1" });
    expect(e.attempts).toEqual([]);
    expect(e.notProcessed).toBe(true);
    expect(e.message).toBe("s.o: could not connect to http://a:1");
  });
});
