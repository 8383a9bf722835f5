import { PassThrough } from "node:stream";
import { ProgressReporter } from "../../src/run-info/progress";
import { preciseDelta } from "../../src/run-info/precise-delta";

function capture(isTTY: boolean): { out: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & { isTTY: boolean };
  stream.isTTY = isTTY;
  let text = "";
  (stream as unknown as PassThrough).on("data", (chunk: Buffer) => (text += chunk.toString()));
  return { out: stream, text: () => text };
}

describe("progress", () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it("redraws one line on a terminal", async () => {
    const { out, text } = capture(true);
    const progress = new ProgressReporter("auto", out);
    progress.start("extract");
    jest.setSystemTime(500);
    progress.add(1000);
    progress.finish();
    await Promise.resolve();
    expect(text()).toBe("\rextract: 1000 (2000/s)\rextract: 1000 (2000/s)\n");
  });

  it("prints a log line at most every 10 seconds elsewhere", async () => {
    const { out, text } = capture(false);
    const progress = new ProgressReporter("auto", out);
    progress.start("load", 4);
    jest.setSystemTime(5_000);
    progress.set(1);
    jest.setSystemTime(10_000);
    progress.set(2);
    await Promise.resolve();
    expect(text()).toBe("load: 2/4 (0/s)\n");
  });

  it("prints nothing with progress none", async () => {
    const { out, text } = capture(true);
    const progress = new ProgressReporter("none", out);
    progress.start("extract");
    jest.setSystemTime(60_000);
    progress.add(5);
    progress.finish();
    await Promise.resolve();
    expect(text()).toBe("");
  });
});

describe("preciseDelta", () => {
  it("words durations as dlt does", () => {
    expect(preciseDelta(420)).toBe("0.42 seconds");
    expect(preciseDelta(62_500)).toBe("1 minute and 2.50 seconds");
    expect(preciseDelta(3_600_000 + 120_000)).toBe("1 hour and 2 minutes");
  });
});
