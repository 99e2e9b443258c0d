// A TCP proxy that forwards an HTTP/2 (h2c) connection frame by frame and records, per stream, the frames the client
// sent: whether its request side ended (END_STREAM on DATA or HEADERS) and the RST_STREAM codes. What the server's
// library reports is one view of an aborted call; the frames on the wire are the other.
// Over loopback an END_STREAM and the RST_STREAM right behind it reach the server in one read; across a network the
// reset can come a round trip later, after the server acted on the end of the stream. `holdResetsAfterEnd` plays
// that network: the RST_STREAM of a stream whose request side already ended waits until releaseResets().
import * as net from "node:net";

export interface ClientStreamFrames {
  /** The client sent END_STREAM: the request stream was complete. */
  endStream: boolean;
  /** RST_STREAM error codes the client sent (8 is CANCEL). */
  readonly resets: number[];
  /** Frames in order, e.g. "HEADERS", "DATA", "DATA+END_STREAM", "RST_STREAM(8)". */
  readonly frames: string[];
}

export interface FrameProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Client streams by stream id, over every connection (ids are per connection: `<connection>:<id>`). */
  readonly streams: Map<string, ClientStreamFrames>;
  /** Forwards the RST_STREAM frames held so far (holdResetsAfterEnd). */
  releaseResets(): void;
  close(): Promise<void>;
}

const PREFACE_LENGTH = 24;
const FRAME_TYPES = ["DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS", "PUSH_PROMISE", "PING", "GOAWAY", "WINDOW_UPDATE", "CONTINUATION"];

export async function startFrameProxy(targetPort: number, options: { holdResetsAfterEnd?: boolean } = {}): Promise<FrameProxy> {
  const streams = new Map<string, ClientStreamFrames>();
  const sockets = new Set<net.Socket>();
  const held: { upstream: net.Socket; frame: Buffer }[] = [];
  let connections = 0;
  const server = net.createServer((client) => {
    const connection = connections++;
    const upstream = net.connect(targetPort, "127.0.0.1");
    sockets.add(client).add(upstream);
    let pending: Buffer = Buffer.alloc(0);
    let prefaceSeen = false;
    client.on("data", (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      if (!prefaceSeen) {
        if (pending.length < PREFACE_LENGTH) return;
        upstream.write(pending.subarray(0, PREFACE_LENGTH));
        pending = pending.subarray(PREFACE_LENGTH);
        prefaceSeen = true;
      }
      while (pending.length >= 9) {
        const length = pending.readUIntBE(0, 3);
        if (pending.length < 9 + length) break;
        const type = pending[3]!;
        const flags = pending[4]!;
        const id = pending.readUInt32BE(5) & 0x7fffffff;
        const frame = pending.subarray(0, 9 + length);
        let hold = false;
        if (id !== 0) {
          const key = `${connection}:${id}`;
          let stream = streams.get(key);
          if (stream === undefined) streams.set(key, (stream = { endStream: false, resets: [], frames: [] }));
          const ends = (type === 0 || type === 1) && (flags & 0x1) !== 0;
          if (ends) stream.endStream = true;
          if (type === 3) stream.resets.push(pending.readUInt32BE(9));
          stream.frames.push(`${FRAME_TYPES[type] ?? type}${ends ? "+END_STREAM" : ""}${type === 3 ? `(${pending.readUInt32BE(9)})` : ""}`);
          hold = type === 3 && stream.endStream && options.holdResetsAfterEnd === true;
        }
        if (hold) held.push({ upstream, frame: Buffer.from(frame) });
        else upstream.write(frame);
        pending = pending.subarray(9 + length);
      }
    });
    upstream.on("data", (chunk: Buffer) => client.write(chunk));
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    streams,
    releaseResets() {
      for (const { upstream, frame } of held.splice(0)) if (!upstream.destroyed) upstream.write(frame);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
