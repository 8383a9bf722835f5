import {
  capabilities,
  type ConfiguredDestination,
  type DestinationCapabilities,
  type JobClient,
  type LoadJob,
  type LoadJobRequest,
  type Schema,
  type TableChain,
  type TableSchema,
} from "@dlt-ts/core";

export type JobBehaviour = (request: LoadJobRequest, attempt: number) => Promise<void>;

/** An in-memory destination that records what the loader asked of it. */
export class FakeDestination implements ConfiguredDestination {
  readonly capabilities: DestinationCapabilities;
  readonly location = "fake://memory";
  readonly calls: string[] = [];
  readonly updates: Record<string, TableSchema>[] = [];
  readonly chains: { loadId: string; tables: string[] }[] = [];
  readonly completedLoads: string[] = [];
  readonly attempts = new Map<string, number>();
  inFlight = 0;
  maxInFlight = 0;
  readonly inFlightTables: string[] = [];
  /** Tables loading at the same time, sampled whenever a job starts. */
  readonly concurrentTables: string[][] = [];
  readonly order: string[] = [];
  closed = 0;
  withChains = true;
  /** What completeTableChain does (after recording the call). */
  chainBehaviour: (chain: TableChain) => Promise<void> = async () => undefined;
  /** Root tables handed to rollbackTableChain, in call order. */
  readonly rollbacks: string[] = [];
  withRollback = true;

  constructor(
    private readonly behaviour: JobBehaviour = async () => {},
    caps: Partial<DestinationCapabilities> = {},
  ) {
    this.capabilities = capabilities(caps);
  }

  async createClient(schema: Schema): Promise<JobClient> {
    const dest = this;
    dest.calls.push(`createClient:${schema.name}`);
    const client: JobClient = {
      capabilities: dest.capabilities,
      async initializeStorage() {
        dest.calls.push("initializeStorage");
      },
      async updateStoredSchema(update) {
        dest.calls.push("updateStoredSchema");
        dest.updates.push(update);
      },
      createLoadJob(request: LoadJobRequest): LoadJob {
        return {
          run: async () => {
            const key = request.fileName.split(".").slice(0, -2).join(".");
            const attempt = (dest.attempts.get(key) ?? 0) + 1;
            dest.attempts.set(key, attempt);
            dest.inFlight += 1;
            dest.maxInFlight = Math.max(dest.maxInFlight, dest.inFlight);
            dest.inFlightTables.push(request.table.name);
            dest.concurrentTables.push([...dest.inFlightTables]);
            dest.order.push(request.fileName);
            try {
              await dest.behaviour(request, attempt);
            } finally {
              dest.inFlight -= 1;
              dest.inFlightTables.splice(dest.inFlightTables.indexOf(request.table.name), 1);
            }
          },
        };
      },
      async completeLoad(loadId) {
        dest.calls.push(`completeLoad:${loadId}`);
        dest.completedLoads.push(loadId);
      },
      async close() {
        dest.calls.push("close");
        dest.closed += 1;
      },
    };
    if (this.withChains) {
      client.completeTableChain = async (loadId: string, chain: TableChain) => {
        dest.calls.push(`completeTableChain:${chain[0]?.name}`);
        await dest.chainBehaviour(chain);
        dest.chains.push({ loadId, tables: chain.map((t) => t.name) });
      };
    }
    if (this.withRollback) {
      client.rollbackTableChain = async (_loadId: string, chain: TableChain) => {
        dest.calls.push(`rollbackTableChain:${chain[0]?.name}`);
        dest.rollbacks.push(chain[0]!.name);
      };
    }
    return client;
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
