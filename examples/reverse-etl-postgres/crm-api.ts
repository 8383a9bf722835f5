import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A stand-in for a CRM's HTTP API, small enough to read: POST /contacts with
 * `Authorization: Bearer <key>` and an `Idempotency-Key` header upserts the
 * contacts of the batch. A key it has seen is answered 200 without applying
 * the batch again, so a batch re-sent after a crash changes nothing. It can
 * answer 503 to the first `failFirst` requests, as a busy API does.
 */
export class CrmApi {
  /** Contacts as the CRM holds them, by id. */
  readonly contacts = new Map<number, Record<string, unknown>>();
  /** Every request that reached the handler, in order (`<status> <idempotency key>`). */
  readonly requests: string[] = [];
  private readonly seenKeys = new Set<string>();
  private server: Server | undefined;

  constructor(
    private readonly apiKey: string,
    private failFirst = 0,
  ) {}

  /** Listens on 127.0.0.1 (a free port unless given); returns the base URL. */
  async start(port = 0): Promise<string> {
    this.server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        const key = String(request.headers["idempotency-key"] ?? "");
        if (this.holdRequest(key, false)) return;
        const status = this.handle(request.headers.authorization, key, body);
        this.requests.push(`${status} ${key}`);
        if (this.holdRequest(key, true)) return;
        response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ status }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.server?.close((error) => (error ? reject(error) : resolve())));
  }

  /**
   * True to leave a request unanswered, asked before and after it is
   * applied: tests use it to kill the client mid-request. Default: answer
   * every request.
   */
  protected holdRequest(_key: string, _applied: boolean): boolean {
    return false;
  }

  private handle(authorization: string | undefined, key: string, body: string): number {
    if (authorization !== `Bearer ${this.apiKey}`) return 401;
    if (this.failFirst > 0) {
      this.failFirst--;
      return 503;
    }
    if (!key) return 400;
    if (this.seenKeys.has(key)) return 200;
    this.seenKeys.add(key);
    for (const contact of JSON.parse(body) as Record<string, unknown>[]) this.contacts.set(Number(contact.id), contact);
    return 200;
  }
}
