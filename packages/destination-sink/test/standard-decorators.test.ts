/*
 * @destination + @secret under TC39 standard decorators and under legacy
 * experimentalDecorators, run through pipeline(). Jest compiles this file with
 * swc in legacy mode, so the sink class below is compiled by the real
 * TypeScript compiler in both modes, written to a temp file and required: its
 * `require("dlt-ts")` goes through jest's moduleNameMapper and gets the same
 * modules as this test.
 */
import "reflect-metadata";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ts from "typescript";
import { InvalidSinkCallable } from "@dlt-ts/destination-sink";
import { pipeline } from "dlt-ts";

const USER_CODE = `
import { destination, secret } from "dlt-ts";

export const batches: { table: string; items: unknown; apiKey: string }[] = [];

@destination({ batchSize: 2, name: "std_sink" })
export class StdSink {
  @secret() apiKey!: string;

  async write(items: unknown, table: { name: string }): Promise<void> {
    batches.push({ table: table.name, items, apiKey: this.apiKey });
  }
}

export function defineDecoratedMethod() {
  class Bad {
    @destination({ name: "bad" }) write() {}
  }
  return Bad;
}
`;

interface UserModule {
  batches: { table: string; items: unknown; apiKey: string }[];
  StdSink: new () => object;
  defineDecoratedMethod(): unknown;
}

type Mode = "standard" | "legacy";

const COMPILER_OPTIONS: Record<Mode, ts.CompilerOptions> = {
  // TypeScript's defaults for decorators: TC39 standard decorators.
  standard: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
  // What this repository's tsconfig.base.json uses.
  legacy: {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    useDefineForClassFields: false,
  },
};

let dir: string;
const envKeys: string[] = [];

function setEnv(key: string, value: string): void {
  envKeys.push(key);
  process.env[key] = value;
}

async function compileAndLoad(mode: Mode): Promise<UserModule> {
  const output = ts.transpileModule(USER_CODE, { compilerOptions: COMPILER_OPTIONS[mode], fileName: `sink-${mode}.ts`, reportDiagnostics: true });
  expect(output.diagnostics ?? []).toEqual([]);
  const file = path.join(dir, `sink-${mode}.js`);
  await fs.writeFile(file, output.outputText);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as UserModule;
}

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "dlt-ts-sink-std-"));
  await fs.mkdir(path.join(dir, "project", ".dlt"), { recursive: true });
  setEnv("DLT_GLOBAL_DIR", path.join(dir, "global"));
  setEnv("LOAD__RETRY_BACKOFF_MS", "1");
});

afterEach(async () => {
  for (const key of envKeys.splice(0)) delete process.env[key];
  await fs.rm(dir, { recursive: true, force: true });
});

describe.each<Mode>(["standard", "legacy"])("@destination compiled with %s decorators", (mode) => {
  it("delivers batches of batchSize through pipeline(), with the @secret property injected from env", async () => {
    const user = await compileAndLoad(mode);
    setEnv("DESTINATION__STD_SINK__API_KEY", `key-${mode}`);
    const pipe = pipeline({
      pipelineName: `std_${mode}`,
      pipelinesDir: path.join(dir, "pipelines"),
      destination: user.StdSink,
      progress: "none",
      projectDir: path.join(dir, "project"),
    });
    const info = await pipe.run([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }, { id: 5 }], { tableName: "items" });
    expect(info.hasFailedJobs).toBe(false);
    expect(info.toString()).toContain("sink://std_sink");
    expect(user.batches).toEqual([
      { table: "items", items: [{ id: 1 }, { id: 2 }], apiKey: `key-${mode}` },
      { table: "items", items: [{ id: 3 }, { id: 4 }], apiKey: `key-${mode}` },
      { table: "items", items: [{ id: 5 }], apiKey: `key-${mode}` },
    ]);
  });

  it("a missing secret fails run() with the env var to set", async () => {
    const user = await compileAndLoad(mode);
    const pipe = pipeline({
      pipelineName: `std_missing_${mode}`,
      pipelinesDir: path.join(dir, "pipelines"),
      destination: user.StdSink,
      progress: "none",
      projectDir: path.join(dir, "project"),
    });
    await expect(pipe.run([{ id: 1 }], { tableName: "items" })).rejects.toThrow(/DESTINATION__STD_SINK__API_KEY/);
    expect(user.batches).toEqual([]);
  });
});

it("a standard @destination on a method says to decorate the class", async () => {
  const user = await compileAndLoad("standard");
  expect(() => user.defineDecoratedMethod()).toThrow(InvalidSinkCallable);
  expect(() => user.defineDecoratedMethod()).toThrow(
    '@destination(...) decorates classes, not the method "write". Decorate the class that has write(items, table), or use destination(fn, options) for a function.',
  );
});
