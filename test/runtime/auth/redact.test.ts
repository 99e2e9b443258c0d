// The redaction helpers as tables: URLs lose apiKey query values, text loses secrets, and the set of secrets a client
// remembers is bounded (a provider rotating tokens for months must not grow the heap).
import { describe, expect, it } from "vitest";
import { REDACTED, SecretSet, redactUrl, scrubText, withoutParams } from "../../../src/runtime/auth/redact.js";

describe("redaction", () => {
  it.each([
    ["no query", "http://h:1/a", ["api_key"], "http://h:1/a"],
    ["no names", "http://h:1/a?api_key=s", [], "http://h:1/a?api_key=s"],
    ["named", "http://h:1/a?x=1&api_key=s", ["api_key"], "http://h:1/a?x=1&api_key=%5BREDACTED%5D"],
    ["other names kept", "http://h:1/a?key=s", ["api_key"], "http://h:1/a?key=s"],
  ])("redactUrl: %s", (_name, href, names, want) => {
    expect(redactUrl(href, names)).toBe(want);
  });

  it("withoutParams drops only the named parameters", () => {
    expect(withoutParams(new URL("http://h/a?keep=1&api_key=s"), ["api_key"]).href).toBe("http://h/a?keep=1");
  });

  it("scrubText replaces every occurrence; secrets under 4 characters are left (they would mangle the text)", () => {
    expect(scrubText("a tok-123 b tok-123", new Set(["tok-123", "ab"]))).toBe(`a ${REDACTED} b ${REDACTED}`);
  });

  it("SecretSet keeps the most recent `cap` secrets, a re-added one counting as recent", () => {
    const set = new SecretSet(3);
    for (const s of ["a", "b", "c", "a", "d"]) set.add(s);
    expect([...set]).toEqual(["c", "a", "d"]);
  });
});
