import { ansiEscapeLiteral, defaultCapabilities } from "@dlt-ts/core";

describe("ansiEscapeLiteral (the default escapeLiteral)", () => {
  it("renders binary as a standard SQL hex string X'…', whatever the view on the buffer", () => {
    expect(ansiEscapeLiteral(new Uint8Array([0x0a, 0x0b, 0xff]))).toBe("X'0a0bff'");
    expect(ansiEscapeLiteral(Buffer.from([0, 1, 2, 0x27]))).toBe("X'00010227'");
    expect(ansiEscapeLiteral(Buffer.from([9, 8, 7, 6]).subarray(1, 3))).toBe("X'0807'");
    expect(ansiEscapeLiteral(new Uint8Array([0xde, 0xad]).buffer)).toBe("X'dead'");
    expect(ansiEscapeLiteral(new Uint8Array())).toBe("X''");
    expect(defaultCapabilities().escapeLiteral(new Uint8Array([1]))).toBe("X'01'");
  });

  it("renders scalars and JSON as before", () => {
    expect(ansiEscapeLiteral(null)).toBe("NULL");
    expect(ansiEscapeLiteral(12n)).toBe("12");
    expect(ansiEscapeLiteral(false)).toBe("FALSE");
    expect(ansiEscapeLiteral("it's")).toBe("'it''s'");
    expect(ansiEscapeLiteral(new Date("2024-01-02T03:04:05.678Z"))).toBe("'2024-01-02T03:04:05.678Z'");
    expect(ansiEscapeLiteral({ a: "b'c" })).toBe(`'{"a":"b''c"}'`);
  });
});
