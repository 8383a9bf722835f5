import {
  DatabaseTerminalException,
  DatabaseTransientException,
  DatabaseUndefinedRelation,
  DestinationTerminalException,
  isTerminal,
} from "@dlt-ts/core";
import { classifyMssqlError } from "@dlt-ts/destination-mssql";

/** A tedious RequestError as the server reports it. */
function serverError(number: number, message: string, severity = 16) {
  return Object.assign(new Error(message), { name: "RequestError", code: "EREQUEST", number, state: 1, class: severity, lineNumber: 1 });
}

/** A tedious / mssql error without a server number. */
function clientError(code: string, message: string, name = "ConnectionError") {
  return Object.assign(new Error(message), { name, code });
}

type Kind = typeof DatabaseUndefinedRelation | typeof DatabaseTerminalException | typeof DatabaseTransientException;

describe("classifyMssqlError: by SQL Server error number", () => {
  test.each<[number, string, Kind]>([
    [208, "Invalid object name 'ds.events'.", DatabaseUndefinedRelation],
    [2706, "Table 'events' does not exist.", DatabaseUndefinedRelation],
    [3701, "Cannot drop the table 'x', because it does not exist or you do not have permission.", DatabaseUndefinedRelation],
    [15151, "Cannot find the schema 'ds', because it does not exist or you do not have permission.", DatabaseUndefinedRelation],
    [2760, "The specified schema name \"ds\" either does not exist or you do not have permission to use it.", DatabaseUndefinedRelation],
    [1205, "Transaction (Process ID 52) was deadlocked on lock resources with another process and has been chosen as the deadlock victim. Rerun the transaction.", DatabaseTransientException],
    [1222, "Lock request time out period exceeded.", DatabaseTransientException],
    [1204, "The instance of the SQL Server Database Engine cannot obtain a LOCK resource at this time.", DatabaseTransientException],
    [-2, "Timeout expired.", DatabaseTransientException],
    [3960, "Snapshot isolation transaction aborted due to update conflict.", DatabaseTransientException],
    [701, "There is insufficient system memory in resource pool 'default' to run this query.", DatabaseTransientException],
    [40501, "The service is currently busy. Retry the request after 10 seconds.", DatabaseTransientException],
    [40613, "Database 'dlt' on server 'x' is not currently available.", DatabaseTransientException],
    [10054, "A transport-level error has occurred when sending the request to the server.", DatabaseTransientException],
    [2627, "Violation of PRIMARY KEY constraint 'PK_t'. Cannot insert duplicate key in object 'ds.t'.", DatabaseTerminalException],
    [2601, "Cannot insert duplicate key row in object 'ds.t' with unique index 'ix'.", DatabaseTerminalException],
    [515, "Cannot insert the value NULL into column 'id', table 'dlt.ds.t'; column does not allow nulls. INSERT fails.", DatabaseTerminalException],
    [8152, "String or binary data would be truncated.", DatabaseTerminalException],
    [2628, "String or binary data would be truncated in table 'dlt.ds.t', column 'name'.", DatabaseTerminalException],
    [245, "Conversion failed when converting the nvarchar value 'x' to data type int.", DatabaseTerminalException],
    [8114, "Error converting data type nvarchar to float.", DatabaseTerminalException],
    [102, "Incorrect syntax near 'LIMIT'.", DatabaseTerminalException],
    [207, "Invalid column name 'nope'.", DatabaseTerminalException],
    [547, "The INSERT statement conflicted with the FOREIGN KEY constraint.", DatabaseTerminalException],
    [229, "The INSERT permission was denied on the object 't'.", DatabaseTerminalException],
    [18456, "Login failed for user 'loader'.", DatabaseTerminalException],
    [8672, "The MERGE statement attempted to UPDATE or DELETE the same row more than once.", DatabaseTerminalException],
    [10738, "The number of row value expressions in the INSERT statement exceeds the maximum allowed number of 1000 row values.", DatabaseTerminalException],
    [8003, "The incoming request has too many parameters. The server supports a maximum of 2100 parameters.", DatabaseTerminalException],
  ])("%i %s → %p", (number, message, Kind) => {
    const error = serverError(number, message);
    const classified = classifyMssqlError(error);
    expect(classified).toBeInstanceOf(Kind);
    expect(classified.dbCode).toBe(String(number));
    expect(classified.cause).toBe(error);
    expect(classified.message).toBe(`${message} [SQL Server error ${number}, line 1]`);
    expect(isTerminal(classified)).toBe(Kind !== DatabaseTransientException);
  });

  test("severity 20 and above (the server closed the connection) is transient whatever the number", () => {
    expect(classifyMssqlError(serverError(9001, "The log for database is not available.", 21))).toBeInstanceOf(DatabaseTransientException);
  });
});

