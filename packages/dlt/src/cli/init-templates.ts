/**
 * What `dlt-ts init <source> <destination>` writes for each destination it
 * knows. Placeholders are values no server accepts, so a forgotten one fails
 * loudly at connect instead of loading somewhere unexpected.
 */
export interface DestinationTemplate {
  /** The name given to init and to `pipeline({ destination })`. */
  name: string;
  /** npm package to install next to dlt-ts; none for sinks (they live in dlt-ts). */
  packageName?: string;
  /** `.dlt/secrets.toml` body after the header. */
  secrets: (names: TemplateNames) => string;
  /** `.dlt/config.toml` body after the header. */
  config: (names: TemplateNames) => string;
}

/** Names derived from the source name given to init. */
export interface TemplateNames {
  /** As given: `github`. */
  source: string;
  /** `github_pipeline` — also the file name without `.ts`. */
  pipelineName: string;
  /** `github_data`. */
  datasetName: string;
  /** `githubSource` — the source function in the pipeline file. */
  sourceFunction: string;
  /** `github_sink` — config section of a sink destination. */
  sinkName: string;
}

export const PLACEHOLDER = "<configure me>";

function sqlCredentials(destination: string, port: number, example: string): (names: TemplateNames) => string {
  return () =>
    [
      `# Credentials of ${destination}. Each key may instead come from an env var, which wins over this file:`,
      `#   DESTINATION__${destination.toUpperCase()}__CREDENTIALS__PASSWORD=...`,
      `# or give the whole connection string at once:`,
      `#   DESTINATION__${destination.toUpperCase()}__CREDENTIALS=${example}`,
      `[destination.${destination}.credentials]`,
      `database = "${PLACEHOLDER}"`,
      `username = "${PLACEHOLDER}"`,
      `password = "${PLACEHOLDER}"`,
      `host = "${PLACEHOLDER}"`,
      `port = ${port}`,
      `connect_timeout = 15`,
      "",
    ].join("\n");
}

function noDestinationConfig(destination: string): () => string {
  return () => [`[destination.${destination}]`, `# Settings of the ${destination} destination go here.`, ""].join("\n");
}

export const DESTINATION_TEMPLATES: Record<string, DestinationTemplate> = {
  duckdb: {
    name: "duckdb",
    packageName: "@dlt-ts/destination-duckdb",
    secrets: () =>
      ["# DuckDB is a local file: it needs no secrets.", "# Secrets of your source (API keys, tokens) go here, e.g.:", "# [sources]", '# api_key = "..."', ""].join("\n"),
    config: (n) =>
      [
        "[destination.duckdb]",
        `# The database file; default <pipeline_name>.duckdb in the current dir (${n.pipelineName}.duckdb).`,
        `# credentials = "${n.pipelineName}.duckdb"`,
        "",
      ].join("\n"),
  },
  postgres: {
    name: "postgres",
    packageName: "@dlt-ts/destination-postgres",
    secrets: sqlCredentials("postgres", 5432, "postgresql://loader:<password>@localhost:5432/dlt_data"),
    config: noDestinationConfig("postgres"),
  },
  mssql: {
    name: "mssql",
    packageName: "@dlt-ts/destination-mssql",
    secrets: sqlCredentials("mssql", 1433, "mssql://loader:<password>@localhost:1433/dlt_data"),
    config: noDestinationConfig("mssql"),
  },
  sink: {
    name: "sink",
    secrets: (n) =>
      [
        `# Secrets of your sink, read from section destination.${n.sinkName} (env DESTINATION__${n.sinkName.toUpperCase()}__API_KEY).`,
        `[destination.${n.sinkName}]`,
        `# api_key = "${PLACEHOLDER}"`,
        "",
      ].join("\n"),
    config: (n) => [`[destination.${n.sinkName}]`, "# Non-secret settings of your sink, e.g.:", '# base_url = "https://api.example.com"', ""].join("\n"),
  },
};

export function secretsToml(template: DestinationTemplate, names: TemplateNames): string {
  return [
    `# Secrets of ${names.pipelineName}.ts. Never commit this file: .gitignore lists it.`,
    "# Values here are read by @secret fields and destination credentials; env vars win over them.",
    "",
    template.secrets(names),
  ].join("\n");
}

