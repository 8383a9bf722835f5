import "reflect-metadata";
import { config, destination, DestinationTerminalException, secret, type DataItem, type SinkBatch, type TableSchema } from "dlt-ts";

/** The API refused the batch for good (bad key, bad payload): retrying cannot help. */
export class CrmRejected extends DestinationTerminalException {}

/**
 * Pushes each batch of contacts to the CRM: `POST <base_url>/contacts` with
 * the API key and the batch id as `Idempotency-Key`, so a batch re-sent after
 * a crash is applied once. A 5xx or a network error is thrown as a plain
 * error, which the loader retries; a 4xx fails the job at once.
 *
 * Config, section `destination.crm_api`: `api_key` (secret), `base_url`.
 */
@destination({ name: "crm_api", batchSize: 100 })
export class CrmDestination {
  @secret() apiKey!: string;
  @config() baseUrl = "http://127.0.0.1:8080";

  async write(items: DataItem[] | string, table: TableSchema, batch: SinkBatch): Promise<void> {
    const response = await fetch(`${this.baseUrl}/${table.name}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${this.apiKey}`, "idempotency-key": batch.id },
      body: JSON.stringify(items),
    });
    await response.text();
    if (response.status >= 500) throw new Error(`POST /${table.name} answered ${response.status}: the loader tries again`);
    if (!response.ok) throw new CrmRejected(`POST /${table.name} answered ${response.status}`);
  }
}