describe("classifyMssqlError: errors without a server number", () => {
  test.each<[Error, Kind]>([
    [clientError("ESOCKET", "Connection lost - read ECONNRESET"), DatabaseTransientException],
    [clientError("ETIMEOUT", "Failed to connect to db:1433 in 15000ms"), DatabaseTransientException],
    [clientError("ETIMEOUT", "Timeout: Request failed to complete in 15000ms", "RequestError"), DatabaseTransientException],
    [clientError("ECONNCLOSED", "Connection is closed."), DatabaseTransientException],
    [clientError("ECANCEL", "Canceled.", "RequestError"), DatabaseTransientException],
    [clientError("EINSTLOOKUP", "Failed to get response from SQL Server Browser"), DatabaseTransientException],
    [clientError("ELOGIN", "Login failed for user 'loader'."), DatabaseTerminalException],
    [clientError("EPARAM", "Validation failed for parameter 'p0'. Invalid string.", "RequestError"), DatabaseTerminalException],
    [Object.assign(new Error("operation timed out for an unknown reason"), { name: "TimeoutError" }), DatabaseTransientException],
  ])("%s → %p", (error, Kind) => {
    expect(classifyMssqlError(error)).toBeInstanceOf(Kind);
  });

  test("mssql's ConnectionError wrapping a tedious error is classified by what it wraps", () => {
    const inner = serverError(18456, "Login failed for user 'loader'.", 14);
    const outer = Object.assign(new Error("Login failed for user 'loader'."), { name: "ConnectionError", code: "ELOGIN", originalError: inner });
    const classified = classifyMssqlError(outer);
    expect(classified).toBeInstanceOf(DatabaseTerminalException);
    expect(classified.dbCode).toBe("18456");
  });

  test("a plain string or unknown object is terminal", () => {
    expect(classifyMssqlError("boom")).toBeInstanceOf(DatabaseTerminalException);
    expect(classifyMssqlError({})).toBeInstanceOf(DatabaseTerminalException);
  });

  test("classified errors pass through unchanged", () => {
    const done = new DatabaseUndefinedRelation("gone");
    expect(classifyMssqlError(done)).toBe(done);
  });

  test("a destination error that is not a database error is wrapped as terminal", () => {
    expect(classifyMssqlError(new DestinationTerminalException("x"))).toBeInstanceOf(DatabaseTerminalException);
  });
});

describe("classifyMssqlError: several errors in one request (AggregateError)", () => {
  test("the follow-up 'statement has been terminated' is skipped; both messages are kept", () => {
    const error = new AggregateError([serverError(2627, "Violation of PRIMARY KEY constraint 'PK_t'."), serverError(3621, "The statement has been terminated.", 0)]);
    const classified = classifyMssqlError(error);
    expect(classified).toBeInstanceOf(DatabaseTerminalException);
    expect(classified.dbCode).toBe("2627");
    expect(classified.message).toBe(
      "Violation of PRIMARY KEY constraint 'PK_t'. [SQL Server error 2627, line 1]\nThe statement has been terminated. [SQL Server error 3621, line 1]",
    );
  });

  test("a transient error wins over a terminal one; an undefined relation over a plain terminal one", () => {
    expect(classifyMssqlError(new AggregateError([serverError(8152, "truncated"), serverError(1205, "deadlock")]))).toBeInstanceOf(DatabaseTransientException);
    const relation = classifyMssqlError(new AggregateError([serverError(102, "syntax"), serverError(208, "Invalid object name 'x'.")]));
    expect(relation).toBeInstanceOf(DatabaseUndefinedRelation);
    expect(relation.dbCode).toBe("208");
  });
});
