import { availableParallelism } from "node:os";
import { resolveConfig } from "@dlt-ts/core";
import { NormalizeConfiguration } from "../../src/stage/normalize-configuration";

describe("NormalizeConfiguration.workers", () => {
  it("is 2 by default (1 on one core) and read from normalize.workers", async () => {
    expect((await resolveConfig(NormalizeConfiguration, { env: {}, projectDir: "/nonexistent" })).workers).toBe(Math.min(2, availableParallelism()));
    const config = await resolveConfig(NormalizeConfiguration, { env: { NORMALIZE__WORKERS: "3" }, projectDir: "/nonexistent" });
    expect(config.workers).toBe(3);
  });

  it("must be an integer >= 1", async () => {
    await expect(resolveConfig(NormalizeConfiguration, { env: { NORMALIZE__WORKERS: "0" }, projectDir: "/nonexistent" })).rejects.toThrow(
      "normalize.workers must be an integer >= 1, got 0",
    );
  });
});
