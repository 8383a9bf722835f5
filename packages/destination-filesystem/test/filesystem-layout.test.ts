import { CantExtractTablePrefix, DEFAULT_LAYOUT, FilesystemLayout, InvalidFilesystemLayout, type LayoutJob } from "@dlt-ts/destination-filesystem";

/* dlt's own path_utils cases (tests/destinations/test_path_utils.py), with its frozen time 2024-04-14 08:32:00 UTC, a Sunday. */
const frozen = new Date("2024-04-14T08:32:00.000Z");
const job: LayoutJob = {
  schemaName: "schema-name",
  tableName: "mocked-table",
  loadId: "mocked-load-id",
  fileId: "mocked-file-id",
  ext: "jsonl",
  currentDatetime: frozen,
  loadPackageTimestamp: frozen,
};
const seconds = String(frozen.getTime() / 1000);

describe("FilesystemLayout.path", () => {
  test.each([
    ["{schema_name}/{table_name}/{load_id}.{file_id}.{ext}", "schema-name/mocked-table/mocked-load-id.mocked-file-id.jsonl"],
    ["{schema_name}.{table_name}.{load_id}.{file_id}.{ext}", "schema-name.mocked-table.mocked-load-id.mocked-file-id.jsonl"],
    ["{table_name}88{load_id}-u-{file_id}.{ext}", "mocked-table88mocked-load-id-u-mocked-file-id.jsonl"],
    ["{table_name}/{curr_date}/{load_id}.{file_id}.{ext}{timestamp}", `mocked-table/2024-04-14/mocked-load-id.mocked-file-id.jsonl${seconds}`],
    ["{table_name}/{YYYY}-{MM}-{DD}/{load_id}.{file_id}.{ext}", "mocked-table/2024-04-14/mocked-load-id.mocked-file-id.jsonl"],
    ["{table_name}/{YYYY}-{MMM}-{D}/{load_id}.{file_id}.{ext}", "mocked-table/2024-apr-14/mocked-load-id.mocked-file-id.jsonl"],
    ["{table_name}/{DD}/{HH}/{m}/{load_id}.{file_id}.{ext}", "mocked-table/14/08/32/mocked-load-id.mocked-file-id.jsonl"],
    ["{table_name}/{D}/{H}/{mm}/{load_id}.{file_id}.{ext}", "mocked-table/14/8/32/mocked-load-id.mocked-file-id.jsonl"],
    ["{table_name}/{timestamp}/{load_id}.{file_id}.{ext}", `mocked-table/${seconds}/mocked-load-id.mocked-file-id.jsonl`],
    ["{table_name}/{timestamp_ms}/{load_id}.{file_id}.{ext}", `mocked-table/${frozen.getTime()}/mocked-load-id.mocked-file-id.jsonl`],
    ["{table_name}/dayofweek-{ddd}/{load_id}.{file_id}.{ext}", "mocked-table/dayofweek-sun/mocked-load-id.mocked-file-id.jsonl"],
    ["{table_name}/{Q}/{MM}/{ddd}/{load_id}.{file_id}.{ext}", "mocked-table/2/04/sun/mocked-load-id.mocked-file-id.jsonl"],
    ["{table_name}/{YY}-{MM}-{D}/{load_id}.{file_id}.{ext}", "mocked-table/24-04-14/mocked-load-id.mocked-file-id.jsonl"],
    ["{table_name}/{Y}-{M}-{D}/{load_id}.{file_id}.{ext}", "mocked-table/2024-4-14/mocked-load-id.mocked-file-id.jsonl"],
    ["{table_name}/{mm}/{ss}/{s}/{load_id}.{file_id}.{ext}", "mocked-table/32/00/0/mocked-load-id.mocked-file-id.jsonl"],
    ["{table_name}/ms={SSS}/mcs={SSSS}/{SS}/{S}/{load_id}.{file_id}.{ext}", "mocked-table/ms=000/mcs=0000/00/0/mocked-load-id.mocked-file-id.jsonl"],
    ["{table_name}/{M}/{dddd}/{dd}/{d}/{load_id}.{file_id}.{ext}", "mocked-table/4/sunday/su/0/mocked-load-id.mocked-file-id.jsonl"],
    ["{table_name}/{MMMM}/{load_id}.{file_id}.{ext}", "mocked-table/april/mocked-load-id.mocked-file-id.jsonl"],
    ["{table_name}/{load_package_timestamp}/{d}/{load_id}.{file_id}.{ext}", `mocked-table/${seconds}/0/mocked-load-id.mocked-file-id.jsonl`],
    ["{table_name}/{load_package_timestamp_ms}/{load_id}.{file_id}.{ext}", `mocked-table/${frozen.getTime()}/mocked-load-id.mocked-file-id.jsonl`],
  ])("%s", (layout, expected) => {
    expect(new FilesystemLayout(layout).path(job)).toBe(expected);
  });

  test("the default layout is dlt's", () => {
    expect(DEFAULT_LAYOUT).toBe("{table_name}/{load_id}.{file_id}.{ext}");
    expect(new FilesystemLayout().path(job)).toBe("mocked-table/mocked-load-id.mocked-file-id.jsonl");
  });

  test("fractions of a second come from the milliseconds", () => {
    const at = { ...job, currentDatetime: new Date("2024-04-14T08:32:00.987Z") };
    expect(new FilesystemLayout("{table_name}/{SSSS}/{SSS}/{SS}/{S}").path(at)).toBe("mocked-table/9870/987/98/9.jsonl");
  });

  test("extra placeholders: text and callbacks of (schema, table, load id, file id, ext)", () => {
    const layout = new FilesystemLayout("{table_name}/{callback}/{type}/{load_id}.{file_id}.{ext}", {
      type: "one-for-all",
      callback: (...args) => args.join("-"),
    });
    expect(layout.path(job)).toBe(
      "mocked-table/schema-name-mocked-table-mocked-load-id-mocked-file-id-jsonl/one-for-all/mocked-load-id.mocked-file-id.jsonl",
    );
  });

  test("without {ext} the extension is appended", () => {
    expect(new FilesystemLayout("{table_name}/{load_id}.{file_id}").path(job)).toBe("mocked-table/mocked-load-id.mocked-file-id.jsonl");
  });

  test("times are UTC whatever the zone of the Date", () => {
    const layout = new FilesystemLayout("{table_name}/{YYYY}{MM}{DD}{HH}");
    expect(layout.path({ ...job, currentDatetime: new Date("2024-12-31T23:30:00-02:00") })).toBe("mocked-table/2025010101.jsonl");
  });
});

