import { existsSync, readFileSync } from "node:fs";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { CliError, type CliOutput } from "./cli-output.js";
import {
  DESTINATION_TEMPLATES,
  GITIGNORE_LINES,
  configToml,
  packageJson,
  pipelineScript,
  secretsToml,
  tsconfigJson,
  type TemplateNames,
} from "./init-templates.js";

export interface InitOptions {
  /** Overwrite files that exist. */
  force?: boolean;
  /** Project dir to write into. Default: the current dir. */
  dir?: string;
}

const SOURCE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * `init <source> <destination>`: a runnable `<source>_pipeline.ts` with a
 * sample resource, `.dlt/config.toml`, `.dlt/secrets.toml` with the
 * destination's credential placeholders, and `.gitignore` lines that keep
 * secrets out of git. Refuses to overwrite a file unless `force`;
 * `.gitignore` is only ever appended to.
 */
export async function initProject(sourceName: string, destinationName: string, output: CliOutput, options: InitOptions): Promise<void> {
  if (!SOURCE_NAME.test(sourceName)) {
    throw new CliError(`Source name "${sourceName}" must start with a letter and hold only letters, digits and underscores (e.g. github)`);
  }
  const template = DESTINATION_TEMPLATES[destinationName];
  if (!template) {
    throw new CliError(`Unknown destination "${destinationName}": dlt-ts init knows ${Object.keys(DESTINATION_TEMPLATES).sort().join(", ")}`);
  }
  const projectDir = path.resolve(options.dir ?? process.cwd());
  const names = templateNames(sourceName);
  const files: { relative: string; content: string; role: string }[] = [
    { relative: `${names.pipelineName}.ts`, content: pipelineScript(template, names), role: "the pipeline, with a sample resource to replace with your data" },
    { relative: path.join(".dlt", "config.toml"), content: configToml(template, names), role: "config values" },
    { relative: path.join(".dlt", "secrets.toml"), content: secretsToml(template, names), role: "credentials and keys: fill in the placeholders" },
  ];
  const existing = files.filter((f) => existsSync(path.join(projectDir, f.relative))).map((f) => f.relative);
  if (existing.length > 0 && !options.force) {
    throw new CliError(`Not overwriting ${existing.join(", ")} in ${projectDir}: pass --force to replace them`);
  }
  // A project of your own keeps its package.json and tsconfig.json: init only fills in missing ones.
  const projectFiles = [
    { relative: "package.json", content: packageJson(template, names, dltTsVersion()), role: "dependencies and `npm start`" },
    { relative: "tsconfig.json", content: tsconfigJson(), role: "TypeScript's defaults, strict" },
  ];
  const kept = projectFiles.filter((f) => existsSync(path.join(projectDir, f.relative)));
  files.push(...projectFiles.filter((f) => !kept.includes(f)));
  for (const file of files) {
    const target = path.join(projectDir, file.relative);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, file.content);
  }
  const gitignore = await ensureGitignore(projectDir);

  output.out(`Created a dlt-ts pipeline for source ${sourceName} and destination ${template.name} in ${projectDir}:`);
  const width = Math.max(...files.map((f) => f.relative.length), ".gitignore".length);
  for (const file of files) {
    output.out(`  ${file.relative.padEnd(width)}  ${file.role}${existing.includes(file.relative) ? " (replaced)" : ""}`);
  }
  output.out(`  ${".gitignore".padEnd(width)}  ${gitignore}`);
  output.out("Next steps:");
  const packages = ["dlt-ts", ...(template.packageName ? [template.packageName] : [])];
  const install = kept.some((f) => f.relative === "package.json") ? `npm install ${packages.join(" ")} && npm install --save-dev tsx` : "npm install";
  const steps = [
    install,
    ...(template.name === "duckdb" || template.name === "sink" ? [] : ["Fill in the credentials in .dlt/secrets.toml"]),
    `npx tsx ${names.pipelineName}.ts`,
    `npx dlt-ts pipeline ${names.pipelineName} info`,
  ];
  steps.forEach((step, i) => output.out(`  ${i + 1}. ${step}`));
}

export function templateNames(source: string): TemplateNames {
  const camel = source.replace(/_+([A-Za-z0-9])/g, (_m, c: string) => c.toUpperCase());
  return {
    source,
    pipelineName: `${source}_pipeline`,
    datasetName: `${source}_data`,
    sourceFunction: `${camel.charAt(0).toLowerCase()}${camel.slice(1)}Source`,
    sinkName: `${source.toLowerCase()}_sink`,
  };
}

/** The version of this dlt-ts (the scaffold asks for it). */
function dltTsVersion(): string {
  // src/cli and dist/cli are both two levels below the package's package.json.
  const manifest = JSON.parse(readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as { version: string };
  return manifest.version;
}

/** Appends the lines `.gitignore` misses; returns what it did. */
async function ensureGitignore(projectDir: string): Promise<string> {
  const file = path.join(projectDir, ".gitignore");
  const current = existsSync(file) ? readFileSync(file, "utf8") : undefined;
  const present = new Set((current ?? "").split(/\r?\n/).map((l) => l.trim()));
  const missing = GITIGNORE_LINES.filter((l) => !present.has(l));
  if (current !== undefined && missing.length === 0) return "already ignores .dlt/secrets.toml";
  const prefix = current === undefined ? "" : current.endsWith("\n") || current === "" ? "" : "\n";
  await fs.appendFile(file, `${prefix}# dlt-ts: secrets and local databases stay out of git\n${missing.join("\n")}\n`);
  return current === undefined ? "ignores .dlt/secrets.toml and local DuckDB files" : `added ${missing.join(", ")}`;
}
