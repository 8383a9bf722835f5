/** @jest-config-loader esbuild-register */
import type { Config } from "jest";

const swc = [
  "@swc/jest",
  {
    jsc: {
      parser: { syntax: "typescript", decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: "es2022",
    },
    module: { type: "commonjs" },
  },
];

const config: Config = {
  testEnvironment: "node",
  roots: ["<rootDir>/packages", "<rootDir>/examples"],
  testMatch: ["**/test/**/*.test.ts"],
  transform: { "^.+\\.(t|j|mj)s$": swc as never },
  // hyparquet-writer and friends ship ESM only: let swc turn them into CommonJS.
  transformIgnorePatterns: ["/node_modules/(?!(hyparquet|hyparquet-writer)/)"],
  moduleNameMapper: {
    // Sources import siblings as `./x.js` (Node ESM-style); jest resolves the .ts file.
    "^(\\.{1,2}/.*)\\.js$": "$1",
    "^@dlt-ts/(.*)$": "<rootDir>/packages/$1/src/index.ts",
    "^dlt-ts$": "<rootDir>/packages/dlt/src/index.ts",
    // The example third-party package (a workspace, linked as node_modules/dlt-ts-destination-sqlite): its sources, like ours.
    "^dlt-ts-destination-sqlite$": "<rootDir>/examples/third-party-destination/src/index.ts",
  },
  modulePathIgnorePatterns: ["<rootDir>/packages/.*/dist/"],
  // Database tests that take 1–2 s alone took over jest's default 5 s with the whole suite on two busy cores.
  testTimeout: 30_000,
};

export default config;
