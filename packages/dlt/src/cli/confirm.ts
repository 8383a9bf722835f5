import * as readline from "node:readline";
import type { CliOutput } from "./cli-output.js";

/**
 * Asks a yes/no question on stderr and reads the answer from stdin. No answer
 * (stdin closed, as in CI) is a no: destructive commands never run unasked.
 */
export async function confirm(output: CliOutput, question: string): Promise<boolean> {
  output.err(`${question} [y/N]`);
  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  try {
    const answer = await new Promise<string | undefined>((resolve) => {
      rl.once("line", (line) => resolve(line));
      rl.once("close", () => resolve(undefined));
    });
    return answer !== undefined && /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    rl.close();
  }
}
