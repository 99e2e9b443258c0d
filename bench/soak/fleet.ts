// The soak benchmark's upstreams: one child process per port on 127.0.0.1, killed hard and restarted on the same
// port, with the requests and order ids they report over IPC tallied here.
import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import type { AddressInfo } from "node:net";
import type { ParentMessage, ServerMessage } from "./server.js";

const SERVER = path.join(import.meta.dirname, "server.ts");

/** Distinct free ports on 127.0.0.1: each listened on with port 0 once, all held open together, then released. */
export async function reservePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<net.Server>((resolve, reject) => {
      const s = net.createServer();
      s.once("error", reject);
      s.listen(0, "127.0.0.1", () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

export class Fleet {
  /** Requests every server received with faults on (stalled and reset ones included). */
  requests = 0;
  readonly requestsByPort = new Map<number, number>();
  /** How often each order id reached any server. */
  readonly orders = new Map<string, number>();
  private readonly children = new Map<number, ChildProcess>();

  constructor(readonly ports: readonly number[]) {}

  /** Starts a server on each port; resolves when all listen. */
  async startAll(): Promise<void> {
    await Promise.all(this.ports.map((port) => this.start(port, false)));
  }

  /** Turns the fault mix (and counting) on everywhere. */
  faultsOn(): void {
    for (const child of this.children.values()) this.send(child, { t: "start" });
  }

  /** SIGKILL: no goodbye, connections die with the process. */
  kill(port: number): void {
    const child = this.children.get(port);
    this.children.delete(port);
    child?.kill("SIGKILL");
  }

  /** Back on the same port, faults on from the first request. */
  restart(port: number): Promise<void> {
    return this.start(port, true);
  }

  /** Asks every live server for its unsent batch; gives up after timeoutMs. */
  async flush(timeoutMs = 1_000): Promise<void> {
    await Promise.all([...this.children.values()].map((child) => new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done(): void {
        clearTimeout(timer);
        child.off("message", onMessage);
        resolve();
      }
      function onMessage(m: ServerMessage): void {
        if (m.t === "flushed") done();
      }
      child.on("message", onMessage);
      if (!this.send(child, { t: "flush" })) done();
    })));
  }

  /** Kills every child and waits (at most timeoutMs) until they are gone. */
  async stopAll(timeoutMs = 2_000): Promise<void> {
    const children = [...this.children.values()];
    this.children.clear();
    await Promise.all(children.map((child) => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(resolve, timeoutMs);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill("SIGKILL");
    })));
  }

  /** For exit handlers: synchronous, best effort. */
  killAllNow(): void {
    for (const child of this.children.values()) child.kill("SIGKILL");
    this.children.clear();
  }

  private start(port: number, faults: boolean): Promise<void> {
    const args = [String(port), ...(faults ? ["--faults"] : [])];
    const child = fork(SERVER, args, { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    this.children.set(port, child);
    child.on("message", (m: ServerMessage) => {
      if (m.t !== "batch") return;
      this.requests += m.requests;
      this.requestsByPort.set(port, (this.requestsByPort.get(port) ?? 0) + m.requests);
      for (const id of m.orders) this.orders.set(id, (this.orders.get(id) ?? 0) + 1);
    });
    // A send to a child that just died fails asynchronously; that is expected after kill().
    child.on("error", () => undefined);
    return new Promise<void>((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`server on port ${port} exited (${code}) before listening`));
      child.once("exit", onExit);
      child.on("message", (m: ServerMessage) => {
        if (m.t !== "listening") return;
        child.off("exit", onExit);
        resolve();
      });
    });
  }

  private send(child: ChildProcess, message: ParentMessage): boolean {
    if (!child.connected) return false;
    child.send(message);
    return true;
  }
}
