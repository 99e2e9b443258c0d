import { describe, expect, it } from "vitest";
import type { HttpMethod } from "../../../src/model/types.js";
import { methodName, uniqueNames, type NamedOperation } from "../../../src/specs/openapi/naming.js";

type Row = [string, { given: { id?: string; method?: HttpMethod; path?: string }; want: string }];

const rows: Row[] = [
  ["kebab-case id", { given: { id: "list-users" }, want: "listUsers" }],
  ["GitHub-style slash id", { given: { id: "repos/get-content" }, want: "reposGetContent" }],
  ["snake_case id", { given: { id: "get_user_by_id" }, want: "getUserById" }],
  ["dotted id", { given: { id: "users.list" }, want: "usersList" }],
  ["spaces", { given: { id: "List all users" }, want: "listAllUsers" }],
  ["PascalCase id", { given: { id: "GetUsers" }, want: "getUsers" }],
  ["camelCase id kept", { given: { id: "getHTMLPage" }, want: "getHTMLPage" }],
  ["leading acronym lower-cased whole", { given: { id: "HTMLPage" }, want: "htmlPage" }],
  ["all-caps id", { given: { id: "URL" }, want: "url" }],
  ["acronym before digit", { given: { id: "ID2" }, want: "id2" }],
  ["leading digit gets _", { given: { id: "2fa-verify" }, want: "_2faVerify" }],
  ["reserved word gets _ suffix", { given: { id: "delete" }, want: "delete_" }],
  ["reserved word class", { given: { id: "class" }, want: "class_" }],
  ["reserved word via camelCase", { given: { id: "New" }, want: "new_" }],
  ["client member health", { given: { id: "health" }, want: "health_" }],
  ["client member ready", { given: { id: "ready" }, want: "ready_" }],
  ["client member describe", { given: { id: "describe" }, want: "describe_" }],
  ["client member close", { given: { id: "close" }, want: "close_" }],
  ["thenable trap", { given: { id: "then" }, want: "then_" }],
  ["constructor", { given: { id: "constructor" }, want: "constructor_" }],
  ["toString", { given: { id: "toString" }, want: "toString_" }],
  ["Object.prototype member", { given: { id: "hasOwnProperty" }, want: "hasOwnProperty_" }],
  ["__proto__ loses its underscores", { given: { id: "__proto__" }, want: "proto" }],
  ["non-ASCII id falls back to method + path", { given: { id: "获取用户", path: "/users" }, want: "getUsers" }],
  ["symbols-only id falls back", { given: { id: "---", method: "post", path: "/items" }, want: "postItems" }],
  ["no id: path params become By<Name>", { given: { path: "/users/{id}" }, want: "getUsersById" }],
  ["no id: root path", { given: { path: "/" }, want: "getRoot" }],
  ["no id: nested params", { given: { method: "post", path: "/users/{user_id}/posts" }, want: "postUsersByUserIdPosts" }],
  [
    "no id: several params in one segment",
    { given: { path: "/repos/{owner}/{repo}/compare/{base}...{head}" }, want: "getReposByOwnerByRepoCompareByBaseByHead" },
  ],
  ["no id: delete is not reserved once words follow", { given: { method: "delete", path: "/items" }, want: "deleteItems" }],
  ["no id: digits stay in their word", { given: { path: "/v1/2fa" }, want: "getV12fa" }],
];

describe("methodName", () => {
  it.each(rows)("%s", (_name, { given, want }) => {
    expect(methodName(given.id, given.method ?? "get", given.path ?? "/x")).toBe(want);
  });
});

type UniqueRow = [string, { given: NamedOperation[]; want: string[] }];

const uniqueRows: UniqueRow[] = [
  [
    "distinct names unchanged",
    { given: [{ path: "/a", method: "get", base: "a" }, { path: "/b", method: "get", base: "b" }], want: ["a", "b"] },
  ],
  [
    "collisions numbered by (path, method), not input order",
    {
      given: [
        { path: "/b", method: "get", base: "x" },
        { path: "/a", method: "post", base: "x" },
        { path: "/a", method: "get", base: "x" },
      ],
      want: ["x3", "x2", "x"],
    },
  ],
  [
    "suffixes skip names another operation owns",
    {
      given: [
        { path: "/a", method: "get", base: "x" },
        { path: "/b", method: "get", base: "x" },
        { path: "/c", method: "get", base: "x2" },
      ],
      want: ["x", "x3", "x2"],
    },
  ],
  [
    "suffixed reserved names",
    {
      given: [{ path: "/a", method: "delete", base: "delete_" }, { path: "/b", method: "delete", base: "delete_" }],
      want: ["delete_", "delete_2"],
    },
  ],
];

describe("uniqueNames", () => {
  it.each(uniqueRows)("%s", (_name, { given, want }) => {
    expect(uniqueNames(given)).toEqual(want);
  });

  it("gives the same names for any input order", () => {
    const ops: NamedOperation[] = [
      { path: "/z", method: "get", base: "n" },
      { path: "/a", method: "put", base: "n" },
      { path: "/m", method: "get", base: "n2" },
      { path: "/a", method: "get", base: "n" },
    ];
    const byKey = (list: NamedOperation[]): Record<string, string> => {
      const names = uniqueNames(list);
      return Object.fromEntries(list.map((op, i) => [`${op.method} ${op.path}`, names[i] ?? ""]));
    };
    expect(byKey([...ops].reverse())).toEqual(byKey(ops));
    expect(byKey(ops)).toEqual({ "get /a": "n", "put /a": "n3", "get /m": "n2", "get /z": "n4" });
  });
});
