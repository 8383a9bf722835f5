import { inspect } from "node:util";
import { ConfigFieldMissingException, ConnectionStringCredentials, NativeValueError, resolveConfig } from "@dlt-ts/core";
import { CredentialsInitValueException, InvalidNativeValueException, SecretInConfigTomlException } from "../../src/config/exceptions.js";
import { ConfigSandbox } from "./fixtures/config-sandbox.js";
import { PostgresClientConfiguration, PostgresCredentials } from "./fixtures/postgres-credentials.js";

describe("ConnectionStringCredentials", () => {
  const url = "postgresql://loader:p%40ss%3Aw0rd@localhost:5432/dlt_data?sslmode=require&application_name=dlt";
  const creds = ConnectionStringCredentials.from(url);

  it("parses driver://user:pass@host:port/db?k=v with URL-decoded parts", () => {
    expect({ ...creds }).toEqual({
      drivername: "postgresql",
      username: "loader",
      password: "p@ss:w0rd",
      host: "localhost",
      port: 5432,
      database: "dlt_data",
      query: { sslmode: "require", application_name: "dlt" },
    });
  });

  it("toUrl() / toNativeRepresentation() give the real value back, re-encoded", () => {
    expect(creds.toUrl()).toBe(url);
    expect(creds.toNativeRepresentation()).toBe(url);
    expect(ConnectionStringCredentials.from(creds.toUrl())).toEqual(creds);
  });

  it("masks the password in toString, templates, JSON and util.inspect", () => {
    const masked = "postgresql://loader:***@localhost:5432/dlt_data?sslmode=require&application_name=dlt";
    expect(String(creds)).toBe(masked);
    expect(`${creds}`).toBe(masked);
    expect(JSON.stringify(creds)).toBe(
      '{"drivername":"postgresql","database":"dlt_data","password":"***","username":"loader","host":"localhost","port":5432,"query":{"sslmode":"require","application_name":"dlt"}}',
    );
    expect(inspect(creds)).toBe(
      "ConnectionStringCredentials {\n  drivername: 'postgresql',\n  database: 'dlt_data',\n  password: '***',\n  username: 'loader',\n" +
        "  host: 'localhost',\n  port: 5432,\n  query: { sslmode: 'require', application_name: 'dlt' }\n}",
    );
    for (const out of [String(creds), JSON.stringify({ creds }), inspect({ creds }, { depth: 9, showHidden: true })]) {
      expect(out).not.toContain("p@ss");
      expect(out).not.toContain("p%40ss");
    }
  });

  it("handles IPv6 hosts, missing parts and file databases", () => {
    const v6 = ConnectionStringCredentials.from("postgresql://u@[::1]:6543/db");
    expect([v6.host, v6.port, v6.password]).toEqual(["::1", 6543, undefined]);
    expect(v6.toUrl()).toBe("postgresql://u@[::1]:6543/db");
    const file = ConnectionStringCredentials.from("duckdb:///data/quack.duckdb");
    expect([file.drivername, file.host, file.database]).toEqual(["duckdb", undefined, "data/quack.duckdb"]);
    expect(file.toUrl()).toBe("duckdb:///data/quack.duckdb");
  });

  it("rejects what is not a connection string without echoing it", () => {
    expect(() => ConnectionStringCredentials.from("loader:secretpw at localhost")).toThrow(NativeValueError);
    expect(() => ConnectionStringCredentials.from("loader:secretpw at localhost")).toThrow(
      "not a URL; expected driver://username:password@host:port/database?key=value",
    );
  });

  it("a subclass keeps its defaults when the string leaves a part out", () => {
    const pg = PostgresCredentials.from("postgresql://loader:pw@db.internal/dlt_data");
    expect([pg.port, pg.connectTimeout, pg.host]).toEqual([5432, 15, "db.internal"]);
    expect(String(pg)).toBe("postgresql://loader:***@db.internal:5432/dlt_data");
    expect(JSON.stringify(pg)).toContain('"connectTimeout":15');
    expect(inspect(pg)).toContain("PostgresCredentials {");
    expect(inspect(pg)).not.toContain("pw'");
  });
});

