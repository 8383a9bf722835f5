import { defaultCapabilities } from "@dlt-ts/core";
import { postgresLikeCapabilities, table, tempDir, writeWith } from "./writer-test-helpers.js";

const { dir, cleanup } = tempDir();
afterAll(cleanup);

describe("InsertValuesDataWriter", () => {
  it("writes dlt's layout: header with {} placeholder, VALUES, rows joined by ,\\n, final ;", async () => {
    const schema = table("items", {
      id: "bigint",
      name: "text",
      at: "timestamp",
      day: "date",
      doc: "json",
      price: "wei",
      ratio: "double",
      flag: "bool",
    });
    const content = await writeWith(dir, "insert_values", schema, [
      [
        {
          id: 2n ** 64n,
          name: "it's",
          at: "2024-05-01T10:20:30.5+01:00",
          day: "2024-05-01",
          doc: { a: 1, big: 2n ** 70n },
          price: "123456789012345678901234567890",
          ratio: 1.5,
          flag: true,
        },
      ],
      [{ id: 2, ratio: Number.POSITIVE_INFINITY }],
    ]);
    expect(content.toString("utf8")).toBe(
      'INSERT INTO {}("id","name","at","day","doc","price","ratio","flag")\n' +
        "VALUES\n" +
        "(18446744073709551616,'it''s','2024-05-01T09:20:30.500Z','2024-05-01'," +
        `'{"a":1,"big":1180591620717411303424}',123456789012345678901234567890,1.5,TRUE),\n` +
        "(2,NULL,NULL,NULL,NULL,NULL,'Infinity',NULL);",
    );
  });

  it("writes UTC timestamps with their microseconds, and naive ones without a zone in timezone: false columns", async () => {
    const schema = table("t", { at: "timestamp", local: { dataType: "timestamp", timezone: false } });
    const content = await writeWith(dir, "insert_values", schema, [
      [{ at: "2024-05-01T10:20:45.176451-01:00", local: "2024-05-01T10:20:45.176451" }],
    ]);
    expect(content.toString("utf8")).toBe(
      `INSERT INTO {}("at","local")\nVALUES\n('2024-05-01T11:20:45.176451Z','2024-05-01T10:20:45.176451');`,
    );
  });

  it("escapes identifiers and literals with the destination's functions", async () => {
    const schema = table("t", { 'we"ird': "text", blob: "binary" });
    const ansi = await writeWith(dir, "insert_values", schema, [[{ 'we"ird': "a'b" }]], {
      capabilities: defaultCapabilities(),
    });
    expect(ansi.toString("utf8")).toBe(`INSERT INTO {}("we""ird","blob")\nVALUES\n('a''b',NULL);`);

    const pg = await writeWith(
      dir,
      "insert_values",
      schema,
      [[{ 'we"ird': "back\\slash 'q'\nnl 😀 \u0000", blob: new Uint8Array([1, 0xab]) }]],
      { capabilities: postgresLikeCapabilities() },
    );
    expect(pg.toString("utf8")).toBe(
      `INSERT INTO {}("we""ird","blob")\nVALUES\n(E'back\\\\slash \\'q\\'\nnl 😀 \u0000','\\x01ab');`,
    );
  });

  it("writes -0 of a double column as the string '-0' (unquoted, -0 is the integer 0 negated), and 0 in a bigint column", async () => {
    const content = await writeWith(dir, "insert_values", table("t", { d: "double", i: "bigint" }), [[{ d: -0, i: -0 }, { d: 0, i: 0 }]], {
      capabilities: defaultCapabilities(),
    });
    expect(content.toString("utf8")).toBe(`INSERT INTO {}("d","i")\nVALUES\n('-0',0),\n(0,0);`);
  });

  it("writes nothing but an empty file when closed without rows", async () => {
    const content = await writeWith(dir, "insert_values", table("t", { a: "text" }), []);
    expect(content.toString("utf8")).toBe("");
  });
});
