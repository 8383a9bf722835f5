import { isDltName, type Schema } from "@dlt-ts/core";
import { CliError, type CliOutput } from "./cli-output.js";
import { dateWithAge, humanBytes, indent, plural, preciseDelta } from "./cli-format.js";
import { PipelineInspector, type JobInfo, type PackageInfo, type StoredTrace, type StoredTraceStep } from "./pipeline-inspector.js";
import { confirm } from "./confirm.js";

/** `pipeline --list`: every pipeline in the pipelines dir, most recently run first. */
export function listPipelines(pipelinesDir: string, output: CliOutput): void {
  const pipelines = PipelineInspector.list(pipelinesDir);
  if (pipelines.length === 0) {
    output.out(`No pipelines found in ${pipelinesDir}`);
    return;
  }
  output.out(`${plural(pipelines.length, "pipeline")} found in ${pipelinesDir}`);
  for (const p of pipelines) output.out(`${p.name}${p.lastRunAt ? ` (last run: ${dateWithAge(p.lastRunAt)})` : ""}`);
}

/** `pipeline <name> info`: state, schemas and what the working dir holds. */
export async function showInfo(inspector: PipelineInspector, output: CliOutput): Promise<void> {
  const name = inspector.pipelineName;
  output.out(`Found pipeline ${name} in ${inspector.workingDir}`);
  const state = inspector.state();
  if (state) {
    output.out("Synchronized state:");
    const fields: [string, unknown][] = [
      ["pipeline_name", state.pipelineName],
      ["dataset_name", state.datasetName],
      ["default_schema_name", state.defaultSchemaName],
      ["schema_names", state.schemaNames.join(", ")],
      ["destination_type", state.destinationType],
      ["destination_name", state.destinationName],
      ["state_version", state.stateVersion],
      ["version_hash", state.versionHash],
    ];
    for (const [key, value] of fields) output.out(`  ${key}: ${value === undefined || value === "" ? "-" : String(value)}`);
    const sources = JSON.stringify(state.sources ?? {}, null, 2);
    output.out(`  sources: ${indent(sources).trimStart()}`);
    output.out("Local state:");
    output.out(`  first_run: ${state._local?.firstRun ?? true}`);
    if (state._local?.lastRunAt) output.out(`  last_run_at: ${state._local.lastRunAt}`);
  } else {
    output.out("No state yet: the pipeline has not extracted any data");
  }

  const schemas = inspector.schemas();
  if (schemas.length === 0) {
    output.out("No schemas yet");
  } else {
    output.out("Schemas:");
    for (const schema of schemas) {
      const tables = schema.dataTables();
      output.out(`  ${schema.name} (version ${schema.version}, naming ${schema.settings.namingConvention}): ${plural(tables.length, "table")}`);
      for (const table of tables) output.out(`    ${describeTable(schema, table.name)}`);
    }
  }

  output.out("Working dir content:");
  const loaded = await inspector.packages("loaded");
  if (loaded.length === 0) output.out("  No completed load packages");
  else output.out(`  ${plural(loaded.length, "completed load package")}: ${loaded.map((p) => p.loadId).join(", ")}`);
  const pending = await inspector.pendingPackages();
  if (pending.length === 0) output.out("  No pending load packages");
  else output.out(`  ${plural(pending.length, "pending load package")}: ${pending.map((p) => `${p.loadId} (${p.stage})`).join(", ")}`);
  const trace = inspector.trace();
  if (trace) {
    const at = inspector.lastRunAt();
    output.out(
      `  Last run ${runStatus(trace)}${at ? ` at ${dateWithAge(at)}` : ""}: see \`dlt-ts pipeline ${name} trace\``,
    );
  } else {
    output.out("  No trace of a last run");
  }
}

/** `pipeline <name> trace`: the steps of the last run, their timings, infos and errors. */
export function showTrace(inspector: PipelineInspector, output: CliOutput): void {
  const trace = inspector.trace();
  if (!trace) {
    output.out(`Pipeline ${inspector.pipelineName} has no trace: it has not run yet`);
    return;
  }
  const started = new Date(trace.startedAt);
  const finished = trace.finishedAt ? new Date(trace.finishedAt) : undefined;
  const took = finished ? ` in ${preciseDelta(finished.getTime() - started.getTime())}` : "";
  output.out(
    `Run of pipeline ${trace.pipelineName} started at ${started.toISOString()} and ${runStatus(trace)}${took} with ${plural(trace.steps.length, "step")}`,
  );
  for (const step of trace.steps) {
    const elapsed = new Date(step.finishedAt).getTime() - new Date(step.startedAt).getTime();
    output.out(`Step ${step.step} ${step.error === undefined ? "COMPLETED" : "FAILED"} in ${preciseDelta(elapsed)}`);
    const details = step.error !== undefined ? step.error : describeStepInfo(step);
    if (details) output.out(indent(details));
  }
  // A run can fail before its first step (a missing secret) or around its steps.
  if (trace.error !== undefined && !trace.steps.some((step) => step.error === trace.error)) {
    output.out("The run failed:");
    output.out(indent(trace.error));
  }
}

