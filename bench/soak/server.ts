// One upstream of the soak benchmark, run as a child process (fork) so its faults and event-loop load are its own.
//   node --import tsx bench/soak/server.ts <port> [--faults]
// GET /items/{id} → 200 JSON; POST /orders → reads the JSON body, records the order id as RECEIVED, then answers 201.
// Once faults are on (`--faults`, or the parent's "start" message), every request independently gets: 5 % a 503,
// 3 % a connection reset (req.socket.destroy() without an answer), 2 % a stall (no answer; the socket is held until
// the client gives up). A POST is recorded before its fault is applied: a reset or stalled order may still have been
// executed, so the same id arriving twice is a duplicate execution whatever the first answer was.
// Counts go to the parent over IPC in batches every FLUSH_MS (a SIGKILL loses at most that window).
import http from "node:http";

export const FAULTS = { status503: 0.05, reset: 0.03, stall: 0.02 } as const;

/** Child → parent. */
export type ServerMessage =
  | { t: "listening"; port: number }
  | { t: "batch"; requests: number; orders: string[] }
  | { t: "flushed" };

/** Parent → child. */
export type ParentMessage = { t: "start" } | { t: "flush" };

const FLUSH_MS = 25;
const MAX_BATCH = 512;

function serve(port: number, faultsOn: boolean): void {
  let faults = faultsOn;
  let requests = 0;
  let orders: string[] = [];
  const send = (message: ServerMessage): void => {
    if (process.connected) process.send?.(message);
  };
  const flush = (): void => {
    if (requests === 0 && orders.length === 0) return;
    send({ t: "batch", requests, orders });
    requests = 0;
    orders = [];
  };
  setInterval(flush, FLUSH_MS);

  const fault = (): "503" | "reset" | "stall" | undefined => {
    if (!faults) return undefined;
    const r = Math.random();
    if (r < FAULTS.status503) return "503";
    if (r < FAULTS.status503 + FAULTS.reset) return "reset";
    if (r < FAULTS.status503 + FAULTS.reset + FAULTS.stall) return "stall";
    return undefined;
  };
  const json = (res: http.ServerResponse, status: number, value: unknown): void => {
    const body = JSON.stringify(value);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
  };
  const answer = (req: http.IncomingMessage, res: http.ServerResponse, status: number, value: unknown): void => {
    switch (fault()) {
      case "503":
        return json(res, 503, { error: "unavailable" });
      case "reset":
        req.socket.destroy();
        return;
      case "stall":
        return; // held until the client closes the connection (or this process dies)
      default:
        return json(res, status, value);
    }
  };

  const server = http.createServer((req, res) => {
    if (faults) requests++;
    const url = req.url ?? "/";
    if (req.method === "GET" && url.startsWith("/items/")) {
      req.resume();
      return answer(req, res, 200, { id: decodeURIComponent(url.slice("/items/".length)), name: "widget", price: 42 });
    }
    if (req.method === "POST" && url === "/orders") {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        let id: string | undefined;
        try {
          id = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { id?: string }).id;
        } catch {
          id = undefined;
        }
        if (typeof id !== "string") return json(res, 400, { error: "no id" });
        if (faults) {
          orders.push(id);
          if (orders.length >= MAX_BATCH) flush();
        }
        answer(req, res, 201, { id, status: "accepted" });
      });
      return;
    }
    req.resume();
    json(res, 404, { error: "not found" });
  });
  // Long keep-alive so idle-connection races with the client are not counted as faults we did not inject.
  server.keepAliveTimeout = 60_000;

  process.on("message", (m: ParentMessage) => {
    if (m.t === "start") faults = true;
    if (m.t === "flush") {
      flush();
      send({ t: "flushed" });
    }
  });
  // Dies with the benchmark, however the benchmark ends (also when it was gone before this child got here).
  process.on("disconnect", () => process.exit(0));
  if (!process.connected) process.exit(0);
  server.listen(port, "127.0.0.1", () => send({ t: "listening", port }));
}

// Only when run as the child; the parent imports this module for its types and fault mix.
if (process.argv[1] === import.meta.filename && process.send !== undefined) {
  serve(Number(process.argv[2]), process.argv.includes("--faults"));
}
