import type { ConfiguredDestination, Destination, JobClient, LoadJobRequest } from "@dlt-ts/core";

/**
 * Wraps a destination so that load jobs for which `fault` returns an error
 * fail with it before touching the database (as if the connection dropped
 * when the job started). Everything else goes to the real destination.
 */
export function withFailingJobs(destination: Destination, fault: (request: LoadJobRequest) => Error | undefined): Destination {
  return withClientOverrides(destination, (client) => ({
    createLoadJob: (request: LoadJobRequest) => {
      const error = fault(request);
      return error ? { run: () => Promise.reject(error) } : client.createLoadJob(request);
    },
  }));
}

/**
 * Wraps a destination so that its job clients use `overrides` (made per
 * client) in place of their own methods; everything else goes to the real client.
 */
export function withClientOverrides(destination: Destination, overrides: (client: JobClient) => Partial<JobClient>): Destination {
  return {
    destinationType: destination.destinationType,
    destinationName: destination.destinationName,
    capabilities: () => destination.capabilities(),
    async configure(context) {
      const configured = await destination.configure(context);
      const wrapped: ConfiguredDestination = {
        capabilities: configured.capabilities,
        location: configured.location,
        createClient: async (schema) => {
          const client = await configured.createClient(schema);
          const own = overrides(client) as Record<string | symbol, unknown>;
          return new Proxy(client, {
            get(target, property) {
              if (property in own) return own[property];
              const value = Reflect.get(target, property, target) as unknown;
              return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
            },
          });
        },
      };
      if (configured.sqlClient) wrapped.sqlClient = () => configured.sqlClient!();
      if (configured.truncateTablesOnStagingDestinationBeforeLoad !== undefined) {
        Object.assign(wrapped, { truncateTablesOnStagingDestinationBeforeLoad: configured.truncateTablesOnStagingDestinationBeforeLoad });
      }
      return wrapped;
    },
  };
}