describe("credentials constructors take the native value, as dlt's", () => {
  it("new ConnectionStringCredentials(url) parses it; the printed form masks the password", () => {
    const creds = new ConnectionStringCredentials("postgresql://u:pw@h:5432/db");
    expect({ ...creds }).toEqual({ drivername: "postgresql", username: "u", password: "pw", host: "h", port: 5432, database: "db" });
    expect(String(creds)).toBe("postgresql://u:***@h:5432/db");
    expect(creds.toUrl()).toBe("postgresql://u:pw@h:5432/db");
    expect(new ConnectionStringCredentials({ drivername: "mssql", host: "h", password: "pw" }).toString()).toBe("mssql://:***@h");
  });

  it("no argument gives an empty instance, as the resolver builds it", () => {
    expect({ ...new ConnectionStringCredentials() }).toEqual({});
    expect({ ...new PostgresCredentials() }).toEqual({ drivername: "postgresql", port: 5432, connectTimeout: 15 });
  });

  it("an unparsable string is an error that names the class and does not echo the value", () => {
    const error = (() => {
      try {
        return new ConnectionStringCredentials("loader:secretpw at localhost");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(NativeValueError);
    expect((error as Error).message).toBe(
      "Cannot create ConnectionStringCredentials from the value given: not a URL; " +
        "expected driver://username:password@host:port/database?key=value (the value is not shown as it may hold a secret).",
    );
    expect((error as Error).message).not.toContain("secretpw");
    expect(() => new PostgresCredentials("")).toThrow("Cannot create PostgresCredentials from the value given: not a URL");
  });

  it("a subclass with its own constructor keeps the parsed parts over its defaults", () => {
    const pg = new PostgresCredentials("postgresql://loader:pw@db.internal:6543/dlt_data?connect_timeout=3");
    expect([pg.host, pg.port, pg.database, pg.password, pg.connectTimeout]).toEqual(["db.internal", 6543, "dlt_data", "pw", 15]);
    expect(new PostgresCredentials("postgresql://loader:pw@db.internal/dlt_data").port).toBe(5432);
    expect(String(pg)).toBe("postgresql://loader:***@db.internal:6543/dlt_data?connect_timeout=3");
  });

  it("a subclass without a constructor of its own refuses a value rather than lose it to its field initializers", () => {
    class MyCredentials extends ConnectionStringCredentials {
      override port = 5432;
    }
    expect(() => new MyCredentials("postgresql://u:pw@h:6543/db")).toThrow(CredentialsInitValueException);
    expect(() => new MyCredentials("postgresql://u:pw@h:6543/db")).toThrow(
      "new MyCredentials(value): MyCredentials has no constructor of its own that applies the value. " +
        "The constructor of ConnectionStringCredentials runs before the field initializers of MyCredentials, which would overwrite what it parsed. " +
        "Use MyCredentials.from(value), or give MyCredentials a constructor: " +
        "constructor(value?: string) { super(); this.applyInitValue(value, MyCredentials); }",
    );
    expect(MyCredentials.from("postgresql://u:pw@h:6543/db").port).toBe(6543);
    expect(new MyCredentials().port).toBe(5432);
  });
});

describe("resolving credentials", () => {
  let box: ConfigSandbox;
  beforeEach(() => {
    box = new ConfigSandbox();
  });
  afterEach(() => box.cleanup());

  const resolve = (options: Parameters<typeof resolveConfig<PostgresClientConfiguration>>[1] = {}) =>
    resolveConfig(PostgresClientConfiguration, { projectDir: box.projectDir, ...options });

  it("takes a whole connection string from secrets.toml", async () => {
    box.write(box.secretsToml, '[destination.postgres]\ncredentials = "postgresql://loader:pw@localhost:5432/dlt_data"\n');
    const cfg = await resolve();
    expect(cfg.credentials).toBeInstanceOf(PostgresCredentials);
    expect(cfg.credentials.toUrl()).toBe("postgresql://loader:pw@localhost:5432/dlt_data");
    expect(cfg.credentials.connectTimeout).toBe(15);
  });

  it("takes a connection string from env, and still fills fields the string left out", async () => {
    box.setEnv("DESTINATION__POSTGRES__CREDENTIALS", "postgresql://loader:pw@localhost/dlt_data");
    box.setEnv("DESTINATION__POSTGRES__CREDENTIALS__CONNECT_TIMEOUT", "30");
    // The string set the host; a field-level value does not override it.
    box.setEnv("DESTINATION__POSTGRES__CREDENTIALS__HOST", "elsewhere");
    const cfg = await resolve();
    expect([cfg.credentials.host, cfg.credentials.port, cfg.credentials.connectTimeout]).toEqual(["localhost", 5432, 30]);
  });

  it("fills credentials field by field from TOML and env, kept in the credentials group", async () => {
    box.write(box.configToml, '[destination.postgres.credentials]\ndatabase = "dlt_data"\nusername = "loader"\nhost = "localhost"\n');
    box.setEnv("DESTINATION__POSTGRES__CREDENTIALS__PASSWORD", "env-pw");
    const cfg = await resolve();
    expect(cfg.credentials.toUrl()).toBe("postgresql://loader:env-pw@localhost:5432/dlt_data");
  });

  it("never drops the credentials group: destination.password is not a credentials password", async () => {
    box.write(box.configToml, '[destination.postgres.credentials]\ndatabase = "d"\nusername = "u"\nhost = "h"\n');
    box.setEnv("DESTINATION__POSTGRES__PASSWORD", "wrong-1");
    box.setEnv("DESTINATION__PASSWORD", "wrong-2");
    box.setEnv("PASSWORD", "wrong-3");
    const error = await resolve().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigFieldMissingException);
    expect((error as ConfigFieldMissingException).missingFields).toEqual(["credentials.password"]);
    box.setEnv("DESTINATION__CREDENTIALS__PASSWORD", "right");
    expect((await resolve()).credentials.password).toBe("right");
  });

  it("uses pipeline-specific credentials first", async () => {
    box.write(
      box.secretsToml,
      [
        "[destination.postgres]",
        'credentials = "postgresql://generic:pw@h/db"',
        "[p1.destination.postgres]",
        'credentials = "postgresql://p1user:pw@h/db"',
      ].join("\n"),
    );
    expect((await resolve({ pipelineName: "p1" })).credentials.username).toBe("p1user");
    expect((await resolve({ pipelineName: "p2" })).credentials.username).toBe("generic");
  });

  it("accepts credentials as a JSON object in one env var", async () => {
    box.setEnv("DESTINATION__POSTGRES__CREDENTIALS", '{"database":"d","username":"u","password":"p","host":"h","port":6000}');
    expect((await resolve()).credentials.toUrl()).toBe("postgresql://u:p@h:6000/d");
  });

  it("explicit credentials win: a connection string, an instance or a partial object", async () => {
    box.write(box.secretsToml, '[destination.postgres]\ncredentials = "postgresql://toml:pw@h/db"\n');
    const fromString = await resolve({ explicit: { credentials: "postgresql://code:pw@h/db" } });
    expect(fromString.credentials.username).toBe("code");
    const instance = PostgresCredentials.from("postgresql://inst:pw@h/db");
    expect((await resolve({ explicit: { credentials: instance } })).credentials).toBe(instance);

    box.write(box.secretsToml, '[destination.postgres.credentials]\npassword = "toml-pw"\ndatabase = "db"\nhost = "h"\nusername = "toml"\n');
    const partial = await resolve({ explicit: { credentials: { username: "code" } } });
    expect(partial.credentials.toUrl()).toBe("postgresql://code:toml-pw@h:5432/db");
  });

  it("a connection string in config.toml is a misplaced secret", async () => {
    box.write(box.configToml, '[destination.postgres]\ncredentials = "postgresql://loader:pw@localhost/dlt_data"\n');
    const error = await resolve().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretInConfigTomlException);
    expect((error as Error).message).toBe(
      `Secret value "destination.postgres.credentials" was found in ${box.configToml} (key destination.postgres.credentials). ` +
        "config.toml is not read for secrets and is usually committed to version control: " +
        `move the key to ${box.secretsToml} or set the environment variable DESTINATION__POSTGRES__CREDENTIALS.`,
    );
    expect((error as Error).message).not.toContain("loader:pw");
  });

  it("an unparsable connection string fails with key and source, not the value", async () => {
    box.write(box.secretsToml, '[destination.postgres]\ncredentials = "loader:supersecret at localhost"\n');
    const error = await resolve().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidNativeValueException);
    expect((error as Error).message).toBe(
      `Config value "destination.postgres.credentials" from secrets.toml (${box.secretsToml}: destination.postgres.credentials) ` +
        "cannot be parsed as PostgresCredentials: not a URL; expected driver://username:password@host:port/database?key=value " +
        "(the value is not shown as it may hold a secret).",
    );
  });

  it("a missing-values error never contains the secrets that were found", async () => {
    box.setEnv("DESTINATION__POSTGRES__CREDENTIALS__PASSWORD", "found-pw-xyz");
    const error = await resolve().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigFieldMissingException);
    expect((error as ConfigFieldMissingException).missingFields).toEqual([
      "credentials.database",
      "credentials.username",
      "credentials.host",
    ]);
    expect((error as Error).message).not.toContain("found-pw-xyz");
  });
});
