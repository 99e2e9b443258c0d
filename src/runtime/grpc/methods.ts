// What every call of one gRPC method shares: its name in errors and events (`package.Service/Method`), and its policy
// after services.toml's per-method overrides (idempotent, timeout_ms) over the .proto's idempotency_level and the
// service's timeout_ms. Built once per method descriptor, on its first call.
import type { GrpcMethodSettings } from "./types.js";

export type AnyMethod = { readonly name: string; readonly parent: { readonly typeName: string }; readonly idempotency: number };

export interface MethodPolicy {
  readonly operation: string;
  /** The chain's `Call.op`, one per method. */
  readonly op: { readonly id: string };
  /** Safe to send again after a server may have run it (idempotency_level, or services.toml's `idempotent`). */
  readonly idempotent: boolean;
  readonly timeoutMs: number;
}

export class MethodPolicies {
  readonly #byMethod = new Map<AnyMethod, MethodPolicy>();
  readonly #overrides: ReadonlyMap<string, GrpcMethodSettings>;
  readonly #timeoutMs: number;

  constructor(overrides: readonly GrpcMethodSettings[], timeoutMs: number) {
    this.#overrides = new Map(overrides.map((m) => [m.name, m]));
    this.#timeoutMs = timeoutMs;
  }

  of(method: AnyMethod): MethodPolicy {
    let policy = this.#byMethod.get(method);
    if (policy === undefined) {
      const operation = `${method.parent.typeName}/${method.name}`;
      const own = this.#overrides.get(operation);
      policy = {
        operation,
        op: { id: operation },
        // idempotency_level: 0 is IDEMPOTENCY_UNKNOWN; NO_SIDE_EFFECTS and IDEMPOTENT may both be sent again.
        idempotent: own?.idempotent ?? method.idempotency !== 0,
        timeoutMs: own?.timeoutMs ?? this.#timeoutMs,
      };
      this.#byMethod.set(method, policy);
    }
    return policy;
  }
}
