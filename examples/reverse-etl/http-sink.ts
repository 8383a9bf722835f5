import "reflect-metadata";
import { config, destination, DestinationBase, DestinationTerminalException, secret, type DataItem, type TableSchema } from "dlt-ts";

/** The endpoint refused the batch for good (bad key, invalid payload): retrying cannot help. */
export class HttpSinkRejected extends DestinationTerminalException {}

/** Statuses worth another try: the server may accept the same batch later. */
const RETRYABLE = new Set([408, 425, 429]);

/**
 * Reverse ETL: POSTs every batch of normalized rows as JSON
 * `{ "table": "<name>", "items": [...] }` to `endpoint_url`, authenticated with
 * `Authorization: Bearer <api_key>`.
 *
 * Config (section `destination.http_sink`):
 * - `api_key` (secret): `.dlt/secrets.toml` or env `DESTINATION__HTTP_SINK__API_KEY`
 * - `endpoint_url`: `.dlt/config.toml` or env `DESTINATION__HTTP_SINK__ENDPOINT_URL`
 * - `timeout_ms`: default 10000
 */
@destination({ name: "http_sink", batchSize: 50 })
export class HttpSink extends DestinationBase {
  @secret() apiKey!: string;
  @config() endpointUrl!: string;
  @config() timeoutMs = 10_000;

  async write(items: DataItem[] | string, table: TableSchema): Promise<void> {
    let response: Response;
    try {
      response = await fetch(this.endpointUrl, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${this.apiKey}` },
        body: JSON.stringify({ table: table.name, items }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      // Connection refused, reset, timed out: the loader retries the batch.
      throw new Error(`POST ${this.endpointUrl} failed for table ${table.name}`, { cause: error });
    }
    // Read the body so the connection can be reused.
    const body = await response.text();
    if (response.ok) return;
    const message = `POST ${this.endpointUrl} answered ${response.status} for ${items.length} item(s) of table ${table.name}: ${body.slice(0, 200)}`;
    if (response.status >= 400 && response.status < 500 && !RETRYABLE.has(response.status)) throw new HttpSinkRejected(message);
    throw new Error(message);
  }
}
