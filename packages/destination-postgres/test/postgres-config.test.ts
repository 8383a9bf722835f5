import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import {
  ConfigFieldMissingException,
  DatabaseTerminalException,
  DatabaseTransientException,
  DatabaseUndefinedRelation,
  resolveConfig,
} from "@dlt-ts/core";
import {
  PostgresClientConfiguration,
  PostgresCredentials,
  classifyPostgresError,
  escapePostgresLiteral,
  postgres,
} from "@dlt-ts/destination-postgres";
import { parseCsvRecord, splitCsvHeader } from "../src/postgres-copy-job.js";

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "pg-config-"));
  mkdirSync(join(dir, ".dlt"));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, ".dlt", name), content);
  return dir;
}

describe("PostgresCredentials", () => {
  test("parses a connection string with sslmode and connect_timeout, masks the password", () => {
    const c = PostgresCredentials.from("postgresql://loader:p%40ss@db.example.com/dlt_data?sslmode=require&connect_timeout=7");
    expect(c).toMatchObject({ drivername: "postgresql", username: "loader", password: "p@ss", host: "db.example.com", port: 5432, database: "dlt_data" });
    expect(c.sslmode).toBe("require");
    expect(c.connectTimeout).toBe(7);
    expect(String(c)).toBe("postgresql://loader:***@db.example.com:5432/dlt_data?sslmode=require&connect_timeout=7");
    for (const text of [JSON.stringify(c), inspect(c), `${c}`]) expect(text).not.toContain("p@ss");
  });

  test("new PostgresCredentials(url) parses it over the class defaults, as dlt's PostgresCredentials(url)", () => {
    const c = new PostgresCredentials("postgresql://u:pw@h:6543/db?connect_timeout=3");
    expect([c.username, c.password, c.host, c.port, c.database, c.connectTimeout]).toEqual(["u", "pw", "h", 6543, "db", 3]);
    expect(String(c)).toBe("postgresql://u:***@h:6543/db?connect_timeout=3");
    expect(new PostgresCredentials().port).toBe(5432);
    expect(() => new PostgresCredentials("h:5432/db")).toThrow("Cannot create PostgresCredentials from the value given: not a URL");
  });

  test("resolves field by field from secrets.toml under destination.postgres.credentials", async () => {
    const dir = project({
      "secrets.toml": '[destination.postgres.credentials]\ndatabase = "dlt_data"\nusername = "loader"\npassword = "pw"\nhost = "localhost"\nport = 5433\n',
    });
    const config = await resolveConfig(PostgresClientConfiguration, { sections: ["destination", "postgres"], projectDir: dir, env: {} });
    expect(config.credentials).toBeInstanceOf(PostgresCredentials);
    expect(String(config.credentials)).toBe("postgresql://loader:***@localhost:5433/dlt_data");
    expect(config.createIndexes).toBe(true);
    expect(config.replaceStrategy).toBe("truncate-and-insert");
  });

  test("resolves a native connection string from env and options from config.toml", async () => {
    const dir = project({ "config.toml": "[destination.postgres]\ncreate_indexes = false\nreplace_strategy = \"staging-optimized\"\n" });
    const config = await resolveConfig(PostgresClientConfiguration, {
      sections: ["destination", "postgres"],
      projectDir: dir,
      env: { DESTINATION__POSTGRES__CREDENTIALS: "postgresql://u:secret@h:1234/d" },
    });
    expect(config.credentials.port).toBe(1234);
    expect(config.createIndexes).toBe(false);
    expect(config.replaceStrategy).toBe("staging-optimized");
  });

  test("missing credentials fail before any work, naming the keys tried and no secret", async () => {
    const destination = postgres();
    const error = await destination
      .configure({ pipelineName: "p", datasetName: "d", workingDir: "/tmp", projectDir: project({}) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigFieldMissingException);
    expect((error as Error).message).toContain("destination.postgres.credentials");
  });

  test("the configured destination shows a masked location", async () => {
    const configured = await postgres({ credentials: "postgresql://u:hunter2@h/d" }).configure({ pipelineName: "p", datasetName: "d", workingDir: "/tmp", projectDir: project({}) });
    expect(configured.location).toBe("postgresql://u:***@h:5432/d");
    expect(inspect(configured, { depth: 5 })).not.toContain("hunter2");
  });
});

describe("classifyPostgresError", () => {
  test.each([
    ["42P01", DatabaseUndefinedRelation],
    ["3F000", DatabaseUndefinedRelation],
    ["08006", DatabaseTransientException],
    ["40001", DatabaseTransientException],
    ["40P01", DatabaseTransientException],
    ["57P01", DatabaseTransientException],
    ["53300", DatabaseTransientException],
    ["22P02", DatabaseTerminalException],
    ["23502", DatabaseTerminalException],
    ["42703", DatabaseTerminalException],
    ["28P01", DatabaseTerminalException],
  ])("SQLSTATE %s", (code, kind) => {
    const error = classifyPostgresError(Object.assign(new Error("boom"), { code }));
    expect(error).toBeInstanceOf(kind);
    expect(error.dbCode).toBe(code);
  });

  test("broken connections without SQLSTATE are transient, other errors terminal", () => {
    expect(classifyPostgresError(new Error("Connection terminated unexpectedly"))).toBeInstanceOf(DatabaseTransientException);
    expect(classifyPostgresError(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }))).toBeInstanceOf(DatabaseTransientException);
    expect(classifyPostgresError(new Error("something odd"))).toBeInstanceOf(DatabaseTerminalException);
  });
});

describe("escapePostgresLiteral", () => {
  test.each([
    [null, "NULL"],
    ["it's", "E'it''s'"],
    ["a\\b\nc\r", "E'a\\\\b\\nc\\r'"],
    ["nul\u0000", "E'nul'"],
    [12, "12"],
    [Number.NaN, "'NaN'"],
    [12n, "12"],
    [true, "TRUE"],
    [new Date("2024-01-02T03:04:05.006Z"), "'2024-01-02T03:04:05.006Z'"],
    [new Uint8Array([0, 255]), "'\\x00ff'"],
    [{ a: "x\u0000'" }, "E'{\"a\":\"x''\"}'"],
  ])("%p → %s", (value, expected) => {
    expect(escapePostgresLiteral(value)).toBe(expected);
  });
});

describe("csv header", () => {
  test("quoted names with commas, quotes and line breaks", () => {
    expect(parseCsvRecord('a,"b,c","d""e",')).toEqual(["a", "b,c", 'd"e', ""]);
    const split = splitCsvHeader(Buffer.from('x,"multi\nline"\n1,2\n'))!;
    expect(split.names).toEqual(["x", "multi\nline"]);
    expect(split.rest.toString()).toBe("1,2\n");
    expect(splitCsvHeader(Buffer.from('x,"open\n'))).toBeUndefined();
  });
});
