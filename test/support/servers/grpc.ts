// A real, independent gRPC server for tests: @grpc/grpc-js on 127.0.0.1, port 0, services loaded from .proto files
// with @grpc/proto-loader, and the standard grpc.health.v1 Health service (grpc-health-check). It records what it saw
// (method, request as proto-loader decoded it, metadata, the deadline the client sent) and can be scripted to fail.
import * as grpc from "@grpc/grpc-js";
import * as loader from "@grpc/proto-loader";
import { HealthImplementation } from "grpc-health-check";
import type { ServingStatus } from "grpc-health-check";

export interface SeenCall {
  /** `/auth.v1.AuthService/ValidateToken`. */
  readonly path: string;
  /** The decoded request (longs as strings, enums as names, defaults filled in); streams: every message. */
  readonly request: unknown;
  /** Request metadata as the server got it (lower-case keys, grpc-js's own removed). */
  readonly metadata: Record<string, string>;
  /** Milliseconds the client's grpc-timeout left when the call arrived; Infinity when it sent none. */
  readonly deadlineMs: number;
  /** The client's address and port: one per connection. */
  readonly peer: string;
  /** The call's :authority. */
  readonly authority: string;
}

/** A scripted answer for the next call(s) of one method: a status, or `stall` (never answer; the client gives up). */
export type Fault =
  | {
      readonly code: grpc.status;
      readonly message?: string;
      /** Trailing metadata, e.g. `{ "grpc-retry-pushback-ms": "50" }`. */
      readonly metadata?: Record<string, string>;
    }
  | { readonly stall: true };

export interface GrpcServerOptions {
  readonly protoFile: string;
  readonly includeDirs?: readonly string[];
  /** `package.Service` → method name → handler (grpc-js style). */
  readonly handlers: Record<string, grpc.UntypedServiceImplementation>;
  /** Initial grpc.health.v1 statuses; "" is the server as a whole. */
  readonly health?: Record<string, ServingStatus>;
  /** Server name, sent back as `x-served-by` response metadata by handlers that use `respond()`. */
  readonly name?: string;
  /** Serve TLS with this key and certificate (PEM); the url is then https. */
  readonly tls?: { readonly key: Buffer; readonly cert: Buffer };
}

export interface RunningGrpcServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly name: string;
  readonly seen: SeenCall[];
  /** Calls per path, including failed and scripted ones. */
  count(path: string): number;
  /** Stalled calls of `path` the client cancelled (grpc-timeout ran out, or it gave up). */
  cancelled(path: string): number;
  /** The next `times` calls of `path` fail with `fault` before reaching the handler. */
  failNext(path: string, fault: Fault, times?: number): void;
  setHealth(service: string, status: ServingStatus): void;
  /** Stops at once: open calls and connections are cut (a crashed pod). */
  kill(): void;
  close(): Promise<void>;
}

const LOADER_OPTIONS: loader.Options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

export function metadataOf(metadata: grpc.Metadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata.getMap())) {
    if (key === "user-agent" || key.startsWith("grpc-")) continue;
    out[key] = Buffer.isBuffer(value) ? value.toString("base64") : String(value);
  }
  return out;
}

function deadlineOf(call: { getDeadline(): grpc.Deadline }): number {
  const deadline = call.getDeadline();
  const at = deadline instanceof Date ? deadline.getTime() : Number(deadline);
  return Number.isFinite(at) ? at - Date.now() : Infinity;
}

export function metadata(values: Record<string, string>): grpc.Metadata {
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(values)) md.set(k, v);
  return md;
}

export async function startGrpcServer(options: GrpcServerOptions): Promise<RunningGrpcServer> {
  const definition = loader.loadSync(options.protoFile, { ...LOADER_OPTIONS, includeDirs: [...(options.includeDirs ?? [])] });
  const root = grpc.loadPackageDefinition(definition);
  const server = new grpc.Server();
  const seen: SeenCall[] = [];
  const counts = new Map<string, number>();
  const faults = new Map<string, Fault[]>();
  const cancelled = new Map<string, number>();

  for (const [serviceName, handlers] of Object.entries(options.handlers)) {
    let node: unknown = root;
    for (const part of serviceName.split(".")) node = (node as Record<string, unknown>)[part];
    const service = (node as { service: grpc.ServiceDefinition }).service;
    const wrapped: grpc.UntypedServiceImplementation = {};
    for (const [method, spec] of Object.entries(service)) {
      const handler = handlers[method] ?? handlers[spec.originalName ?? method];
      if (handler === undefined) continue;
      const path = spec.path;
      wrapped[method] = ((call: grpc.ServerUnaryCall<unknown, unknown>, callback?: grpc.sendUnaryData<unknown>) => {
        counts.set(path, (counts.get(path) ?? 0) + 1);
        const entry = { path, request: spec.requestStream ? [] : call.request, metadata: metadataOf(call.metadata), deadlineMs: deadlineOf(call), peer: call.getPeer(), authority: call.getHost() };
        seen.push(entry);
        const fault = faults.get(path)?.shift();
        if (fault !== undefined && "stall" in fault) {
          cancelled.set(path, cancelled.get(path) ?? 0);
          call.on("cancelled", () => cancelled.set(path, (cancelled.get(path) ?? 0) + 1));
          return;
        }
        if (fault !== undefined) {
          const error = { code: fault.code, details: fault.message ?? "scripted fault", metadata: metadata(fault.metadata ?? {}) };
          if (callback !== undefined) callback(error);
          else (call as unknown as grpc.ServerWritableStream<unknown, unknown>).emit("error", error);
          return;
        }
        if (spec.requestStream) {
          const stream = call as unknown as grpc.ServerReadableStream<unknown, unknown>;
          stream.on("data", (m: unknown) => (entry.request as unknown[]).push(m));
        }
        (handler as (c: unknown, cb?: unknown) => void)(call, callback);
      }) as grpc.UntypedHandleCall;
    }
    server.addService(service, wrapped);
  }
  const health = new HealthImplementation({ "": "SERVING", ...options.health });
  health.addToServer(server);

  const port = await new Promise<number>((resolve, reject) => {
    const credentials =
      options.tls === undefined
        ? grpc.ServerCredentials.createInsecure()
        : grpc.ServerCredentials.createSsl(null, [{ private_key: options.tls.key, cert_chain: options.tls.cert }]);
    server.bindAsync("127.0.0.1:0", credentials, (error, p) => (error ? reject(error) : resolve(p)));
  });
  let stopped = false;
  return {
    port,
    url: `${options.tls === undefined ? "http" : "https"}://127.0.0.1:${port}`,
    name: options.name ?? `server-${port}`,
    seen,
    count: (path) => counts.get(path) ?? 0,
    cancelled: (path) => cancelled.get(path) ?? 0,
    failNext(path, fault, times = 1) {
      const queue = faults.get(path) ?? [];
      for (let i = 0; i < times; i++) queue.push(fault);
      faults.set(path, queue);
    },
    setHealth: (service, status) => health.setStatus(service, status),
    kill() {
      stopped = true;
      server.forceShutdown();
    },
    close() {
      if (stopped) return Promise.resolve();
      stopped = true;
      return new Promise<void>((resolve) => {
        // Graceful first; anything still open after a moment is cut.
        const timer = setTimeout(() => server.forceShutdown(), 1_000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
