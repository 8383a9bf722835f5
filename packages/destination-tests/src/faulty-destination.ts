import type { ConfiguredDestination, Destination, JobClient, LoadJobRequest } from "@dlt-ts/core";

/**
 * Wraps a destination so that load jobs for which `fault` returns an error
 * fail with it before touching the database (as if the connection dropped
 * when the job started). Everything else goes to the real destination.
 */
export function withFailingJobs(destination: Destination, fault: (request: LoadJobRequest) => Error | undefined): Destination {
  return {
    destinationType: destination.destinationType,
    destinationName: destination.destinationName,
    capabilities: () => destination.capabilities(),
    async configure(context) {
      const configured = await destination.configure(context);
      const wrapped: ConfiguredDestination = {
        capabilities: configured.capabilities,
        location: configured.location,
        createClient: async (schema) => failingClient(await configured.createClient(schema), fault),
      };
      if (configured.sqlClient) wrapped.sqlClient = () => configured.sqlClient!();
      return wrapped;
    },
  };
}

function failingClient(client: JobClient, fault: (request: LoadJobRequest) => Error | undefined): JobClient {
  return new Proxy(client, {
    get(target, property) {
      if (property === "createLoadJob") {
        return (request: LoadJobRequest) => {
          const error = fault(request);
          return error ? { run: () => Promise.reject(error) } : target.createLoadJob(request);
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
