import { DatabaseTerminalException, DatabaseTransientException, DatabaseUndefinedRelation } from "@dlt-ts/core";
import { classifyPostgresError } from "@dlt-ts/destination-postgres";
import { copyErrorPlace, insertErrorPlace } from "../src/postgres-errors.js";

describe("classifyPostgresError", () => {
  test.each([
    ["55P03", DatabaseTransientException, "lock not available (lock_timeout)"],
    ["55006", DatabaseTransientException, "object in use"],
    ["57014", DatabaseTransientException, "query canceled (statement_timeout)"],
    ["57P01", DatabaseTransientException, "admin shutdown (pg_terminate_backend)"],
    ["57P02", DatabaseTransientException, "crash shutdown"],
    ["57P03", DatabaseTransientException, "cannot connect now"],
    ["08006", DatabaseTransientException, "connection failure"],
    ["08001", DatabaseTransientException, "unable to connect"],
    ["40001", DatabaseTransientException, "serialization failure"],
    ["40P01", DatabaseTransientException, "deadlock"],
    ["53300", DatabaseTransientException, "too many connections"],
    ["25P03", DatabaseTransientException, "idle in transaction timeout"],
    ["XX000", DatabaseTransientException, "internal error"],
    ["40002", DatabaseTerminalException, "deferred constraint at commit"],
    ["57P04", DatabaseTerminalException, "database dropped"],
    ["22003", DatabaseTerminalException, "numeric value out of range"],
    ["22007", DatabaseTerminalException, "invalid datetime format"],
    ["22008", DatabaseTerminalException, "datetime field overflow"],
    ["23505", DatabaseTerminalException, "unique violation"],
    ["23514", DatabaseTerminalException, "check violation"],
    ["42601", DatabaseTerminalException, "syntax error"],
    ["42703", DatabaseTerminalException, "undefined column"],
    ["54011", DatabaseTerminalException, "too many columns"],
    ["28P01", DatabaseTerminalException, "bad password"],
    ["42P01", DatabaseUndefinedRelation, "undefined table"],
    ["3F000", DatabaseUndefinedRelation, "undefined schema"],
  ])("SQLSTATE %s → %p (%s)", (code, kind) => {
    const error = classifyPostgresError({ message: "boom", code });
    expect(error).toBeInstanceOf(kind);
    expect(error.dbCode).toBe(code);
    expect(error.message).toBe(`boom [SQLSTATE ${code}]`);
  });

  test("a broken socket without SQLSTATE is transient", () => {
    expect(classifyPostgresError(new Error("Connection terminated unexpectedly"))).toBeInstanceOf(DatabaseTransientException);
    expect(classifyPostgresError({ message: "connect ECONNREFUSED", code: "ECONNREFUSED" })).toBeInstanceOf(DatabaseTransientException);
  });

  test("a COPY error names table, column and line from its context", () => {
    const error = classifyPostgresError({
      message: 'value "70000" is out of range for type smallint',
      code: "22003",
      where: 'COPY readings, line 2, column small: "70000"',
    });
    expect(error.message).toBe('value "70000" is out of range for type smallint (table "readings", column "small", line 2 of the COPY data) [SQLSTATE 22003]');
  });

  test("an INSERT error with a position names the column of the value there", () => {
    const sql = `INSERT INTO "ds"."visits" ("id", "note", "day")\nVALUES\n(1, E'it''s, \\\\'' (x)', '2024-02-01'),\n(2, 'a,b', '2024-02-30');`;
    const position = [...sql].length - 13;
    const error = classifyPostgresError({ message: 'date/time field value out of range: "2024-02-30"', code: "22008", position: String(position) }, sql);
    expect(error.message).toBe('date/time field value out of range: "2024-02-30" (table "visits", column "day") [SQLSTATE 22008]');
  });

  test("other context is kept, cut to a readable length", () => {
    const error = classifyPostgresError({ message: "boom", code: "P0001", where: `PL/pgSQL function f() line 3 at RAISE ${"x".repeat(600)}` });
    expect(error.message).toMatch(/^boom \[SQLSTATE P0001\]\nContext: PL\/pgSQL function f\(\) line 3 at RAISE x+…$/);
  });
});

describe("error places", () => {
  test("copyErrorPlace reads COPY contexts with and without a column", () => {
    expect(copyErrorPlace('COPY t, line 7, column a b: "x"')).toEqual({ table: "t", line: 7, column: "a b" });
    expect(copyErrorPlace("COPY t, line 3")).toEqual({ table: "t", line: 3 });
    expect(copyErrorPlace("SQL statement ...")).toBeUndefined();
  });

  test("insertErrorPlace counts fields of the row the position falls in, skipping quoted commas and parentheses", () => {
    const sql = `INSERT INTO "s"."t ""x""" ("a", "b,c", "d") VALUES (1, 'x,(y)', 3), (4, 'é', 'bad')`;
    const at = (needle: string) => [...sql.slice(0, sql.lastIndexOf(needle))].length + 1;
    expect(insertErrorPlace(sql, at("'bad'"))).toEqual({ table: 't "x"', column: "d" });
    expect(insertErrorPlace(sql, at("'x,(y)'"))).toEqual({ table: 't "x"', column: "b,c" });
    expect(insertErrorPlace("SELECT 1", 3)).toBeUndefined();
  });
});
