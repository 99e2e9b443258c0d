// The example project (examples/services.toml + protos/auth.proto) generated into test/.tmp for the gRPC tests, and
// the modules they import from it: the generated auth_service client and the generated runtime copy.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { generateInto } from "../../support/generated.js";
import { REPO, TMP } from "../../support/repo.js";

export type AuthModule = typeof import("../../../generated/clients/auth_service/index.js");
export type GrpcRuntime = typeof import("../../../generated/runtime/grpc/index.js");
export type Runtime = typeof import("../../../generated/runtime/index.js");

export interface Generated {
  readonly dir: string;
  readonly auth: AuthModule;
  readonly grpc: GrpcRuntime;
  readonly runtime: Runtime;
}

/** Generates the example into test/.tmp/<name> (one folder per test file, so parallel files never share one). */
export async function generateExample(name: string): Promise<Generated> {
  const dir = path.join(TMP, name);
  const result = await generateInto(path.join(REPO, "examples"), dir);
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`example did not generate: ${errors.map((d) => d.message).join("; ")}`);
  const load = <T>(rel: string): Promise<T> => import(pathToFileURL(path.join(dir, rel)).href) as Promise<T>;
  return {
    dir,
    auth: await load<AuthModule>("clients/auth_service/index.ts"),
    grpc: await load<GrpcRuntime>("runtime/grpc/index.ts"),
    runtime: await load<Runtime>("runtime/index.ts"),
  };
}

/** Collects an async iterable. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** An async iterable of `items`, which records how many were read. */
export function source<T>(items: readonly T[]): AsyncIterable<T> & { read: number } {
  const out = {
    read: 0,
    async *[Symbol.asyncIterator](): AsyncGenerator<T> {
      for (const item of items) {
        out.read++;
        yield item;
      }
    },
  };
  return out;
}

/** The rejection of `p` (fails the test when it resolves). */
export async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
}
