import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { isIP } from 'node:net';

/**
 * A small DNS server on 127.0.0.1 (UDP, port 0) for the resolver's tests and chaos case R7: it answers A and AAAA
 * queries for the names it is given, never answers the queries `silent` matches (a name server that stopped
 * answering, or one that drops AAAA queries), and says NXDOMAIN for the rest. It counts the queries it got per name.
 */
export interface DnsRecords {
  /** IPv4 and IPv6 addresses; a name with none of a family answers that family with no records (NODATA). */
  addresses: string[];
  /** Seconds (default 60). */
  ttl?: number;
}

const TYPE_A = 1;
const TYPE_AAAA = 28;

export class LoopbackDnsServer {
  private readonly records = new Map<string, DnsRecords>();
  private readonly counts = new Map<string, number>();

  private constructor(
    private readonly socket: Socket,
    private readonly silent: (name: string, family: 4 | 6 | 0) => boolean,
  ) {}

  static async start(options: { silent?: (name: string, family: 4 | 6 | 0) => boolean } = {}): Promise<LoopbackDnsServer> {
    const server = new LoopbackDnsServer(createSocket('udp4'), options.silent ?? (() => false));
    server.socket.on('message', (message, peer) => server.answer(message, peer));
    server.socket.bind(0, '127.0.0.1');
    await once(server.socket, 'listening');
    return server;
  }

  /** `127.0.0.1:<port>`: a DNS_SERVERS entry. */
  get address(): string {
    return `127.0.0.1:${this.socket.address().port}`;
  }

  set(name: string, records: DnsRecords): void {
    this.records.set(name.toLowerCase(), records);
  }

  /** Queries received for `name` (both families, every try). */
  queries(name: string): number {
    return this.counts.get(name.toLowerCase()) ?? 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private answer(message: Buffer, peer: RemoteInfo): void {
    const question = parseQuestion(message);
    if (!question) return;
    const name = question.name.toLowerCase();
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    const family = question.type === TYPE_A ? 4 : question.type === TYPE_AAAA ? 6 : 0;
    if (this.silent(name, family)) return;
    const records = this.records.get(name);
    const addresses = (records?.addresses ?? []).filter((a) => isIP(a) === family);
    const answers = addresses.map((a) => answerRecord(question.type, records?.ttl ?? 60, a));
    const header = Buffer.alloc(12);
    message.copy(header, 0, 0, 2); // the query's ID
    const rd = message[2] & 0x01;
    header.writeUInt16BE(0x8000 | 0x0400 | (rd << 8) | 0x0080 | (records ? 0 : 3), 2); // QR, AA, RD, RA; NXDOMAIN if unknown
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    this.socket.send(Buffer.concat([header, question.bytes, ...answers]), peer.port, peer.address);
  }
}

/** The first question: its name, type and its bytes as sent (QNAME, QTYPE, QCLASS). */
function parseQuestion(message: Buffer): { name: string; type: number; bytes: Buffer } | null {
  if (message.length < 12 || message.readUInt16BE(4) < 1) return null;
  const labels: string[] = [];
  let at = 12;
  while (at < message.length && message[at] !== 0) {
    const length = message[at];
    labels.push(message.toString('latin1', at + 1, at + 1 + length));
    at += 1 + length;
  }
  if (at + 5 > message.length) return null;
  return { name: labels.join('.'), type: message.readUInt16BE(at + 1), bytes: message.subarray(12, at + 5) };
}

/** An answer record whose name points at the question's (offset 12). */
function answerRecord(type: number, ttl: number, address: string): Buffer {
  const data = type === TYPE_A ? Buffer.from(address.split('.').map(Number)) : ipv6Bytes(address);
  const fixed = Buffer.alloc(12);
  fixed.writeUInt16BE(0xc00c, 0);
  fixed.writeUInt16BE(type, 2);
  fixed.writeUInt16BE(1, 4); // IN
  fixed.writeUInt32BE(ttl, 6);
  fixed.writeUInt16BE(data.length, 10);
  return Buffer.concat([fixed, data]);
}

function ipv6Bytes(address: string): Buffer {
  const [head, tail = ''] = address.split('::');
  const parts = (s: string) => (s ? s.split(':') : []);
  const groups = [...parts(head), ...Array<string>(8 - parts(head).length - parts(tail).length).fill('0'), ...parts(tail)];
  return Buffer.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}
