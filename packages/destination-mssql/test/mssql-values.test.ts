import {
  ExactDecimal,
  UtcDate,
  columnWriterFor,
  loadTedious,
  parseTime,
  parseTimestamp,
  scaleDecimal,
  toTediousParameter,
  type MssqlCatalogColumn,
  type TediousConnectionLike,
  type TediousModuleLike,
} from "@dlt-ts/destination-mssql";

type RealTedious = TediousModuleLike & {
  Connection: new (config: object) => TediousConnectionLike;
  TYPES: Record<string, { name: string; generateParameterData(p: object, o: object): Iterable<Buffer>; generateTypeInfo(p: object, o: object): Buffer; validate(v: unknown): unknown }>;
};
const tedious = loadTedious() as RealTedious;
const T = tedious.TYPES;

function bytes(type: { generateParameterData(p: object, o: object): Iterable<Buffer> }, parameter: object): string {
  return Buffer.concat([...type.generateParameterData(parameter, { useUTC: true })]).toString("hex");
}

describe("scaleDecimal", () => {
  test.each<[string, number, bigint | undefined]>([
    ["0", 0, 0n],
    ["123.45", 2, 12345n],
    ["123.45", 4, 1234500n],
    ["-123.45", 2, -12345n],
    ["123.455", 2, 12346n],
    ["-123.455", 2, -12346n],
    ["123.454", 2, 12345n],
    ["0.005", 2, 1n],
    ["0.004", 2, 0n],
    ["9.5", 0, 10n],
    [".5", 1, 5n],
    ["5.", 1, 50n],
    ["1e3", 0, 1000n],
    ["1.5E-2", 3, 15n],
    ["+7", 0, 7n],
    ["99999999999999999999999999999.999999999", 9, 99999999999999999999999999999999999999n],
    ["115792089237316195423570985008687907853", 0, 115792089237316195423570985008687907853n],
    ["", 0, undefined],
    ["abc", 0, undefined],
    ["1.2.3", 0, undefined],
    [".", 0, undefined],
  ])("%j at scale %i → %p", (text, scale, expected) => {
    expect(scaleDecimal(text, scale)).toBe(expected);
  });
});

describe("ExactDecimal", () => {
  test.each([
    ["123.45", 10, 2],
    ["-1", 5, 0],
    ["0", 38, 9],
    ["12345678.125", 38, 9],
    ["-99999.5", 19, 1],
    ["42", 28, 3],
  ])("writes %s as decimal(%i,%i) byte for byte as tedious's Decimal does for values a double holds", (value, precision, scale) => {
    const parameter = { value, precision, scale };
    expect(bytes(ExactDecimal, parameter)).toBe(bytes(T.Decimal!, { ...parameter, value: Number(value) }));
    expect(ExactDecimal.generateTypeInfo(parameter).toString("hex")).toBe(T.Decimal!.generateTypeInfo(parameter, {}).toString("hex"));
    expect(ExactDecimal.declaration(parameter)).toBe(`decimal(${precision}, ${scale})`);
  });

  test("keeps all 38 digits where tedious's Decimal (a double) loses them", () => {
    const value = "12345678901234567890123456789.123456789";
    const data = Buffer.concat([...ExactDecimal.generateParameterData({ value, precision: 38, scale: 9 })]);
    expect(data[0]).toBe(1);
    let magnitude = 0n;
    for (let i = data.length - 1; i >= 1; i--) magnitude = (magnitude << 8n) | BigInt(data[i]!);
    expect(magnitude).toBe(12345678901234567890123456789123456789n);
    // tedious's Decimal: the double cannot hold it (it throws past 2^64, or writes other digits).
    let tediousHex: string | undefined;
    try {
      tediousHex = bytes(T.Decimal!, { value: Number(value), precision: 38, scale: 9 });
    } catch {
      tediousHex = undefined;
    }
    expect(tediousHex).not.toBe(data.toString("hex"));
  });

  test("wei-sized integers and negative values", () => {
    const data = Buffer.concat([...ExactDecimal.generateParameterData({ value: "-99999999999999999999999999999999999999", precision: 38, scale: 0 })]);
    expect(data[0]).toBe(0);
    expect(data.subarray(1).reverse().toString("hex")).toBe((10n ** 38n - 1n).toString(16).padStart(32, "0"));
  });

  test("out of range for the precision, or not a number, fails", () => {
    expect(() => [...ExactDecimal.generateParameterData({ value: "1000", precision: 3, scale: 0 })]).toThrow(/out of range/);
    expect(() => ExactDecimal.validate("12a")).toThrow(/Invalid decimal/);
    expect(ExactDecimal.validate(null)).toBeNull();
    expect(ExactDecimal.validate(12.5)).toBe("12.5");
    expect(ExactDecimal.validate(10n ** 30n)).toBe("1000000000000000000000000000000");
  });

  test("NULL", () => {
    expect(ExactDecimal.generateParameterLength({ value: null, precision: 38, scale: 9 }).toString("hex")).toBe("00");
    expect([...ExactDecimal.generateParameterData({ value: null, precision: 38, scale: 9 })]).toEqual([]);
  });
});