/** `pipeline <name> load-package [load_id]`: one package, its jobs and schema updates. */
export async function showLoadPackage(
  inspector: PipelineInspector,
  loadId: string | undefined,
  output: CliOutput,
): Promise<void> {
  const pkg = loadId ? await inspector.findPackage(loadId) : await newestPackage(inspector);
  if (!pkg) {
    if (loadId) {
      const known = [...(await inspector.packages("loaded")), ...(await inspector.pendingPackages())].map((p) => p.loadId).sort();
      const listing = known.length > 0 ? `known load ids: ${known.join(", ")}` : "the pipeline has no load packages";
      throw new CliError(`Load package ${loadId} not found in pipeline ${inspector.pipelineName}: ${listing}`);
    }
    output.out(`Pipeline ${inspector.pipelineName} has no load packages`);
    return;
  }
  const pending = pkg.stage !== "loaded" ? ", pending" : "";
  output.out(`Load package ${pkg.loadId} of pipeline ${inspector.pipelineName} is ${pkg.status.toUpperCase()}${pending}`);
  output.out(`  schema: ${pkg.schemaName ?? "-"}`);
  output.out(`  path: ${pkg.path}`);
  if (pkg.state?.createdAt) output.out(`  created at: ${String(pkg.state.createdAt)}`);
  output.out(`  updated at: ${pkg.updatedAt.toISOString()}`);

  const jobs = await inspector.jobs(pkg);
  const counts = (["completed_jobs", "failed_jobs", "started_jobs", "new_jobs"] as const)
    .map((folder) => [folder, jobs.filter((j) => j.folder === folder).length] as const)
    .filter(([, n]) => n > 0)
    .map(([folder, n]) => `${n} ${folder.replace("_jobs", "")}`);
  output.out(`Jobs: ${jobs.length === 0 ? "none" : counts.join(", ")}`);
  for (const job of jobs) {
    output.out(`  ${job.folder.replace("_jobs", "").padEnd(9)} ${job.fileName} (table ${job.table}, ${humanBytes(job.sizeBytes)})`);
    if (job.failureMessage) output.out(indent(job.failureMessage.trimEnd(), "      "));
  }

  const updates = await inspector.schemaUpdates(pkg);
  const tables = Object.values(updates ?? {});
  if (tables.length === 0) {
    output.out("Schema updates: none");
  } else {
    output.out(`Schema updates: ${plural(tables.length, "table")}`);
    for (const table of tables) {
      const columns = Object.values(table.columns).map((c) => `${c.name} ${c.dataType ?? "(hints only)"}`);
      output.out(`  ${table.name}: ${columns.length > 0 ? columns.join(", ") : "no new columns"}`);
    }
  }
}

/** `pipeline <name> failed-jobs`: every failed job of every package, with its error. */
export async function showFailedJobs(inspector: PipelineInspector, output: CliOutput): Promise<void> {
  let failedTotal = 0;
  const packages = [...(await inspector.packages("loaded")), ...(await inspector.packages("normalized"))];
  for (const pkg of packages) {
    const failed = (await inspector.jobs(pkg)).filter((j) => j.folder === "failed_jobs");
    if (failed.length === 0) continue;
    failedTotal += failed.length;
    output.out(`Load package ${pkg.loadId} (${pkg.status.toUpperCase()}): ${plural(failed.length, "failed job")}`);
    for (const job of failed) output.out(indent(describeFailedJob(job)));
  }
  if (failedTotal === 0) output.out(`No failed jobs found in pipeline ${inspector.pipelineName}`);
}

export interface ConfirmOptions {
  /** Skip the question. */
  yes?: boolean;
}