export function configToml(template: DestinationTemplate, names: TemplateNames): string {
  return [
    `# Config of ${names.pipelineName}.ts: values that are not secret. Env vars win over them`,
    "# (key load.workers → env LOAD__WORKERS).",
    "",
    "[load]",
    "# Parallel load jobs.",
    "# workers = 20",
    "",
    template.config(names),
  ].join("\n");
}

/** Lines init makes sure `.gitignore` has: secrets at any depth, local databases, installed packages. */
export const GITIGNORE_LINES = ["**/.dlt/secrets.toml", "*.duckdb", "*.duckdb.wal", "node_modules/"];

/** Versions the scaffold's package.json asks for besides dlt-ts's own packages (those dlt-ts is tested with). */
const TOOL_VERSIONS = { tsx: "4.23.15", typescript: "6.0.3", "@types/node": "20.19.43" };

/**
 * The scaffold's package.json: dlt-ts and the destination's package at the
 * version of the dlt-ts that wrote it, tsx to run the pipeline.
 */
export function packageJson(template: DestinationTemplate, names: TemplateNames, dltTsVersion: string): string {
  const range = `^${dltTsVersion}`;
  const manifest = {
    name: `${names.source.replace(/_/g, "-").toLowerCase()}-pipeline`,
    version: "0.0.0",
    private: true,
    scripts: {
      start: `tsx ${names.pipelineName}.ts`,
      info: `dlt-ts pipeline ${names.pipelineName} info`,
    },
    dependencies: {
      "dlt-ts": range,
      ...(template.packageName ? { [template.packageName]: range } : {}),
    },
    devDependencies: TOOL_VERSIONS,
    engines: { node: ">=20" },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * The scaffold's tsconfig.json: TypeScript's defaults (standard decorators,
 * no experimentalDecorators), strict, Node types.
 */
export function tsconfigJson(): string {
  const config = {
    compilerOptions: {
      target: "ES2022",
      module: "nodenext",
      strict: true,
      skipLibCheck: true,
      types: ["node"],
      noEmit: true,
    },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function pipelineScript(template: DestinationTemplate, names: TemplateNames): string {
  const isSink = template.name === "sink";
  const imports = isSink
    ? `import { destination, pipeline, resource, source, type DataItem, type TableSchema } from "dlt-ts";`
    : `import { pipeline, resource, source } from "dlt-ts";`;
  const sinkDeclaration = isSink
    ? `
/**
 * Your destination: it receives the rows of each table in batches. Send them
 * to an API, a queue or a file. An error is retried; one extending
 * DestinationTerminalException fails the job at once.
 */
const ${names.sourceFunction.replace(/Source$/, "")}Sink = destination(
  async (items: DataItem[] | string, table: TableSchema) => {
    console.log(\`\${table.name}: \${(items as DataItem[]).length} item(s)\`, JSON.stringify(items));
  },
  { name: "${names.sinkName}", batchSize: 10 },
);
`
    : "";
  const destinationExpression = isSink ? `${names.sourceFunction.replace(/Source$/, "")}Sink` : `"${template.name}"`;
  const disposition = isSink ? "" : `, writeDisposition: "merge", primaryKey: "id"`;
  return `/**
 * A dlt-ts pipeline: loads source "${names.source}" into ${template.name}.
 *
 *   run it:      npm start        (npx tsx ${names.pipelineName}.ts)
 *   inspect it:  npx dlt-ts pipeline ${names.pipelineName} info
 *
 * Config and secrets come from .dlt/config.toml, .dlt/secrets.toml and env vars.
 */
${imports}

/**
 * A sample resource: replace the rows with your data. Yield objects one by
 * one or in pages (arrays); ${isSink ? "a sink receives nested lists and objects inside each item (max table nesting 0)" : "nested lists become child tables (items__tags)"}.
 */
async function* items() {
  yield [
    { id: 1, name: "first", tags: ["a", "b"], createdAt: "2024-01-01T00:00:00Z" },
    { id: 2, name: "second", tags: ["c"], createdAt: "2024-01-02T00:00:00Z" },
  ];
}

/** The source: a named group of resources, each loaded to its own table. */
export function ${names.sourceFunction}() {
  return source([resource(items, { name: "items"${disposition} })], { name: "${names.source}" });
}
${sinkDeclaration}
async function main(): Promise<void> {
  const p = pipeline({
    pipelineName: "${names.pipelineName}",
    destination: ${destinationExpression},
    datasetName: "${names.datasetName}",
  });
  const info = await p.run(${names.sourceFunction}());
  console.log(info.toString());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
`;
}