describe("layout checks", () => {
  test("unknown placeholders are listed with the known ones", () => {
    let error: unknown;
    try {
      new FilesystemLayout("{table_name}/{bobo}/{load_idd}.{file_id}.{ext}", { type: "x" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidFilesystemLayout);
    const message = (error as Error).message;
    expect(message).toContain('Layout "{table_name}/{bobo}/{load_idd}.{file_id}.{ext}" has unknown placeholders: {bobo}, {load_idd}.');
    expect(message).toContain("{load_id}");
    expect(message).toContain("{type}");
    expect(message).toContain("extra_placeholders");
  });

  test.each([
    ["{load_id}/{file_id}.{ext}", "{table_name} placeholder not found."],
    ["{load_id}/{table_name}/{file_id}.{ext}", "only {schema_name} may come before {table_name}, and the layout has {load_id} there."],
    ["{table_name}{load_id}.{file_id}.{ext}", "a separator (such as / or .) is required after {table_name}."],
    ["{schema_name}/{table_name}", "a separator (such as / or .) is required after {table_name}."],
  ])("%s cannot give a table prefix", (layout, details) => {
    expect(() => new FilesystemLayout(layout)).toThrow(CantExtractTablePrefix);
    expect(() => new FilesystemLayout(layout)).toThrow(`Cannot find the table prefix in layout "${layout}": ${details}`);
  });

  test("table prefixes: up to the separator after {table_name}; dlt's tables always in a folder", () => {
    expect(new FilesystemLayout().tablePrefix("github", "events")).toBe("events/");
    expect(new FilesystemLayout("{schema_name}/{table_name}/{YYYY}/{load_id}.{file_id}.{ext}").tablePrefix("github", "events")).toBe("github/events/");
    expect(new FilesystemLayout("{table_name}.{load_id}.{file_id}.{ext}").tablePrefix("github", "events")).toBe("events.");
    expect(new FilesystemLayout("{table_name}.{load_id}.{file_id}.{ext}").tablePrefix("github", "_dlt_loads")).toBe("_dlt_loads/");
  });

  test("a load's files are recognized through {load_id}; without it they cannot be", () => {
    const layout = new FilesystemLayout("{table_name}/{YYYY}/{load_id}.{file_id}.{ext}");
    const matches = layout.matcherForLoad("github", "events", "1714557630.123456")!;
    expect(matches("events/2024/1714557630.123456.abc.jsonl")).toBe(true);
    expect(matches("events/2024/1714557630.999999.abc.jsonl")).toBe(false);
    expect(matches("events_v2/2024/1714557630.123456.abc.jsonl")).toBe(false);
    expect(new FilesystemLayout("{table_name}/{file_id}.{ext}").matcherForLoad("github", "events", "1")).toBeUndefined();
  });
});
