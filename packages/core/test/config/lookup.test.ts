import { candidatePaths } from "../../src/config/lookup.js";
import { toDottedKey, toEnvVarName } from "../../src/config/naming.js";

const dotted = (paths: string[][]) => paths.map(toDottedKey);

describe("candidatePaths (section elimination)", () => {
  it("without a pipeline name drops the rightmost section on each miss", () => {
    expect(dotted(candidatePaths({ key: "api_key", sections: ["destination", "my_destination"], secret: true }))).toEqual([
      "destination.my_destination.api_key",
      "destination.api_key",
      "api_key",
    ]);
  });

  it("with a pipeline name makes a full pass under it first, then one without", () => {
    expect(
      dotted(candidatePaths({ key: "api_key", sections: ["destination", "my_destination"], pipelineName: "p1", secret: true })),
    ).toEqual([
      "p1.destination.my_destination.api_key",
      "p1.destination.api_key",
      "p1.api_key",
      "destination.my_destination.api_key",
      "destination.api_key",
      "api_key",
    ]);
  });

  it("never drops embedded (credentials) sections", () => {
    expect(
      dotted(
        candidatePaths({ key: "password", sections: ["destination", "postgres"], embeddedSections: ["credentials"], secret: true }),
      ),
    ).toEqual(["destination.postgres.credentials.password", "destination.credentials.password", "credentials.password"]);
  });

  it("with no sections tries the bare key (and the pipeline one)", () => {
    expect(dotted(candidatePaths({ key: "x", sections: [], secret: false }))).toEqual(["x"]);
    expect(dotted(candidatePaths({ key: "x", sections: [], pipelineName: "p", secret: false }))).toEqual(["p.x", "x"]);
  });

  it("env var form is upper case joined by __", () => {
    expect(toEnvVarName(["destination", "my_destination", "api_key"])).toBe("DESTINATION__MY_DESTINATION__API_KEY");
  });
});
