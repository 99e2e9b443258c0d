// A real server for examples/specs/users.yaml (the example's users_service). State lives per started server and
// starts from SEED_USERS (newest first: Ada, Grace, Linus; only Ada has an avatar, AVATAR_PNG).
//
//   GET    /v1/users              200 UserPage, newest first. Query: limit (1..100, default 20), cursor (an offset
//                                from next_cursor), role, ids (repeated: `ids=a&ids=b`; a comma-joined value matches
//                                nothing). 400 Error on a bad limit/role/cursor
//   POST   /v1/users              201 User + Location; 415 unless application/json; 422 Error {field} without
//                                email/name; 409 Error on a taken email. New ids: NEW_USER_ID(1), (2), ...
//   GET    /v1/users/{id}         200 User; 404 Error
//   PATCH  /v1/users/{id}         200 User after a JSON merge patch (name, nickname, role; null clears nickname);
//                                415 unless application/merge-patch+json or application/json; 422 on a bad field; 404
//   DELETE /v1/users/{id}         204, whether or not the user existed
//   PUT    /v1/users/{id}/avatar  200 {url, bytes}; multipart part `file` required (422 otherwise), at most 1 MiB
//                                (413); 415 unless multipart/form-data; 404 for an unknown user
//   GET    /v1/users/{id}/avatar  200 image/png: the stored bytes; 404 Error when no user or no avatar
//   GET    /health                200 {"status":"ok"};  GET /ready  200 text "ready"
//   anything else                404 Error {code: "no_route"} (405 when only the method is wrong)
import { empty, json, mediaType, readForm, readJson, router, startServer, text } from "./http.js";
import type { Reply, Route, RunningServer, SeenRequest, ServerOptions } from "./http.js";

export interface User {
  id: string;
  email: string;
  name: string;
  nickname: string | null;
  role: "admin" | "member" | "viewer";
  avatar_url: string | null;
  created_at: string;
}

/** A valid 1×1 PNG. */
export const AVATAR_PNG: Uint8Array = Uint8Array.from(
  Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
    "base64",
  ),
);
export const MAX_AVATAR_BYTES = 1024 * 1024;

export const SEED_USERS: readonly User[] = [
  { id: "11111111-1111-4111-8111-111111111111", email: "ada@example.com", name: "Ada", nickname: null, role: "admin", avatar_url: "/v1/users/11111111-1111-4111-8111-111111111111/avatar", created_at: "2024-01-03T00:00:00Z" },
  { id: "22222222-2222-4222-8222-222222222222", email: "grace@example.com", name: "Grace", nickname: "amazing", role: "member", avatar_url: null, created_at: "2024-01-02T00:00:00Z" },
  { id: "33333333-3333-4333-8333-333333333333", email: "linus@example.com", name: "Linus", nickname: null, role: "viewer", avatar_url: null, created_at: "2024-01-01T00:00:00Z" },
];

export function NEW_USER_ID(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
}

const ROLES = new Set(["admin", "member", "viewer"]);

