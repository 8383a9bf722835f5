import { config, configSpec } from "@dlt-ts/core";

/**
 * Pipeline settings read from config, with dlt's keys at the top level (or
 * under the pipeline's name): `restore_from_destination` (env
 * `RESTORE_FROM_DESTINATION`, or `<PIPELINE_NAME>__RESTORE_FROM_DESTINATION`).
 */
@configSpec()
export class PipelineConfiguration {
  /**
   * On a fresh working dir, take the newest state and schemas the
   * destination keeps (`_dlt_pipeline_state`, `_dlt_version`). Default true,
   * as dlt.
   */
  @config({ type: Boolean }) restoreFromDestination = true;
}
