// The user's side of the tsc measure (bench/gen.ts, section tsc): one file of 10 typical calls over GitHub's API — get
// a repo, list issues, create a pull request and an issue, list an org's repos, the authenticated user, a git ref,
// workflow runs, create a release, search with error narrowing — written once against svcgen's client and once against
// openapi-typescript's types through openapi-fetch. Kept as text: they compile only next to the generated output.

/** Next to svcgen's output in `out/` (either target: tsc finds `.ts` or `.d.ts` the same way). */
export const SVCGEN_CALLS = `import { createGithubClient } from "./out/clients/index.js";
import { isHttpError } from "./out/runtime/index.js";

const gh = createGithubClient({ auth: { bearer: "token" } });

export async function main(): Promise<number> {
  const repo = await gh.reposGet({ path: { owner: "o", repo: "r" } });
  const issues = await gh.issuesListForRepo({ path: { owner: "o", repo: "r" }, query: { state: "open", per_page: 50 } });
  const pr = await gh.pullsCreate({ path: { owner: "o", repo: "r" }, body: { title: "t", head: "h", base: "main" } });
  const issue = await gh.issuesCreate({ path: { owner: "o", repo: "r" }, body: { title: "bug", labels: ["x"] } });
  const repos = await gh.reposListForOrg({ path: { org: "o" }, query: { type: "public" } });
  const me = await gh.usersGetAuthenticated();
  const ref = await gh.gitGetRef({ path: { owner: "o", repo: "r", ref: "heads/main" } });
  const runs = await gh.actionsListWorkflowRunsForRepo({ path: { owner: "o", repo: "r" }, query: { status: "success" } });
  const release = await gh.reposCreateRelease({ path: { owner: "o", repo: "r" }, body: { tag_name: "v1" } });
  try {
    const found = await gh.searchRepos({ query: { q: "svcgen" } });
    console.log(found.total_count);
  } catch (error) {
    if (isHttpError(error, gh.searchRepos) && error.status === 503) console.log(error.body);
  }
  return repo.id + issues.length + pr.number + issue.number + repos.length + me.id + ref.object.sha.length + runs.total_count + release.id;
}
`;

/** Next to openapi-typescript's `schema.ts`; openapi-fetch resolves from bench/.cache/node_modules. */
export const OPENAPI_FETCH_CALLS = `import createClient from "openapi-fetch";
import type { paths } from "./schema.js";

const gh = createClient<paths>({ baseUrl: "https://api.github.com", headers: { authorization: "Bearer token" } });

export async function main(): Promise<number> {
  const { data: repo } = await gh.GET("/repos/{owner}/{repo}", { params: { path: { owner: "o", repo: "r" } } });
  const { data: issues } = await gh.GET("/repos/{owner}/{repo}/issues", { params: { path: { owner: "o", repo: "r" }, query: { state: "open", per_page: 50 } } });
  const { data: pr } = await gh.POST("/repos/{owner}/{repo}/pulls", { params: { path: { owner: "o", repo: "r" } }, body: { title: "t", head: "h", base: "main" } });
  const { data: issue } = await gh.POST("/repos/{owner}/{repo}/issues", { params: { path: { owner: "o", repo: "r" } }, body: { title: "bug", labels: ["x"] } });
  const { data: repos } = await gh.GET("/orgs/{org}/repos", { params: { path: { org: "o" }, query: { type: "public" } } });
  const { data: me } = await gh.GET("/user");
  const { data: ref } = await gh.GET("/repos/{owner}/{repo}/git/ref/{ref}", { params: { path: { owner: "o", repo: "r", ref: "heads/main" } } });
  const { data: runs } = await gh.GET("/repos/{owner}/{repo}/actions/runs", { params: { path: { owner: "o", repo: "r" }, query: { status: "success" } } });
  const { data: release } = await gh.POST("/repos/{owner}/{repo}/releases", { params: { path: { owner: "o", repo: "r" } }, body: { tag_name: "v1" } });
  const { data: found, error, response } = await gh.GET("/search/repositories", { params: { query: { q: "svcgen" } } });
  if (found) console.log(found.total_count);
  else if (response.status === 503) console.log(error);
  return (repo?.id ?? 0) + (issues?.length ?? 0) + (pr?.number ?? 0) + (issue?.number ?? 0) + (repos?.length ?? 0) + (me?.id ?? 0) + (ref?.object.sha.length ?? 0) + (runs?.total_count ?? 0) + (release?.id ?? 0);
}
`;