/** `pipeline <name> drop-pending-packages`: deletes extracted and normalized packages that were not loaded. */
export async function dropPendingPackages(inspector: PipelineInspector, output: CliOutput, options: ConfirmOptions): Promise<void> {
  const pending = await inspector.pendingPackages();
  const name = inspector.pipelineName;
  if (pending.length === 0) {
    output.out(`No pending load packages in pipeline ${name}`);
    return;
  }
  output.out(`Pipeline ${name} has ${plural(pending.length, "pending load package")}:`);
  for (const pkg of pending) output.out(`  ${pkg.loadId} (${pkg.stage}, schema ${pkg.schemaName ?? "-"})`);
  if (!options.yes && !(await confirm(output, "Delete them? Their data will not be loaded."))) {
    throw new CliError("Nothing deleted: not confirmed (pass --yes to delete without asking)");
  }
  const dropped = await inspector.dropPendingPackages();
  output.out(`Deleted ${plural(dropped.length, "pending load package")} of pipeline ${name}`);
}

/** The newest package still to load, else the newest loaded one. */
async function newestPackage(inspector: PipelineInspector): Promise<PackageInfo | undefined> {
  for (const stage of ["normalized", "extracted", "loaded"] as const) {
    const packages = await inspector.packages(stage);
    if (packages.length > 0) return packages[packages.length - 1];
  }
  return undefined;
}

function describeTable(schema: Schema, tableName: string): string {
  const table = schema.tables[tableName]!;
  const columns = schema.completeColumns(tableName).filter((c) => !isDltName(c.name));
  const kind = table.parent ? `nested in ${table.parent}` : schema.writeDispositionOf(tableName);
  return `${table.name} (${kind}): ${columns.map((c) => c.name).join(", ") || "no data columns"}`;
}

function describeFailedJob(job: JobInfo): string {
  const lines = [`${job.fileName} (table ${job.table}, ${job.format}, ${humanBytes(job.sizeBytes)}, retry ${job.retry})`, `  path: ${job.path}`];
  lines.push(indent((job.failureMessage ?? "no error message was kept").trimEnd(), "  "));
  return lines.join("\n");
}

function runStatus(trace: StoredTrace): string {
  if (!trace.finishedAt) return "DID NOT FINISH";
  return trace.error !== undefined || trace.steps.some((s) => s.error !== undefined) ? "FAILED" : "COMPLETED";
}

interface TraceLoadInfo {
  destinationName?: string;
  destinationDisplayableCredentials?: string;
  datasetName?: string;
  loadPackages?: { loadId: string; status: string; jobs?: { fileName: string; state: string; failureMessage?: string }[] }[];
}

/** A step's info in a few lines, from what trace.json kept. */
function describeStepInfo(step: StoredTraceStep): string {
  const info = (step.info ?? {}) as Record<string, unknown>;
  if (step.step === "extract") {
    const counts = Object.entries((info.itemCounts ?? {}) as Record<string, number>).map(([t, n]) => `${t}: ${plural(n, "item")}`);
    return `Extracted load package ${String(info.loadId ?? "?")} (schema ${String(info.schemaName ?? "?")}): ${counts.join(", ") || "no items"}`;
  }
  if (step.step === "normalize") {
    const packages = (info.packages ?? []) as { loadId: string; rowCounts?: Record<string, number> }[];
    const lines = [`Normalized ${plural(packages.length, "load package")}`];
    for (const pkg of packages) {
      const counts = Object.entries(pkg.rowCounts ?? {}).map(([t, n]) => `${t}: ${plural(n, "row")}`);
      lines.push(`  ${pkg.loadId}: ${counts.join(", ") || "no rows"}`);
    }
    return lines.join("\n");
  }
  const load = info as TraceLoadInfo;
  const packages = load.loadPackages ?? [];
  const lines = [
    `${plural(packages.length, "load package")} loaded to destination ${load.destinationName ?? "?"} into dataset ${load.datasetName ?? "?"}`,
  ];
  if (load.destinationDisplayableCredentials) lines.push(`Location: ${load.destinationDisplayableCredentials}`);
  for (const pkg of packages) {
    const failed = (pkg.jobs ?? []).filter((j) => j.state === "failed");
    const jobs = failed.length === 0 ? "no failed jobs" : `${plural(failed.length, "FAILED job")}`;
    lines.push(`Load package ${pkg.loadId} is ${pkg.status.toUpperCase()} and contains ${jobs}`);
    for (const job of failed) lines.push(`  [${job.fileName}]: ${job.failureMessage ?? "unknown error"}`);
  }
  return lines.join("\n");
}