function error(status: number, code: string, message: string, field: string | null = null): Reply {
  return json(status, { code, message, field });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function usersRoutes(): Route[] {
  // Newest first; new users are created later than every seed, so they go to the front.
  const users: User[] = SEED_USERS.map((user) => ({ ...user }));
  const avatars = new Map<string, Uint8Array>([[SEED_USERS[0]!.id, AVATAR_PNG]]);
  let created = 0;
  const find = (rawId: string): User | undefined => users.find((user) => user.id === decodeURIComponent(rawId));
  const notFound = (rawId: string): Reply => error(404, "not_found", `no user ${decodeURIComponent(rawId)}`);

  function list(request: SeenRequest): Reply {
    const query = new URLSearchParams(request.query);
    const limit = Number(query.get("limit") ?? "20");
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return error(400, "bad_limit", "limit must be 1..100", "limit");
    const offset = Number(query.get("cursor") ?? "0");
    if (!Number.isInteger(offset) || offset < 0) return error(400, "bad_cursor", "unknown cursor", "cursor");
    const role = query.get("role");
    if (role !== null && !ROLES.has(role)) return error(400, "bad_role", `unknown role ${role}`, "role");
    const ids = query.getAll("ids");
    const matching = users.filter((user) => (role === null || user.role === role) && (ids.length === 0 || ids.includes(user.id)));
    const items = matching.slice(offset, offset + limit);
    const next = offset + limit < matching.length ? String(offset + limit) : null;
    return json(200, { items, next_cursor: next });
  }

  function create(request: SeenRequest): Reply {
    if (mediaType(request) !== "application/json") return error(415, "unsupported_media_type", "expected application/json");
    const body = readJson(request);
    if (!isObject(body)) return error(422, "invalid", "expected a JSON object");
    if (typeof body["email"] !== "string" || !body["email"].includes("@")) return error(422, "invalid", "email is required", "email");
    if (typeof body["name"] !== "string" || body["name"] === "") return error(422, "invalid", "name is required", "name");
    if (body["role"] !== undefined && !ROLES.has(body["role"] as string)) return error(422, "invalid", "unknown role", "role");
    if (users.some((user) => user.email === body["email"])) return error(409, "email_taken", `${body["email"]} already has an account`, "email");
    created += 1;
    const user: User = {
      id: NEW_USER_ID(created),
      email: body["email"],
      name: body["name"],
      nickname: typeof body["nickname"] === "string" ? body["nickname"] : null,
      role: (body["role"] as User["role"] | undefined) ?? "member",
      avatar_url: null,
      created_at: `2024-06-${String(created).padStart(2, "0")}T00:00:00Z`,
    };
    users.unshift(user);
    return json(201, user, { location: `/v1/users/${user.id}` });
  }

  function update(request: SeenRequest, rawId: string): Reply {
    const type = mediaType(request);
    if (type !== "application/merge-patch+json" && type !== "application/json") {
      return error(415, "unsupported_media_type", "expected application/merge-patch+json");
    }
    const user = find(rawId);
    if (!user) return notFound(rawId);
    const patch = readJson(request);
    if (!isObject(patch)) return error(422, "invalid", "expected a JSON object");
    if ("name" in patch && (typeof patch["name"] !== "string" || patch["name"] === "")) return error(422, "invalid", "name cannot be cleared", "name");
    if ("nickname" in patch && patch["nickname"] !== null && typeof patch["nickname"] !== "string") return error(422, "invalid", "nickname must be a string or null", "nickname");
    if ("role" in patch && !ROLES.has(patch["role"] as string)) return error(422, "invalid", "unknown role", "role");
    if (typeof patch["name"] === "string") user.name = patch["name"];
    if ("nickname" in patch) user.nickname = patch["nickname"] as string | null;
    if ("role" in patch) user.role = patch["role"] as User["role"];
    return json(200, user);
  }

  async function uploadAvatar(request: SeenRequest, rawId: string): Promise<Reply> {
    if (mediaType(request) !== "multipart/form-data") return error(415, "unsupported_media_type", "expected multipart/form-data");
    const user = find(rawId);
    if (!user) return notFound(rawId);
    const form = await readForm(request);
    const file = form?.get("file");
    if (!file || typeof file === "string") return error(422, "invalid", "a file part named `file` is required", "file");
    if (file.size > MAX_AVATAR_BYTES) return error(413, "too_large", `avatar is ${file.size} bytes; the limit is ${MAX_AVATAR_BYTES}`, "file");
    avatars.set(user.id, new Uint8Array(await file.arrayBuffer()));
    user.avatar_url = `/v1/users/${user.id}/avatar`;
    return json(200, { url: user.avatar_url, bytes: file.size });
  }

  return [
    { method: "GET", pattern: "/v1/users", handle: list },
    { method: "POST", pattern: "/v1/users", handle: create },
    { method: "GET", pattern: "/v1/users/{id}", handle: (_r, p) => { const user = find(p["id"]!); return user ? json(200, user) : notFound(p["id"]!); } },
    { method: "PATCH", pattern: "/v1/users/{id}", handle: (r, p) => update(r, p["id"]!) },
    {
      method: "DELETE",
      pattern: "/v1/users/{id}",
      handle: (_r, p) => {
        const at = users.findIndex((user) => user.id === decodeURIComponent(p["id"]!));
        if (at !== -1) avatars.delete(users.splice(at, 1)[0]!.id);
        return empty(204);
      },
    },
    { method: "PUT", pattern: "/v1/users/{id}/avatar", handle: (r, p) => uploadAvatar(r, p["id"]!) },
    {
      method: "GET",
      pattern: "/v1/users/{id}/avatar",
      handle: (_r, p) => {
        const user = find(p["id"]!);
        const bytes = user ? avatars.get(user.id) : undefined;
        if (!bytes) return error(404, "not_found", "no avatar");
        return { status: 200, headers: { "content-type": "image/png" }, body: bytes };
      },
    },
    { method: "GET", pattern: "/health", handle: () => json(200, { status: "ok" }) },
    { method: "GET", pattern: "/ready", handle: () => text(200, "ready") },
  ];
}

export async function startUsersServer(options: ServerOptions = {}): Promise<RunningServer> {
  const handler = router(usersRoutes(), (request, status) => error(status, "no_route", `no route for ${request.method} ${request.path}`));
  return startServer(handler, options);
}
