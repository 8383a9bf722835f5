import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { DestinationTerminalException, writeReferenceJob, type LoadJobRequest, type StagingArea } from "@dlt-ts/core";
import { ReferenceLoadJob, type ReferenceLoadJobHost } from "@dlt-ts/sql";

/*
 * How a reference job reaches the staged file: in place, streamed, or
 * through a temporary copy. The stage here is a plain object over a local
 * folder and an in-memory "bucket"; what the inner job saw is recorded.
 */

const dir = mkdtempSync(join(tmpdir(), "reference-job-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REMOTE = "s3://bucket/ds/events/1714.abc.csv";
const REMOTE_CONTENT = "id\n1\n2\n";

function stage(localFiles: Record<string, string>): StagingArea {
  return {
    location: "test://stage",
    fileFormats: ["csv"],
    upload: () => Promise.reject(new Error("not used")),
    localPath: (url) => localFiles[url],
    openRead: async (url) => {
      if (url !== REMOTE) throw new Error(`no ${url}`);
      return Readable.from([Buffer.from(REMOTE_CONTENT)]);
    },
    removeTableFiles: async () => [],
    close: async () => undefined,
  };
}

interface Seen {
  fileName: string;
  filePath: string;
  content: string;
  streamed: boolean;
}

function host(streams: boolean, seen: Seen[]): ReferenceLoadJobHost {
  return {
    streamsStagedFile: () => streams,
    createLoadJob: (request) => ({
      run: async () => {
        const content = request.openRead
          ? Buffer.concat(await (await request.openRead()).toArray()).toString()
          : readFileSync(request.filePath, "utf8");
        seen.push({ fileName: request.fileName, filePath: request.filePath, content, streamed: request.openRead !== undefined });
      },
    }),
  };
}

async function referenceRequest(urls: string[], staging: StagingArea | undefined): Promise<LoadJobRequest> {
  const filePath = join(dir, `events.abc.${urls.length}.reference`);
  await writeReferenceJob(filePath, urls);
  return {
    loadId: "1714",
    fileName: "events.abc.2.reference",
    filePath,
    table: { name: "events", columns: {} },
    packages: undefined as never,
    ...(staging ? { staging } : {}),
  };
}

describe("ReferenceLoadJob", () => {
  test("a file in a local stage loads in place, as the job of its format (the retry count kept)", async () => {
    const local = join(dir, "1714.abc.csv");
    writeFileSync(local, "id\n7\n");
    const url = `file://${local}`;
    const seen: Seen[] = [];
    await new ReferenceLoadJob(host(false, seen), await referenceRequest([url], stage({ [url]: local }))).run();
    expect(seen).toEqual([{ fileName: "events.abc.2.csv", filePath: local, content: "id\n7\n", streamed: false }]);
  });

  test("a remote file streams into a job that streams", async () => {
    const seen: Seen[] = [];
    await new ReferenceLoadJob(host(true, seen), await referenceRequest([REMOTE], stage({}))).run();
    expect(seen).toEqual([{ fileName: "events.abc.2.csv", filePath: REMOTE, content: REMOTE_CONTENT, streamed: true }]);
  });

  test("a remote file is copied for a job that reads local files, and the copy is removed", async () => {
    const seen: Seen[] = [];
    await new ReferenceLoadJob(host(false, seen), await referenceRequest([REMOTE], stage({}))).run();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ fileName: "events.abc.2.csv", content: REMOTE_CONTENT, streamed: false });
    expect(seen[0]!.filePath).not.toBe(REMOTE);
    expect(existsSync(seen[0]!.filePath)).toBe(false);
  });

  test("without a stage, or with several files, it fails terminally with the job named", async () => {
    const seen: Seen[] = [];
    const noStage = new ReferenceLoadJob(host(false, seen), await referenceRequest([REMOTE], undefined));
    await expect(noStage.run()).rejects.toThrow(new DestinationTerminalException("Job events.abc.2.reference refers to staged files, but the load has no staging destination"));
    const several = new ReferenceLoadJob(host(false, seen), await referenceRequest([REMOTE, REMOTE], stage({})));
    await expect(several.run()).rejects.toThrow(/Job events\.abc\.2\.reference names 2 staged files; one is supported/);
    expect(seen).toEqual([]);
  });
});
