import "reflect-metadata";
import { promises as fs } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { reverseEtl } from "../reverse-etl.js";

interface Ingest {
  server: Server;
  url: string;
  /** Every contact id accepted, in arrival order. */
  accepted: number[];
  /** Requests answered with an error. */
  refused: number;
  /** Authorization headers seen. */
  authorizations: Set<string>;
}

/** A local endpoint on 127.0.0.1 that answers 500 to the requests numbered in `failRequests` (1-based). */
async function startIngest(failRequests: number[]): Promise<Ingest> {
  const ingest: Ingest = { server: undefined as never, url: "", accepted: [], refused: 0, authorizations: new Set() };
  let requests = 0;
  ingest.server = createServer((req: IncomingMessage, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      requests += 1;
      ingest.authorizations.add(req.headers.authorization ?? "");
      if (req.headers.authorization !== "Bearer test-key-123") {
        res.writeHead(401).end("bad key");
        return;
      }
      if (failRequests.includes(requests)) {
        ingest.refused += 1;
        res.writeHead(500).end("temporarily broken");
        return;
      }
      const { table, items } = JSON.parse(body) as { table: string; items: { id: number }[] };
      if (table !== "contacts") {
        res.writeHead(400).end(`unknown table ${table}`);
        return;
      }
      ingest.accepted.push(...items.map((i) => i.id));
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => ingest.server.listen(0, "127.0.0.1", resolve));
  ingest.url = `http://127.0.0.1:${(ingest.server.address() as AddressInfo).port}/ingest`;
  return ingest;
}

describe("examples/reverse-etl", () => {
  let dir: string;
  let ingest: Ingest | undefined;
  const env = { ...process.env };

  async function project(url: string, extraConfig = ""): Promise<string> {
    const projectDir = path.join(dir, "project");
    await fs.mkdir(path.join(projectDir, ".dlt"), { recursive: true });
    await fs.writeFile(path.join(projectDir, ".dlt", "secrets.toml"), '[destination.http_sink]\napi_key = "test-key-123"\n');
    await fs.writeFile(
      path.join(projectDir, ".dlt", "config.toml"),
      `[destination.http_sink]\nendpoint_url = "${url}"\n\n[load]\nretry_backoff_ms = 1\n${extraConfig}`,
    );
    return projectDir;
  }

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "dlt-ts-reverse-etl-"));
    process.env.DLT_GLOBAL_DIR = path.join(dir, "global");
  });
  afterEach(async () => {
    process.env = { ...env };
    await new Promise((resolve) => (ingest ? ingest.server.close(resolve) : resolve(undefined)));
    ingest = undefined;
    await fs.rm(dir, { recursive: true, force: true });
  });

  const ids = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

  it("a failed request is retried: every record arrives exactly once, with the bearer key from secrets.toml", async () => {
    ingest = await startIngest([3]);
    const projectDir = await project(ingest.url);
    const info = await reverseEtl({ count: 230, projectDir, pipelinesDir: path.join(dir, "pipelines") });
    expect(info.hasFailedJobs).toBe(false);
    expect(ingest.refused).toBe(1);
    expect(ingest.accepted).toEqual(ids(230));
    expect([...ingest.authorizations]).toEqual(["Bearer test-key-123"]);
    expect(info.toString()).not.toContain("test-key-123");
  });

  it("when the run gives up on the failed request, the rerun delivers the rest: every record exactly once", async () => {
    ingest = await startIngest([2]);
    const projectDir = await project(ingest.url, "raise_on_max_retries = 1\n");
    const options = { count: 230, projectDir, pipelinesDir: path.join(dir, "pipelines") };
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      await expect(reverseEtl(options)).rejects.toThrow(/answered 500 for 50 item\(s\) of table contacts/);
      expect(ingest.accepted).toEqual(ids(50));
      const info = await reverseEtl({ ...options, resumeOnly: true });
      expect(info.hasFailedJobs).toBe(false);
    } finally {
      warn.mockRestore();
    }
    expect(ingest.refused).toBe(1);
    expect(ingest.accepted).toEqual(ids(230));
  });

  it("a rejected key fails the job at once (no retries) and the run rejects", async () => {
    ingest = await startIngest([]);
    const projectDir = await project(ingest.url);
    await fs.writeFile(path.join(projectDir, ".dlt", "secrets.toml"), '[destination.http_sink]\napi_key = "wrong"\n');
    await expect(reverseEtl({ count: 10, projectDir, pipelinesDir: path.join(dir, "pipelines") })).rejects.toThrow(
      /HttpSinkRejected: POST .* answered 401/,
    );
    expect(ingest.accepted).toEqual([]);
  });

  it("fails before sending anything when the api key is missing", async () => {
    ingest = await startIngest([]);
    const projectDir = await project(ingest.url);
    await fs.rm(path.join(projectDir, ".dlt", "secrets.toml"));
    await expect(reverseEtl({ count: 10, projectDir, pipelinesDir: path.join(dir, "pipelines") })).rejects.toThrow(
      /DESTINATION__HTTP_SINK__API_KEY/,
    );
    expect(ingest.authorizations.size).toBe(0);
  });
});
