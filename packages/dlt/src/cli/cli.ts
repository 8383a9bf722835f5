import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Command, CommanderError, Help, Option } from "commander";
import { defaultPipelinesDir, DltException } from "@dlt-ts/core";
import { CliError, processOutput, type CliOutput } from "./cli-output.js";
import { initProject } from "./init-command.js";
import { DESTINATION_TEMPLATES } from "./init-templates.js";
import {
  dropPendingPackages,
  listPipelines,
  showFailedJobs,
  showInfo,
  showLoadPackage,
  showTrace,
} from "./pipeline-commands.js";
import { dropResources } from "./pipeline-drop.js";
import { PipelineInspector } from "./pipeline-inspector.js";
import { SCHEMA_FORMATS, showSchema, type SchemaFormat } from "./pipeline-schema.js";
import { showTables } from "./pipeline-show.js";
import { syncPipeline } from "./pipeline-sync.js";

/** Operations of `dlt-ts pipeline <name> <operation>`, as in dlt. */
export const PIPELINE_OPERATIONS = [
  "info",
  "trace",
  "load-package",
  "failed-jobs",
  "drop-pending-packages",
  "sync",
  "show",
  "schema",
  "drop",
] as const;

/** Options of `pipeline` operations that take a value (skipped when finding the name and operation). */
const VALUE_OPTIONS = new Set(["--pipelines-dir", "--destination", "--dataset-name", "--format", "--schema-name"]);

interface CommonOptions {
  pipelinesDir: string;
}

/**
 * Runs the CLI on `args` (without `node` and the script) and returns the exit
 * code: 0 on success (and for --help), 1 on any error, which is printed as
 * one `error: ...` line on stderr (`--debug` adds the stack).
 */
export async function runCli(args: string[], output: CliOutput = processOutput): Promise<number> {
  const program = buildProgram(output);
  try {
    await program.parseAsync(reorderPipelineArgs(args), { from: "user" });
    return 0;
  } catch (error) {
    // Commander printed its own message (usage errors) or the help already.
    if (error instanceof CommanderError) return error.exitCode;
    output.err(describeFailure(error, args.includes("--debug")));
    return 1;
  }
}

/**
 * dlt's order is `pipeline <name> <operation>`; commander wants the
 * subcommand first. Moves the operation before the name, and makes `info`
 * the operation when only a name is given.
 *
 * @throws CliError when the word after the name is not an operation
 */
export function reorderPipelineArgs(args: string[]): string[] {
  const at = args.findIndex((a) => !a.startsWith("-"));
  if (at === -1 || args[at] !== "pipeline") return args;
  const rest = args.slice(at + 1);
  const positions: number[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (VALUE_OPTIONS.has(arg)) i++;
    else if (!arg.startsWith("-")) positions.push(i);
  }
  const isOperation = (i: number | undefined) => i !== undefined && (PIPELINE_OPERATIONS as readonly string[]).includes(rest[i]!);
  const [first, second] = positions;
  if (isOperation(second)) {
    const operation = rest[second!]!;
    return [...args.slice(0, at + 1), operation, ...rest.filter((_a, i) => i !== second)];
  }
  if (second !== undefined && !isOperation(first)) throw new CliError(unknownOperationMessage(rest[second]!));
  if (first !== undefined && !isOperation(first)) return [...args.slice(0, at + 1), "info", ...rest];
  return args;
}

/** `dlt-ts pipeline <name> <operation>` with an operation that does not exist. */
export function unknownOperationMessage(operation: string): string {
  return `Unknown operation "${operation}": dlt-ts pipeline <name> <operation>, where operation is one of ${PIPELINE_OPERATIONS.join(", ")}`;
}

