import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { ConfigFieldMissingException, NativeValueError, resolveConfig } from "@dlt-ts/core";
import { MssqlClientConfiguration, MssqlCredentials, mssql } from "@dlt-ts/destination-mssql";

const URL = "mssql://loader:s3cr%40t!@db.example.com:1444/dlt_data?encrypt=strict&TrustServerCertificate=yes&connect_timeout=5";

function emptyProject(): string {
  return mkdtempSync(join(tmpdir(), "mssql-creds-"));
}

describe("MssqlCredentials", () => {
  test("parses a connection string; URL parameter names are case-insensitive", () => {
    const c = MssqlCredentials.from(URL);
    expect(c).toMatchObject({
      drivername: "mssql",
      username: "loader",
      password: "s3cr@t!",
      host: "db.example.com",
      port: 1444,
      database: "dlt_data",
      connectTimeout: 5,
    });
    expect(c.encryptOption()).toBe("strict");
    expect(c.trustServerCertificateOption()).toBe(true);
  });

  test("new MssqlCredentials(url) parses it over the class defaults; no argument is an empty instance", () => {
    const c = new MssqlCredentials(URL);
    expect([c.port, c.connectTimeout, c.password, c.encryptOption()]).toEqual([1444, 5, "s3cr@t!", "strict"]);
    expect(String(c)).not.toContain("s3cr");
    expect(new MssqlCredentials().port).toBe(1433);
    expect(() => new MssqlCredentials("not a url")).toThrow(NativeValueError);
  });

  test("defaults: port 1433, 30 s connect timeout, TLS on, certificate checked", () => {
    const c = MssqlCredentials.from("mssql://loader:pw@localhost/dlt_data");
    expect(c.port).toBe(1433);
    expect(c.connectTimeout).toBe(30);
    expect(c.encryptOption()).toBe(true);
    expect(c.trustServerCertificateOption()).toBe(false);
  });

  test.each([
    ["?Encrypt=no", false],
    ["?encrypt=false", false],
    ["?ENCRYPT=Yes", true],
    ["?encrypt=true", true],
  ])("encrypt from %s", (query, expected) => {
    expect(MssqlCredentials.from(`mssql://u:p@h/d${query}`).encryptOption()).toBe(expected);
  });

  test("a bad flag or timeout fails without echoing the connection string", () => {
    expect(() => MssqlCredentials.from("mssql://u:hunter2@h/d?encrypt=maybe")).toThrow(NativeValueError);
    expect(() => MssqlCredentials.from("mssql://u:hunter2@h/d?encrypt=maybe")).not.toThrow(/hunter2/);
    expect(() => MssqlCredentials.from("mssql://u:hunter2@h/d?connect_timeout=soon")).toThrow(/connect_timeout/);
  });

  test("every printed form masks the password", () => {
    const c = MssqlCredentials.from(URL);
    const printed = [String(c), `${c}`, JSON.stringify(c), inspect(c), inspect({ nested: c }, { depth: 5 })];
    for (const text of printed) {
      expect(text).not.toContain("s3cr");
      expect(text).toContain("***");
    }
    expect(String(c)).toBe("mssql://loader:***@db.example.com:1444/dlt_data?encrypt=strict&TrustServerCertificate=yes&connect_timeout=5");
    expect(c.toUrl()).toContain("s3cr%40t!");
  });
});

describe("config resolution under destination.mssql", () => {
  test("a connection string from env DESTINATION__MSSQL__CREDENTIALS", async () => {
    const cfg = await resolveConfig(MssqlClientConfiguration, {
      sections: ["destination", "mssql"],
      projectDir: emptyProject(),
      env: { DESTINATION__MSSQL__CREDENTIALS: URL, DESTINATION__MSSQL__CREATE_INDEXES: "true" },
    });
    expect(cfg.credentials.password).toBe("s3cr@t!");
    expect(cfg.credentials.encryptOption()).toBe("strict");
    expect(cfg.createIndexes).toBe(true);
    expect(cfg.replaceStrategy).toBe("truncate-and-insert");
    expect(cfg.bulkLoad).toBe(true);
    expect(cfg.poolSize).toBe(10);
  });

  test("fields from .dlt/secrets.toml, with TOML booleans for the TLS flags", async () => {
    const project = emptyProject();
    mkdirSync(join(project, ".dlt"));
    writeFileSync(
      join(project, ".dlt", "secrets.toml"),
      [
        "[destination.mssql.credentials]",
        'database = "dlt_data"',
        'username = "loader"',
        'password = "toml-pw"',
        'host = "sql.internal"',
        "port = 1435",
        "connect_timeout = 12",
        "encrypt = false",
        "trust_server_certificate = true",
      ].join("\n"),
    );
    const cfg = await resolveConfig(MssqlClientConfiguration, { sections: ["destination", "mssql"], projectDir: project, env: {} });
    expect(cfg.credentials).toMatchObject({ database: "dlt_data", username: "loader", password: "toml-pw", host: "sql.internal", port: 1435, connectTimeout: 12 });
    expect(cfg.credentials.encryptOption()).toBe(false);
    expect(cfg.credentials.trustServerCertificateOption()).toBe(true);
    expect(String(cfg.credentials)).toBe("mssql://loader:***@sql.internal:1435/dlt_data");
  });

  test("missing credentials fail before any work, naming the keys tried", async () => {
    const error = await resolveConfig(MssqlClientConfiguration, { sections: ["destination", "mssql"], projectDir: emptyProject(), env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigFieldMissingException);
    expect(String((error as Error).message)).toContain("destination.mssql.credentials");
  });
});

describe("mssql() factory", () => {
  test("destination type and name, capabilities, masked location", async () => {
    const d = mssql({ credentials: URL });
    expect(d.destinationType).toBe("mssql");
    expect(d.destinationName).toBe("mssql");
    expect(d.capabilities().preferredLoaderFileFormat).toBe("insert_values");
    expect(mssql({ loaderFileFormat: "csv" }).capabilities().preferredLoaderFileFormat).toBe("csv");
    const configured = await d.configure({ pipelineName: "p", datasetName: "ds", workingDir: emptyProject(), projectDir: emptyProject() });
    expect(configured.location).toBe("mssql://loader:***@db.example.com:1444/dlt_data?encrypt=strict&TrustServerCertificate=yes&connect_timeout=5");
  });

  test("an unsupported replace strategy fails at configure", async () => {
    const d = mssql({ credentials: URL, replaceStrategy: "staging-optimized" });
    await expect(d.configure({ pipelineName: "p", datasetName: "ds", workingDir: emptyProject(), projectDir: emptyProject() })).rejects.toThrow(
      /replace_strategy "staging-optimized" is not one of truncate-and-insert, insert-from-staging/,
    );
  });

  test("is the default export too", async () => {
    const module = await import("@dlt-ts/destination-mssql");
    expect(module.default).toBe(module.mssql);
  });
});