describe("parseTimestamp / parseTime", () => {
  test.each<[string, string, number | undefined]>([
    ["2024-05-01T10:20:30Z", "2024-05-01T10:20:30.000Z", undefined],
    ["2024-05-01T10:20:30.123Z", "2024-05-01T10:20:30.123Z", undefined],
    ["2024-05-01T10:20:30.1234567Z", "2024-05-01T10:20:30.123Z", 0.0004567],
    ["2024-05-01T10:20:30.123456Z", "2024-05-01T10:20:30.123Z", 0.000456],
    ["2024-05-01 10:20:30", "2024-05-01T10:20:30.000Z", undefined],
    ["2024-05-01T12:20:30+02:00", "2024-05-01T10:20:30.000Z", undefined],
    ["2024-05-01T05:20:30-0500", "2024-05-01T10:20:30.000Z", undefined],
    ["2024-05-01", "2024-05-01T00:00:00.000Z", undefined],
    ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z", undefined],
    ["9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.999Z", 0.0009999],
  ])("%s", (text, iso, delta) => {
    const date = parseTimestamp(text)!;
    expect(date).toBeInstanceOf(UtcDate);
    expect(date.toISOString()).toBe(iso);
    expect(date.getTimezoneOffset()).toBe(0);
    if (delta === undefined) expect(date.nanosecondDelta).toBeUndefined();
    else expect(date.nanosecondDelta).toBeCloseTo(delta, 10);
  });

  test.each(["2024-02-30", "2024-13-01", "2024-05-01T24:00:00Z", "yesterday", "", "2024-05-01T10:20:61Z"])("rejects %j", (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });

  test("time of day", () => {
    expect(parseTime("10:20:30.1234567")!.toISOString()).toBe("1970-01-01T10:20:30.123Z");
    expect(parseTime("10:20:30.1234567")!.nanosecondDelta).toBeCloseTo(0.0004567, 10);
    expect(parseTime("23:59")!.toISOString()).toBe("1970-01-01T23:59:00.000Z");
    expect(parseTime("25:00:00")).toBeUndefined();
  });

  test("tedious writes a UtcDate as datetimeoffset with offset 0 whatever the machine's time zone", () => {
    const date = parseTimestamp("2024-05-01T10:20:30.1234567Z")!;
    const data = Buffer.from(bytes(T.DateTimeOffset!, { value: date, scale: 7 }), "hex");
    // 5 bytes of 100ns ticks since midnight, 3 bytes of days, 2 bytes of offset minutes.
    const ticks = data.readUIntLE(0, 5);
    expect(ticks).toBe(((10 * 60 + 20) * 60 + 30) * 10_000_000 + 1_234_567);
    expect(data.readInt16LE(8)).toBe(0);
  });
});

