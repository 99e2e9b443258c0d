// A real DNS server (dns2, pure JS, UDP) on 127.0.0.1, port 0, whose zone a test changes while traffic runs. A name in
// the zone answers NOERROR with its records of the asked type (none: an empty answer, ENODATA to node:dns); a name not
// in the zone answers NXDOMAIN (ENOTFOUND). `mode` makes it fail: SERVFAIL, or silence (a timeout). stop()/start()
// close and reopen the socket on the same port (ECONNREFUSED while stopped).
import dns2 from "dns2";

const { Packet } = dns2;

export interface SrvTarget {
  readonly target: string;
  readonly port: number;
}

interface Records {
  a: string[];
  aaaa: string[];
  srv: SrvTarget[];
}

export interface Query {
  readonly name: string;
  readonly type: "A" | "AAAA" | "SRV" | "OTHER";
  /** The DNS message id: a resolver's retransmission repeats it. */
  readonly id: number;
}

export type DnsMode = "ok" | "servfail" | "silent";

type Server = ReturnType<typeof dns2.createServer>;

export class TestDns {
  /** `127.0.0.1:<port>`, for dns_servers. */
  server = "";
  port = 0;
  mode: DnsMode = "ok";
  readonly queries: Query[] = [];
  readonly #zone = new Map<string, Records>();
  #udp: Server | undefined;

  static async start(): Promise<TestDns> {
    const dns = new TestDns();
    await dns.#listen(0);
    return dns;
  }

  /** Sets a name's A and/or AAAA records (creating the name). */
  address(name: string, ips: readonly string[]): void {
    const r = this.#records(name);
    r.a = ips.filter((ip) => !ip.includes(":"));
    r.aaaa = ips.filter((ip) => ip.includes(":"));
  }

  /** Sets a name's SRV records (creating the name). */
  srv(name: string, targets: readonly SrvTarget[]): void {
    this.#records(name).srv = [...targets];
  }

  /** Removes a name: NXDOMAIN from now on. */
  remove(name: string): void {
    this.#zone.delete(name.toLowerCase());
  }

  /** How many distinct queries (retransmissions counted once) of `type` for `name` arrived since index `from`. */
  count(name: string, type: Query["type"], from = 0): number {
    const n = name.toLowerCase();
    return new Set(this.queries.slice(from).filter((q) => q.name === n && q.type === type).map((q) => q.id)).size;
  }

  /** Closes the socket: queries are refused until start(). */
  async stop(): Promise<void> {
    const udp = this.#udp;
    this.#udp = undefined;
    if (udp !== undefined) await udp.close();
  }

  /** Reopens on the same port. */
  async start(): Promise<void> {
    if (this.#udp === undefined) await this.#listen(this.port);
  }

  async close(): Promise<void> {
    await this.stop();
  }

  #records(name: string): Records {
    const key = name.toLowerCase();
    let r = this.#zone.get(key);
    if (r === undefined) {
      r = { a: [], aaaa: [], srv: [] };
      this.#zone.set(key, r);
    }
    return r;
  }

  async #listen(port: number): Promise<void> {
    const udp = dns2.createServer({
      udp: true,
      handle: (request, send) => {
        const question = request.questions[0];
        if (question === undefined) return;
        const name = question.name.toLowerCase();
        const type = question.type === Packet.TYPE.A ? "A" : question.type === Packet.TYPE.AAAA ? "AAAA" : question.type === Packet.TYPE.SRV ? "SRV" : "OTHER";
        this.queries.push({ name, type, id: request.header.id });
        if (this.mode === "silent") return;
        const response = Packet.createResponseFromRequest(request);
        if (this.mode === "servfail") {
          response.header.rcode = Packet.RCODE.SERVFAIL;
          void send(response);
          return;
        }
        const r = this.#zone.get(name);
        if (r === undefined) {
          response.header.rcode = Packet.RCODE.NXDOMAIN;
          void send(response);
          return;
        }
        const answer = (record: Partial<dns2.Packet.Resource>): void => {
          response.answers.push(Packet.createResourceFromQuestion(question, { name: question.name, class: Packet.CLASS.IN, ttl: 5, ...record }));
        };
        if (type === "A") for (const address of r.a) answer({ type: Packet.TYPE.A, address });
        if (type === "AAAA") for (const address of r.aaaa) answer({ type: Packet.TYPE.AAAA, address });
        if (type === "SRV") for (const s of r.srv) answer({ type: Packet.TYPE.SRV, priority: 0, weight: 10, port: s.port, target: s.target });
        void send(response);
      },
    });
    const addresses = await udp.listen({ udp: { port, address: "127.0.0.1" } });
    this.#udp = udp;
    this.port = addresses.udp!.port;
    this.server = `127.0.0.1:${this.port}`;
  }
}
