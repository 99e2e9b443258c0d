// A client on a virtual clock whose transport is a test function: the real chain, no sockets.
import { createServiceClientWith } from "../../../src/runtime/client.js";
import { sleep } from "../../../src/runtime/clock.js";
import type { Exchange, Handler } from "../../../src/runtime/chain.js";
import type { TransportResponse } from "../../../src/runtime/response.js";
import type { ClientOptions, ServiceClient, ServiceDefinition } from "../../../src/runtime/types.js";
import { VirtualClock } from "./virtual-clock.js";

export interface Sent {
  readonly method: string;
  readonly endpoint: string;
  readonly at: number;
  readonly headers: Record<string, string>;
}

export interface Scripted {
  readonly clock: VirtualClock;
  readonly client: ServiceClient;
  readonly sent: Sent[];
}

export type Answer = (x: Exchange, n: number) => TransportResponse | Promise<TransportResponse>;

export function status(code: number, headers: Record<string, string> = {}): TransportResponse {
  return { status: code, rawHeaders: Object.entries(headers).flat(), body: Buffer.alloc(0) };
}

/** Every attempt takes `latencyMs` of virtual time, then `answer` decides (may throw runtime errors or stall). */
export function scripted(def: ServiceDefinition, answer: Answer, options: ClientOptions = {}, latencyMs = 1, random = () => 0): Scripted {
  const clock = new VirtualClock();
  const sent: Sent[] = [];
  const transport: Handler = async (x) => {
    sent.push({ method: x.call.request.method, endpoint: x.endpoint!.origin, at: clock.now(), headers: x.call.request.headers });
    await sleep(clock, latencyMs, x.signal);
    return answer(x, sent.length);
  };
  const client = createServiceClientWith(def, { env: {}, ...options }, { clock, transport, random });
  return { clock, client, sent };
}

/** Never answers; ends when the attempt's signal fires. */
export function stall(x: Exchange): Promise<never> {
  return new Promise<never>((_, reject) => x.signal?.addEventListener("abort", () => reject(x.signal?.reason), { once: true }));
}