describe("toTediousParameter", () => {
  const request = () => new tedious.Request("SELECT 1", () => undefined) as unknown as {
    addParameter(n: string, t: unknown, v: unknown, o?: object): void;
    validateParameters(c: unknown): void;
    parameters: { type: { name: string }; value: unknown; length?: number; scale?: number }[];
    makeParamsParameter(p: unknown[]): string;
  };

  test.each<[unknown, string, string]>([
    ["text", "NVarChar", "nvarchar(4000)"],
    ["x".repeat(4001), "NVarChar", "nvarchar(max)"],
    [null, "NVarChar", "nvarchar(4000)"],
    [undefined, "NVarChar", "nvarchar(4000)"],
    [42, "Int", "int"],
    [2 ** 40, "BigInt", "bigint"],
    [1.5, "Float", "float"],
    [2n ** 62n, "BigInt", "bigint"],
    [2n ** 70n, "Decimal", "decimal(38, 0)"],
    [true, "Bit", "bit"],
    [new Date("2024-05-01T10:20:30Z"), "DateTimeOffset", "datetimeoffset(7)"],
    [new Uint8Array([1, 2]), "VarBinary", "varbinary(8000)"],
    [{ a: 1 }, "NVarChar", "nvarchar(4000)"],
  ])("%p → %s declared %s, accepted by tedious's own validation", (value, typeName, declaration) => {
    const parameter = toTediousParameter(value, tedious);
    expect(parameter.type.name).toBe(typeName);
    const r = request();
    r.addParameter("p0", parameter.type, parameter.value, parameter.options);
    expect(() => r.validateParameters(undefined)).not.toThrow();
    expect(r.makeParamsParameter(r.parameters)).toBe(`@p0 ${declaration}`);
  });
});

