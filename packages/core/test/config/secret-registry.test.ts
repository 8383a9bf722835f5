import { inspect } from "node:util";
import { ConnectionStringCredentials, Secret, configSpec, maskSecrets, maskSecretsInError, registerSecret, resolveConfig, secret } from "@dlt-ts/core";

describe("secret registry", () => {
  it("masks every printed form of a registered value: raw, JSON-escaped (once and twice), URL-encoded, inspected", () => {
    const value = `a "b"\\c/d e+f'g`;
    registerSecret(value);
    const texts = [
      value,
      JSON.stringify({ k: value }),
      JSON.stringify(JSON.stringify({ k: value })),
      `https://x/?k=${encodeURIComponent(value)}`,
      `https://x/?${new URLSearchParams({ k: value }).toString()}`,
      inspect({ k: value }),
    ];
    for (const text of texts) {
      const masked = maskSecrets(text);
      expect(masked).toContain("***");
      expect(masked).not.toContain("e+f");
    }
    expect(maskSecrets("nothing secret here")).toBe("nothing secret here");
  });

  it("ignores values too short to mask without garbling every message", () => {
    registerSecret("pw");
    expect(maskSecrets("pw is short")).toBe("pw is short");
  });

  it("records what the resolver resolves for @secret fields and credentials, explicit or from config", async () => {
    @configSpec()
    class Spec {
      @secret() apiKey!: string;
      @secret({ type: ConnectionStringCredentials }) credentials!: ConnectionStringCredentials;
    }
    await resolveConfig(Spec, {
      explicit: { apiKey: new Secret("from-code-123"), credentials: "postgresql://loader:p%40ss-word@localhost/db" },
      env: {},
    } as never);
    expect(maskSecrets("key from-code-123, password p@ss-word, url postgresql://loader:p%40ss-word@localhost/db")).toBe(
      "key ***, password ***, url postgresql://loader:***@localhost/db",
    );
  });

  it("masks an error chain in place: message, stack and own string properties", () => {
    registerSecret("tok-abcdef");
    const cause = Object.assign(new Error("bad tok-abcdef"), { header: "Bearer tok-abcdef" });
    const error = new Error("request failed", { cause });
    maskSecretsInError(error);
    expect(cause.message).toBe("bad ***");
    expect(cause.stack).not.toContain("tok-abcdef");
    expect(cause.header).toBe("Bearer ***");
    expect(inspect(error)).not.toContain("tok-abcdef");
  });
});