function buildProgram(output: CliOutput): Command {
  const program = new Command("dlt-ts");
  program
    .description("Create and inspect dlt-ts pipelines")
    .version(packageVersion(), "--version", "print the dlt-ts version")
    .option("--debug", "print stack traces of errors (give it before the command: dlt-ts --debug pipeline ...)")
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => output.out(text.replace(/\n$/, "")),
      writeErr: (text) => output.err(text.replace(/\n$/, "")),
      // Usage errors in one line: "error: unknown command 'x' (Did you mean y?)".
      outputError: (text, write) => write(text.trimEnd().replace(/\n+/g, " ") + "\n"),
    })
    .configureHelp({
      // Operations take the pipeline name first, as in dlt: show them that way.
      commandUsage(this: Help, cmd: Command): string {
        if (cmd.parent?.name() === "pipeline") {
          const extra = cmd.registeredArguments.slice(1).map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`));
          return ["dlt-ts pipeline <name>", cmd.name(), ...extra, "[options]"].join(" ");
        }
        return Help.prototype.commandUsage.call(this, cmd);
      },
    });

  program
    .command("init")
    .description("create a pipeline script, .dlt/config.toml, .dlt/secrets.toml and .gitignore in the current dir")
    .argument("<source>", "name of the source, e.g. github: gives github_pipeline.ts")
    .argument("<destination>", `destination: ${Object.keys(DESTINATION_TEMPLATES).sort().join(", ")}`)
    .option("--force", "overwrite files that exist")
    .option("--dir <dir>", "write into this dir instead of the current one")
    .action(async (source: string, destination: string, options: { force?: boolean; dir?: string }) => {
      await initProject(source, destination, output, options);
    });

  const pipeline = program
    .command("pipeline")
    .description("inspect and manage pipelines in the pipelines dir: dlt-ts pipeline <name> <operation>, or --list")
    .usage("<name> <operation> [options] | --list [--pipelines-dir <dir>]")
    .enablePositionalOptions()
    .option("-l, --list", "list the pipelines in the pipelines dir, most recently run first")
    .addOption(new Option("--list-pipelines").hideHelp())
    .addOption(pipelinesDirOption())
    .action((options: { list?: boolean; listPipelines?: boolean; pipelinesDir: string }) => {
      if (!options.list && !options.listPipelines) {
        throw new CliError("Give a pipeline name and an operation (dlt-ts pipeline <name> info), or --list");
      }
      listPipelines(options.pipelinesDir, output);
    });
  pipeline.addHelpText("after", `\nOperations (default info): ${PIPELINE_OPERATIONS.join(", ")}`);

  operation(pipeline, "info", "show the pipeline's state, schemas and working dir content").action(async (name: string, options: CommonOptions) => {
    await showInfo(PipelineInspector.open(name, options.pipelinesDir), output);
  });
  operation(pipeline, "trace", "show the trace of the last run: steps, timings, infos and errors").action((name: string, options: CommonOptions) => {
    showTrace(PipelineInspector.open(name, options.pipelinesDir), output);
  });
  operation(pipeline, "load-package", "show a load package: its status, jobs and schema updates")
    .argument("[load_id]", "load id of the package; default the newest pending package, else the newest loaded one")
    .action(async (name: string, loadId: string | undefined, options: CommonOptions) => {
      await showLoadPackage(PipelineInspector.open(name, options.pipelinesDir), loadId, output);
    });
  operation(pipeline, "failed-jobs", "show the failed jobs of every load package, with their errors").action(
    async (name: string, options: CommonOptions) => {
      await showFailedJobs(PipelineInspector.open(name, options.pipelinesDir), output);
    },
  );
  operation(pipeline, "drop-pending-packages", "delete load packages that were extracted or normalized but not loaded")
    .option("-y, --yes", "delete without asking")
    .action(async (name: string, options: CommonOptions & { yes?: boolean }) => {
      await dropPendingPackages(PipelineInspector.open(name, options.pipelinesDir), output, options);
    });
  operation(pipeline, "sync", "replace the local state and schemas with the newest ones stored at the destination")
    .addOption(destinationOption())
    .option("--dataset-name <name>", "dataset to read the state from; default the pipeline's dataset (<name>_dataset for a new one)")
    .option("-y, --yes", "replace the local working dir without asking")
    .action(async (name: string, options: CommonOptions & { destination?: string; datasetName?: string; yes?: boolean }) => {
      await syncPipeline(name, options.pipelinesDir, output, options);
    });
  operation(pipeline, "show", "show the tables at the destination: columns, types and row counts")
    .addOption(destinationOption())
    .option("--system", "also show dlt's own _dlt_* tables")
    .action(async (name: string, options: CommonOptions & { destination?: string; system?: boolean }) => {
      await showTables(PipelineInspector.open(name, options.pipelinesDir), output, options);
    });
  operation(pipeline, "schema", "print a schema of the pipeline (default: its default schema), as YAML or JSON")
    .addOption(new Option("--format <format>", "output format").choices(SCHEMA_FORMATS).default("yaml"))
    .addOption(schemaNameOption())
    .action((name: string, options: CommonOptions & { format: SchemaFormat; schemaName?: string }) => {
      showSchema(PipelineInspector.open(name, options.pipelinesDir), output, options);
    });
  operation(pipeline, "drop", "drop resources' tables (nested ones too) from the destination and the schema, and reset their state")
    .argument("[resources...]", "resource or root table names, or re:<regex> (matched from the start of the name)")
    .option("--drop-all", "drop every resource of the schema")
    .option("--state-only", "reset the resources' state only; tables and schema stay")
    .addOption(schemaNameOption())
    .addOption(destinationOption())
    .option("-y, --yes", "drop without asking")
    .action(
      async (
        name: string,
        resources: string[],
        options: CommonOptions & { dropAll?: boolean; stateOnly?: boolean; schemaName?: string; destination?: string; yes?: boolean },
      ) => {
        await dropResources(PipelineInspector.open(name, options.pipelinesDir), output, { ...options, selectors: resources });
      },
    );
  return program;
}

function operation(pipeline: Command, name: string, description: string): Command {
  return pipeline.command(name).description(description).argument("<name>", "pipeline name").addOption(pipelinesDirOption());
}

function pipelinesDirOption(): Option {
  return new Option("--pipelines-dir <dir>", "dir holding the pipelines' working dirs")
    .argParser((dir: string) => path.resolve(dir))
    .default(
    defaultPipelinesDir(),
    "~/.dlt-ts/pipelines, as pipeline()",
  );
}

function schemaNameOption(): Option {
  return new Option("--schema-name <name>", "schema to use; default the pipeline's default schema");
}

function destinationOption(): Option {
  return new Option(
    "--destination <name>",
    "destination name (duckdb, postgres, ...); default the one in the pipeline state. Credentials come from env and .dlt/ in the current dir",
  );
}

/**
 * One line: the first line of the message. Long explanations (a missing
 * config value lists every key tried) and stacks are shown with --debug.
 */
function describeFailure(error: unknown, debug: boolean): string {
  if (!(error instanceof Error)) return `error: ${String(error)}`;
  if (debug) return `error: ${error.stack ?? error.message}`;
  const [first, ...rest] = error.message.split("\n");
  if (error instanceof DltException) {
    if (!rest.some((l) => l.trim())) return `error: ${first}`;
    return `error: ${first!.replace(/:\s*$/, "")}; run again as dlt-ts --debug ... for the details`;
  }
  return `error: ${first}; run again as dlt-ts --debug ... for the stack trace`;
}

function packageVersion(): string {
  // src/cli and dist/cli are both two levels below the package root.
  const file = path.join(__dirname, "..", "..", "package.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}
