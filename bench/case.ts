import "reflect-metadata";

/** Child-process entry of run-cases: `case.ts <module> <export> <json args>`. */
async function main(): Promise<void> {
  const [moduleFile, exportName, args] = process.argv.slice(2) as [string, string, string];
  const module = (await import(moduleFile)) as Record<string, (...a: unknown[]) => Promise<string>>;
  console.log(await module[exportName]!(...(JSON.parse(args) as unknown[])));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
