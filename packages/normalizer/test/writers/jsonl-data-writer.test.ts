import { table, tempDir, writeWith } from "./writer-test-helpers.js";

const { dir, cleanup } = tempDir();
afterAll(cleanup);

const items = table("items", { id: "bigint", name: "text", at: "timestamp", blob: "binary", doc: "json" });

describe("JsonlDataWriter", () => {
  it("writes one JSON object per line with exact bigints, ISO dates, base64 bytes and nested json", async () => {
    const content = await writeWith(dir, "jsonl", items, [
      [
        {
          id: 2n ** 64n + 1n,
          name: "a",
          at: new Date("2024-05-01T10:20:30.123Z"),
          blob: new Uint8Array([1, 2, 3]),
          doc: { nested: [1, { x: 9007199254740993n }] },
          missing: undefined,
          nothing: null,
        },
      ],
      [{ id: 2, name: "b", ratio: Number.NaN }],
    ]);
    expect(content.toString("utf8")).toBe(
      '{"id":18446744073709551617,"name":"a","at":"2024-05-01T10:20:30.123Z","blob":"AQID",' +
        '"doc":{"nested":[1,{"x":9007199254740993}]},"nothing":null}\n' +
        '{"id":2,"name":"b","ratio":null}\n',
    );
  });

  it("writes -0 as -0.0 in a double column and as 0 in a bigint one, whatever the text holds", async () => {
    const numbers = table("numbers", { n: "bigint", x: "double", label: "text" });
    const content = await writeWith(dir, "jsonl", numbers, [
      [
        { n: -0, x: -0, label: "-0.0" },
        { n: 5, x: -0, label: "version -0.0" },
        { n: Math.round(-0.4), label: "rounded" },
      ],
    ]);
    expect(content.toString("utf8")).toBe(
      '{"n":0,"x":-0.0,"label":"-0.0"}\n' + '{"n":5,"x":-0.0,"label":"version -0.0"}\n' + '{"n":0,"label":"rounded"}\n',
    );
  });

  it("keeps hostile strings intact (quotes, backslashes, newlines, emoji, NUL)", async () => {
    const hostile = 'say "hi"\\ \n\r\t 😀 \u0000 end';
    const content = await writeWith(dir, "jsonl", items, [[{ name: hostile }]]);
    const lines = content.toString("utf8").split("\n");
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0])).toEqual({ name: hostile });
  });

  it("writes many rows in order across buffer flushes", async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => ({ id: i, name: `row ${i}` }));
    const content = await writeWith(dir, "jsonl", items, [rows.slice(0, 1000), rows.slice(1000)], { chunkBytes: 1024 });
    const parsed = content.toString("utf8").trimEnd().split("\n").map((line) => JSON.parse(line));
    expect(parsed).toEqual(rows);
  });

  it("reports the column and value that cannot be written", async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(writeWith(dir, "jsonl", items, [[{ id: 1, doc: cyclic }]])).rejects.toThrow(
      'Cannot write value [object Object] (object) of column "doc" in table "items" as json: ' +
        "json value is nested deeper than 1000 levels (a cycle?).",
    );
  });
});
