import { describe, expect, it } from "vitest";
import { bodyKind, pickMediaType, requestRank, responseRank } from "../../../src/specs/openapi/media.js";

type Row = [string, { given: string[]; want: string | undefined }];

const requestRows: Row[] = [
  ["exact application/json wins", { given: ["application/vnd.x+json", "application/json"], want: "application/json" }],
  ["json with parameters", { given: ["text/plain", "application/json; charset=utf-8"], want: "application/json; charset=utf-8" }],
  ["first +json in spec order", { given: ["application/xml", "application/b+json", "application/a+json"], want: "application/b+json" }],
  ["form over multipart", { given: ["multipart/form-data", "application/x-www-form-urlencoded"], want: "application/x-www-form-urlencoded" }],
  ["multipart over text", { given: ["text/plain", "multipart/form-data"], want: "multipart/form-data" }],
  ["text over binary", { given: ["application/octet-stream", "text/csv"], want: "text/csv" }],
  ["anything else, first one", { given: ["application/xml", "image/png"], want: "application/xml" }],
  ["empty content", { given: [], want: undefined }],
];

const responseRows: Row[] = [
  ["problem+json is JSON", { given: ["text/html", "application/problem+json"], want: "application/problem+json" }],
  ["text over binary", { given: ["image/png", "text/plain"], want: "text/plain" }],
];

describe("pickMediaType", () => {
  it.each(requestRows)("request: %s", (_n, { given, want }) => expect(pickMediaType(given, requestRank)).toBe(want));
  it.each(responseRows)("response: %s", (_n, { given, want }) => expect(pickMediaType(given, responseRank)).toBe(want));
});

describe("bodyKind", () => {
  it.each([
    ["application/json", "json"],
    ["Application/JSON; charset=utf-8", "json"],
    ["*/*+json", "json"],
    ["application/x-www-form-urlencoded", "form"],
    ["multipart/form-data", "multipart"],
    ["multipart/mixed", "multipart"],
    ["text/plain", "text"],
    ["application/octet-stream", "binary"],
    ["*/*", "binary"],
    ["application/xml", "binary"],
  ])("%s → %s", (given, want) => expect(bodyKind(given)).toBe(want));
});