describe("columnWriterFor: csv fields → values tedious encodes", () => {
  const col = (dataType: string, extra: Partial<MssqlCatalogColumn> = {}): MssqlCatalogColumn => ({
    name: "c",
    dataType,
    maxLength: null,
    precision: null,
    scale: null,
    datetimePrecision: null,
    nullable: true,
    ...extra,
  });

  test.each<[MssqlCatalogColumn, string, unknown]>([
    [col("nvarchar", { maxLength: -1 }), "héllo, \"world\"\n", "héllo, \"world\"\n"],
    [col("nvarchar", { maxLength: 10 }), "", ""],
    [col("bit"), "true", true],
    [col("bit"), "false", false],
    [col("tinyint"), "255", 255],
    [col("int"), "-2147483648", -2147483648],
    [col("bigint"), "-9223372036854775808", -9223372036854775808n],
    [col("float"), "0.1", 0.1],
    [col("float"), "-1e-300", -1e-300],
    [col("decimal", { precision: 38, scale: 9 }), "12345678901234567890123456789.123456789", "12345678901234567890123456789.123456789"],
    [col("decimal", { precision: 38, scale: 0 }), "99999999999999999999999999999999999999", "99999999999999999999999999999999999999"],
    [col("varbinary", { maxLength: -1 }), "\\x00ff10", Buffer.from([0, 255, 16])],
  ])("%j takes %j", (column, field, expected) => {
    const writer = columnWriterFor(column, tedious);
    expect(writer.convert(field)).toEqual(expected);
    expect(writer.convert(null)).toBeNull();
  });

  test("temporal fields keep 7 digits", () => {
    const ts = columnWriterFor(col("datetimeoffset", { datetimePrecision: 7 }), tedious);
    expect(ts.options).toEqual({ scale: 7 });
    const value = ts.convert("2024-05-01T10:20:30.1234567Z") as UtcDate;
    expect([value.toISOString(), value.nanosecondDelta]).toEqual(["2024-05-01T10:20:30.123Z", expect.closeTo(0.0004567, 10)]);
    expect((columnWriterFor(col("datetime2", { datetimePrecision: 3 }), tedious).options)).toEqual({ scale: 3 });
    expect((columnWriterFor(col("date"), tedious).convert("2024-05-01") as Date).toISOString()).toBe("2024-05-01T00:00:00.000Z");
    expect((columnWriterFor(col("time", { datetimePrecision: 6 }), tedious).convert("10:20:30.123456") as Date).toISOString()).toBe("1970-01-01T10:20:30.123Z");
  });

  test.each<[MssqlCatalogColumn, string, RegExp]>([
    [col("bit"), "maybe", /not a boolean/],
    [col("tinyint"), "256", /integer from 0 to 255/],
    [col("int"), "1.5", /not an integer/],
    [col("bigint"), "9223372036854775808", /64 bits/],
    [col("bigint"), "x", /not an integer/],
    [col("float"), "NaN", /not a number/],
    [col("float"), "Infinity", /cannot store NaN or Infinity/],
    [col("decimal", { precision: 5, scale: 2 }), "1000.00", /does not fit in decimal\(5,2\)/],
    [col("decimal", { precision: 5, scale: 2 }), "ten", /not a decimal number/],
    [col("datetimeoffset", { datetimePrecision: 7 }), "yesterday", /not an ISO-8601 timestamp/],
    [col("varbinary", { maxLength: -1 }), "\\xZZ", /not hex/],
  ])("%j refuses %j", (column, field, message) => {
    const writer = columnWriterFor(column, tedious);
    expect(() => writer.convert(field)).toThrow(message);
  });

  test("a refused value is never echoed in the message", () => {
    const writer = columnWriterFor(col("int"), tedious);
    expect(() => writer.convert("secret-value-123")).toThrow(/^Column "c" \(int\): a value is not an integer/);
    expect(() => writer.convert("secret-value-123")).not.toThrow(/secret-value-123/);
  });

  test("types dlt never creates are refused with a hint", () => {
    expect(() => columnWriterFor(col("xml"), tedious)).toThrow(/load the table with insert_values/);
  });

  test("every writer's values go through tedious's real bulk row encoder", async () => {
    const columns: [MssqlCatalogColumn, string][] = [
      [col("nvarchar", { maxLength: -1, name: "t]x" }), "text ü 😀"],
      [col("nvarchar", { maxLength: 900 }), "key"],
      [col("bit"), "true"],
      [col("tinyint"), "7"],
      [col("smallint"), "-7"],
      [col("int"), "70000"],
      [col("bigint"), "9007199254740993"],
      [col("float"), "3.25"],
      [col("decimal", { precision: 38, scale: 9 }), "-12345678901234567890123456789.123456789"],
      [col("decimal", { precision: 38, scale: 0 }), "-99999999999999999999999999999999999999"],
      [col("datetimeoffset", { datetimePrecision: 7 }), "2024-05-01T10:20:30.1234567Z"],
      [col("datetimeoffset", { datetimePrecision: 3 }), "2024-05-01T10:20:30.123Z"],
      [col("datetime2", { datetimePrecision: 7 }), "2024-05-01T10:20:30.123456Z"],
      [col("date"), "2024-05-01"],
      [col("time", { datetimePrecision: 7 }), "10:20:30.1234567"],
      [col("varbinary", { maxLength: -1 }), "\\x0001ff"],
      [col("varbinary", { maxLength: 16 }), "\\xabcd"],
    ];
    const connection = new tedious.Connection({
      server: "offline.invalid",
      authentication: { type: "default", options: { userName: "x", password: "x" } },
      options: { useUTC: true },
    });
    const bulk = connection.newBulkLoad("[ds].[t]", { checkConstraints: true, fireTriggers: true, keepNulls: true }, () => undefined) as unknown as {
      addColumn(name: string, type: unknown, options: object): void;
      getBulkInsertSql(): string;
      rowToPacketTransform: NodeJS.ReadWriteStream & { write(row: unknown, cb: (e?: Error | null) => void): boolean };
    };
    const writers = columns.map(([c], i) => columnWriterFor({ ...c, name: c.name === "c" ? `c${i}` : c.name }, tedious));
    for (const w of writers) bulk.addColumn(w.name.replace(/]/g, "]]"), w.type, { ...w.options, nullable: w.nullable });
    expect(bulk.getBulkInsertSql()).toBe(
      "insert bulk [ds].[t]([t]]x] nvarchar(max), [c1] nvarchar(900), [c2] bit, [c3] tinyint, [c4] smallint, [c5] int, [c6] bigint, [c7] float, " +
        "[c8] decimal(38, 9), [c9] decimal(38, 0), [c10] datetimeoffset(7), [c11] datetimeoffset(3), [c12] datetime2(7), [c13] date, [c14] time(7), " +
        "[c15] varbinary(max), [c16] varbinary(16)) WITH (CHECK_CONSTRAINTS,FIRE_TRIGGERS,KEEP_NULLS)",
    );
    let size = 0;
    bulk.rowToPacketTransform.on("data", (chunk: Buffer) => (size += chunk.length));
    const write = (row: unknown[]) => new Promise<void>((resolve, reject) => bulk.rowToPacketTransform.write(row, (e) => (e ? reject(e) : resolve())));
    await write(columns.map(([, field], i) => writers[i]!.convert(field)));
    await write(columns.map((_, i) => writers[i]!.convert(null)));
    expect(size).toBeGreaterThan(100);
  });
});
