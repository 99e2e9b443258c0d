// "Pods" for discovery and balancer tests: real node:http servers (127.0.0.1, port 0, unless told otherwise) that count
// what they served, track their open sockets, and can be killed. Plus helpers to wait on events and conditions with
// generous deadlines (the machine is shared and noisy: tests wait for things to happen, they never time them).
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import type { ClientEvent } from "../../../src/runtime/index.js";

export type PodHandler = (req: http.IncomingMessage, res: http.ServerResponse, pod: Pod) => void;

export interface Seen {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  /** The client socket's port: distinct connections have distinct ports. */
  readonly remotePort: number;
}

const ok: PodHandler = (_req, res, pod) => {
  const body = JSON.stringify({ pod: pod.name });
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
};

export class Pod {
  readonly name: string;
  host = "127.0.0.1";
  port = 0;
  readonly seen: Seen[] = [];
  /** Sockets ever accepted. */
  connections = 0;
  readonly sockets = new Set<net.Socket>();
  handler: PodHandler;
  #server: http.Server | undefined;
  #socketClosed: (() => void)[] = [];

  constructor(name: string, handler: PodHandler = ok) {
    this.name = name;
    this.handler = handler;
  }

  static async start(name: string, handler?: PodHandler, host = "127.0.0.1", port = 0): Promise<Pod> {
    const pod = new Pod(name, handler);
    await pod.listen(host, port);
    return pod;
  }

  get origin(): string {
    return `http://${this.host.includes(":") ? `[${this.host}]` : this.host}:${this.port}`;
  }

  /** Requests served on `path` (e.g. the app path, not probes). */
  count(path?: string): number {
    return path === undefined ? this.seen.length : this.seen.filter((s) => s.path === path).length;
  }

  async listen(host: string, port: number): Promise<void> {
    const server = http.createServer((req, res) => {
      this.seen.push({ method: req.method ?? "", path: (req.url ?? "").split("?")[0]!, headers: req.headers, remotePort: req.socket.remotePort ?? 0 });
      this.handler(req, res, this);
    });
    server.keepAliveTimeout = 60_000;
    server.on("connection", (s: net.Socket) => {
      this.connections++;
      this.sockets.add(s);
      s.on("close", () => {
        this.sockets.delete(s);
        for (const wake of this.#socketClosed.splice(0)) wake();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.#server = server;
    this.host = host;
    this.port = (server.address() as AddressInfo).port;
  }

  /** Waits until no socket to this pod is open. */
  async socketsClosed(what: string): Promise<void> {
    await until(() => this.sockets.size === 0, what, (wake) => this.#socketClosed.push(wake));
  }

  /** Stops listening and drops every connection at once (a pod that dies). */
  async kill(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server === undefined) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

/** Generous: a shared 2-core machine can stall for seconds. */
export const PATIENCE_MS = 30_000;

/**
 * Resolves when `condition()` holds, re-checking whenever `subscribe`'s wake-up fires and every 5 ms; fails after
 * PATIENCE_MS with `what`.
 */
export async function until(condition: () => boolean, what: string, subscribe?: (wake: () => void) => void): Promise<void> {
  const deadline = Date.now() + PATIENCE_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 5);
      subscribe?.(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}

/** Collects a client's events and waits for the ones a test needs. */
export class EventLog {
  readonly events: ClientEvent[] = [];
  readonly #waiters = new Set<() => void>();
  readonly hook = (event: ClientEvent): void => {
    this.events.push(event);
    for (const wake of this.#waiters) wake();
  };

  of(type: string): ClientEvent[] {
    return this.events.filter((e) => e.type === type);
  }

  /** The first event from index `from` on that matches; waits for it. */
  async next(type: string, match: (e: ClientEvent) => boolean = () => true, from = 0): Promise<ClientEvent> {
    let found: ClientEvent | undefined;
    await until(
      () => (found = this.events.slice(from).find((e) => e.type === type && match(e))) !== undefined,
      `a ${type} event`,
      (wake) => {
        const once = (): void => {
          this.#waiters.delete(once);
          wake();
        };
        this.#waiters.add(once);
      },
    );
    return found!;
  }
}

/** Runs `worker` on `concurrency` loops until `stop()` is called; collects failures. */
export function traffic(concurrency: number, once: () => Promise<unknown>): { stop: () => Promise<void>; done: () => number; failures: unknown[] } {
  let running = true;
  let done = 0;
  const failures: unknown[] = [];
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) {
      try {
        await once();
      } catch (e) {
        failures.push(e);
      }
      done++;
      // Let timers and DNS answers in between calls on a loaded loop.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
    done: () => done,
    failures,
  };
}
