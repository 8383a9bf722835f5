import {
  createConfigProviders,
  createPipelineContainer,
  createPipelineLogger,
  defaultCapabilities,
  namingConvention,
  PIPELINE_CONTEXT,
  resolveConfig,
  RuntimeConfiguration,
  type ConfigProviders,
  type ConfiguredDestination,
  type DependencyContainer,
  type Destination,
  type DestinationCapabilities,
  type PipelineContext,
  type PipelineLogger,
} from "@dlt-ts/core";
import { LoadConfiguration } from "@dlt-ts/loader";
import { NormalizeConfiguration } from "@dlt-ts/normalizer";
import { PipelineConfiguration } from "./pipeline-configuration.js";
import { StateStore } from "./state-store.js";
import { StagingNotSupportedException, withStagingFileFormats } from "./staging-file-format.js";

/**
 * Everything a run resolves before it reads a single item: dlt's runtime
 * sections, the destination's config and credentials (a `@destination`
 * class is constructed here, once), and the pipeline's DI container holding
 * all of it. A missing secret fails here, on every run.
 */
export interface RunContext {
  /** The config providers of this run: env and `.dlt/*.toml` read once. */
  readonly providers: ConfigProviders;
  readonly container: DependencyContainer;
  readonly runtime: RuntimeConfiguration;
  readonly normalize: NormalizeConfiguration;
  readonly load: LoadConfiguration;
  /** Settings of the pipeline itself (`restore_from_destination`). */
  readonly pipeline: PipelineConfiguration;
  readonly logger: PipelineLogger;
  /** The dataset as the destination names it (its naming convention applied): what LoadInfo reports. */
  readonly datasetName: string;
  /** The destination and what it resolved to for this run; undefined without a destination. */
  readonly destination?: { readonly destination: Destination; readonly configured: ConfiguredDestination };
  /** The stage files go through before the destination loads them (`pipeline({ staging })`). */
  readonly staging?: { readonly destination: Destination; readonly configured: ConfiguredDestination };
  /** The configured destination's capabilities (its staging file formats with a stage), else generic ones. */
  readonly capabilities: DestinationCapabilities;
  /** Where the state is kept besides the working dir (`pipeline({ stateStore })`). */
  readonly stateStore?: StateStore;
}

/** What {@link prepareRun} needs of the pipeline. */
export interface RunContextInput {
  readonly pipelineName: string;
  readonly datasetName: string;
  readonly workingDir: string;
  readonly projectDir: string | undefined;
  readonly state: Readonly<Record<string, unknown>>;
  /** The user's registrations (`pipeline({ register })`). */
  readonly register: ((container: DependencyContainer) => void) | undefined;
  /** The destination, resolved from its reference; undefined when the pipeline has none. */
  readonly destination: () => Promise<Destination | undefined>;
  /** `pipeline({ stateStore })`. */
  readonly stateStore: Destination | string | undefined;
  /** The staging destination, resolved from its reference; undefined without one. */
  readonly staging?: () => Promise<Destination | undefined>;
}

/** Resolves a run's settings and destination, in that order, and fills the container. */
export async function prepareRun(input: RunContextInput): Promise<RunContext> {
  const providers = createConfigProviders(input.projectDir ? { projectDir: input.projectDir } : {});
  const scope = { pipelineName: input.pipelineName, providers };
  const runtime = await resolveConfig(RuntimeConfiguration, scope);
  const normalize = await resolveConfig(NormalizeConfiguration, scope);
  const load = await resolveConfig(LoadConfiguration, scope);
  const pipeline = await resolveConfig(PipelineConfiguration, scope);
  const logger = createPipelineLogger(input.pipelineName, runtime.logLevel);

  const container = createPipelineContainer(input.pipelineName);
  container.registerInstance(RuntimeConfiguration, runtime);
  container.registerInstance(NormalizeConfiguration, normalize);
  container.registerInstance(LoadConfiguration, load);
  const context: PipelineContext = {
    pipelineName: input.pipelineName,
    datasetName: input.datasetName,
    workingDir: input.workingDir,
    projectDir: input.projectDir,
    state: input.state,
    logger,
  };
  container.registerInstance(PIPELINE_CONTEXT, context);
  input.register?.(container);

  const stateStore = input.stateStore
    ? await StateStore.open(
        input.stateStore,
        {
          pipelineName: input.pipelineName,
          datasetName: input.datasetName,
          workingDir: input.workingDir,
          ...(input.projectDir ? { projectDir: input.projectDir } : {}),
          providers,
          container,
        },
        providers,
      )
    : undefined;
  const settings = { providers, container, runtime, normalize, load, pipeline, logger, ...(stateStore ? { stateStore } : {}) };
  const destination = await input.destination();
  if (!destination) return { ...settings, datasetName: input.datasetName, capabilities: defaultCapabilities() };
  // As dlt: the dataset name follows the destination's naming convention ("GitHub Data" → git_hub_data).
  const declared = destination.capabilities();
  const naming = namingConvention(declared.namingConvention, declared.maxIdentifierLength);
  const datasetName = naming.normalizeTableIdentifier(input.datasetName);
  const destinationContext = {
    pipelineName: input.pipelineName,
    datasetName,
    workingDir: input.workingDir,
    ...(input.projectDir ? { projectDir: input.projectDir } : {}),
    providers,
    container,
  };
  const configured = await destination.configure(destinationContext);
  const resolved = { ...settings, datasetName, destination: { destination, configured } };
  const staging = await input.staging?.();
  if (!staging) return { ...resolved, capabilities: configured.capabilities };
  const stagingConfigured = await staging.configure(destinationContext);
  if (!stagingConfigured.createStagingArea) {
    throw new StagingNotSupportedException(
      `Destination ${staging.destinationName} cannot be a staging destination: it keeps no files for another destination to load (use "filesystem")`,
    );
  }
  const capabilities = withStagingFileFormats(configured.capabilities, destination.destinationName, stagingConfigured.capabilities, staging.destinationName);
  return { ...resolved, staging: { destination: staging, configured: stagingConfigured }, capabilities };
}
