// HTML descriptions (Stripe's) → Markdown-ish JSDoc text: table-driven conversions, real Stripe descriptions, and
// hostile input (untrusted specs): deep nesting, unclosed tags, comment terminators, 1 MB descriptions.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { docText } from "../../../src/specs/openapi/doc-text.js";
import { readableDocs } from "../../../src/specs/openapi/readable-docs.js";
import { jsdoc } from "../../../src/emit/ts/literal.js";
import { REPO } from "../../support/repo.js";

type Row = [string, { given: string; want: string }];

const rows: Row[] = [
  ["paragraphs", { given: "<p>One\n  line.</p>\n\n<p>Two.</p>", want: "One line.\n\nTwo." }],
  ["line breaks", { given: "<p>a<br>b<br/><br />c</p>", want: "a\nb\n\nc" }],
  ["code and tt", { given: "<p>Use <code>expand[]</code> or <tt>id</tt>.</p>", want: "Use `expand[]` or `id`." }],
  ["code holding a backtick", { given: "<p><code>a`b</code></p>", want: "``a`b``" }],
  ["links, absolute and relative", { given: '<p>See <a href="https://x.test/a">docs</a> and <a href="/docs/connect">Connect</a>.</p>', want: "See [docs](https://x.test/a) and [Connect](/docs/connect)." }],
  ["a link holding code", { given: '<p><a href="/x"><code>id</code> field</a></p>', want: "[`id` field](/x)" }],
  ["unsafe link schemes keep only the text", { given: "<p><a href=\"javascript:alert(1)\">click</a> <a href='data:text/html,x'>d</a> <a href=\"mailto:a@b\">mail</a></p>", want: "click d mail" }],
  ["link without href", { given: "<p><a name=x>anchor</a></p>", want: "anchor" }],
  ["characters that would end the link are encoded", { given: '<p><a href="https://x.test/a (b)*/c">t [1]</a></p>', want: "[t \\[1\\]](https://x.test/a%20%28b%29%2A/c)" }],
  ["strong, b, em, i", { given: "<p><strong>Custom Only</strong>, <b>b</b> and <em>e</em> <i>i</i></p>", want: "**Custom Only**, **b** and *e* *i*" }],
  ["emphasis around nothing is dropped", { given: "<p>a <b></b> b <b>x</b><b></b> <em><strong></strong></em>c</p>", want: "a b **x** c" }],
  ["emphasis around nothing at a paragraph start", { given: "<p>a</p><p><b></b>c</p>", want: "a\n\nc" }],
  ["lists", { given: "<p>Either:</p>\n<ul>\n<li>one</li>\n<li>two <code>x</code></li>\n</ul>\n<p>After.</p>", want: "Either:\n\n- one\n- two `x`\n\nAfter." }],
  ["nested and ordered lists", { given: "<ol><li>a<ul><li>b</li></ul></li><li>c</li></ol>end", want: "- a\n  - b\n- c\n\nend" }],
  ["pre becomes a fenced block, whitespace kept", { given: "<p>Run:</p><pre><code>curl \\\n  -d a=1</code></pre><p>Done.</p>", want: "Run:\n\n```\ncurl \\\n  -d a=1\n```\n\nDone." }],
  ["pre holding a fence", { given: "<pre>```\nx\n```</pre>", want: "````\n```\nx\n```\n````" }],
  ["unknown tags dropped, their text kept", { given: "<p>a subtotal of <currency>100</currency> <span class=x>and</span> <foo>bar</foo></p>", want: "a subtotal of 100 and bar" }],
  ["comments dropped", { given: "<p>a<!-- secret --> b</p>", want: "a b" }],
  ["entities", { given: "<p>&amp; &lt;x&gt; &quot;q&quot; &#39;s&#39; &#8212; &#x2014; &nbsp;&bogus; &#0; &#xD800;</p>", want: "& \\<x> \"q\" 's' — — &bogus; &#0; &#xD800;" }],
  ["a decoded < inside code stays", { given: "<p><code>&lt;p&gt;</code></p>", want: "`<p>`" }],
  ["uppercase tags and attributes", { given: '<P>x <A HREF="/y">y</A></P>', want: "x [y](/y)" }],
  ["markdown without tags is unchanged", { given: "# Title\n\n**bold** `code` [l](https://x)\n\n- a\n- b\n\n&amp;  two  spaces", want: "# Title\n\n**bold** `code` [l](https://x)\n\n- a\n- b\n\n&amp;  two  spaces" }],
  ["angle brackets that are not HTML are unchanged", { given: "Returns List<T> when a < b > c, Map<K, V>", want: "Returns List<T> when a < b > c, Map<K, V>" }],
  ["markdown with inline tags keeps its lines", { given: "Lists:\n\n* a <code>x</code>\n* see <a href=\"https://x.test\">docs</a>\n\n  indented", want: "Lists:\n\n* a `x`\n* see [docs](https://x.test)\n\n  indented" }],
  ["empty paragraphs and links vanish", { given: "<p></p><p> <a href=\"/x\"></a> </p><p>x</p>", want: "x" }],
];

describe("docText", () => {
  it.each(rows)("%s", (_name, { given, want }) => {
    expect(docText(given)).toBe(want);
  });

  it("leaves undefined and tag-free text alone", () => {
    expect(docText(undefined)).toBeUndefined();
    expect(docText("plain */ text")).toBe("plain */ text");
  });
});

describe("Stripe's descriptions", () => {
  const spec = JSON.parse(readFileSync(path.join(REPO, "test", "fixtures", "stripe", "stripe.com.json"), "utf8")) as {
    paths: Record<string, Record<string, { description?: string }>>;
  };

  it("POST /v1/accounts: paragraphs and links", () => {
    expect(docText(spec.paths["/v1/accounts"]!.post!.description)).toBe(
      "With [Connect](/docs/connect), you can create Stripe accounts for your users. To do this, you’ll first need to " +
        "[register your platform](https://dashboard.stripe.com/account/applications/settings).\n\n" +
        "If you’ve already collected information for your connected accounts, you [can pre-fill that information]" +
        "(/docs/connect/best-practices#onboarding) when creating the account. Connect Onboarding won’t ask for the " +
        "pre-filled information during account onboarding. You can pre-fill any information on the account.",
    );
  });

  it("POST /v1/credit_notes: code and a list", () => {
    const text = docText(spec.paths["/v1/credit_notes"]!.post!.description)!;
    expect(text).toContain("For a `status=open` invoice, a credit note reduces its `amount_due`.");
    expect(text).toContain(
      "following:\n\n- Refund: create a new refund (using `refund_amount`) or link an existing refund (using `refund`).\n- Customer balance credit:",
    );
  });

  it("no operation description keeps a tag", () => {
    for (const item of Object.values(spec.paths)) {
      for (const op of Object.values(item)) {
        if (typeof op.description !== "string") continue;
        expect(docText(op.description)).not.toMatch(/<\/?[a-z][a-z0-9]*[\s/>]/i);
      }
    }
  });
});

/** The comment terminators in a JSDoc block besides its own last one. */
function terminators(block: string): number {
  return block.split("*/").length - 2;
}

describe("hostile descriptions", () => {
  it("`*/` inside code, pre, links and after emphasis never closes the comment", () => {
    const given =
      '<p><code>*/ process.exit(1) /*</code> <em>x</em>/ <a href="https://x/*/y">*/</a></p><pre>*/</pre><strong>a</strong>/b';
    const text = docText(given)!;
    expect(text).not.toContain("*/");
    const block = jsdoc([text], "  ");
    expect(terminators(block)).toBe(0);
  });

  it("deep nesting: every open tag is closed once, indentation is capped", () => {
    const depth = 50_000;
    const lists = `${"<ul><li>x".repeat(depth)}${"</li></ul>".repeat(depth)}`;
    const lines = docText(lists)!.split("\n");
    expect(lines).toHaveLength(depth);
    expect(lines[0]).toBe("- x");
    expect(lines.at(-1)).toBe(`${"  ".repeat(4)}- x`);
    const strong = docText(`<p>${"<strong>".repeat(depth)}x${"</strong>".repeat(depth)}</p>`)!;
    expect(strong).toBe(`${"**".repeat(depth)}x${"**".repeat(depth)}`);
    const spans = docText(`${"<a href='/x'><code>".repeat(depth)}y`)!;
    expect(spans.length).toBeLessThanOrEqual(4 * depth + 20);
  });

  it("unclosed tags and brackets", () => {
    expect(docText("<p>text <code>never closed")).toBe("text `never closed`");
    expect(docText("<p>a <strong>bold")).toBe("a **bold**");
    expect(docText('<p>x <a href="/y">link')).toBe("x [link](/y)");
    expect(docText("<p>x</p><pre>no end\n  kept")).toBe("x\n\n```\nno end\n  kept\n```");
    // In HTML, a `<` that starts no tag is text; escaped where it would read as one.
    expect(docText("<p>x <a href=\"/y")).toBe("x \\<a href=\"/y");
    expect(docText('<p>a</p> <b x="unterminated>y')).toBe("a\n\n**y**");
    expect(docText("<p>a <<<< b</p>")).toBe("a <<<< b");
  });

  it("a 1 MB description converts completely (one pass: no backtracking, every lookahead memoized)", () => {
    const paragraph = '<p>Some <code>code</code>, a <a href="/docs/x">link</a> &amp; <strong>bold</strong>.</p>\n';
    const count = Math.ceil(1_000_000 / paragraph.length);
    const text = docText(paragraph.repeat(count))!;
    const want = "Some `code`, a [link](/docs/x) & **bold**.";
    expect(text === Array.from({ length: count }, () => want).join("\n\n")).toBe(true);
  });

  it("1 MB of inputs that defeat naive scanners: no `>`, unterminated quotes, `<` runs, spaces before text", () => {
    const n = 1_000_000;
    const noGt = `<p>${"<a x".repeat(n / 4)}`;
    // (Compared as booleans: a failing toBe would print megabytes.)
    expect(docText(noGt) === "\\<a x".repeat(n / 4)).toBe(true);
    const quotes = `<p>${'<a x="'.repeat(n / 6)}</p>`;
    expect(docText(quotes) === '\\<a x="'.repeat(n / 6)).toBe(true);
    const lts = `<br>${"<".repeat(n)}`;
    expect(docText(lts) === "<".repeat(n)).toBe(true);
    const spaces = `<pre>${" ".repeat(n)}x</pre>`;
    expect(docText(spaces) === `\`\`\`\n${" ".repeat(n)}x\n\`\`\``).toBe(true);
    const amps = `<p>${"&#x1F600".repeat(n / 8)}</p>`;
    expect(docText(amps) === "&#x1F600".repeat(n / 8)).toBe(true);
    // The output is never much longer than the input.
    for (const given of [noGt, quotes, lts, spaces, amps]) expect(docText(given)!.length).toBeLessThanOrEqual(given.length * 2);
    expect(terminators(jsdoc([docText(spaces)]))).toBe(0);
  });
});

describe("readableDocs", () => {
  it("converts description and summary texts, shares what it does not change, leaves data alone", () => {
    const untouched = { type: "string", description: "plain" };
    const doc = {
      info: { title: "<p>t</p>", description: "<p>About <code>x</code>.</p>" },
      paths: { "/a": { get: { summary: "<b>S</b>", description: "<p>D</p>", responses: {} } } },
      components: {
        schemas: {
          Plain: untouched,
          Obj: { properties: { description: { type: "string", description: "<p>p</p>", example: "<p>e</p>", default: "<p>d</p>", enum: ["<p>v</p>"] } } },
        },
      },
    };
    const before = JSON.stringify(doc);
    const out = readableDocs(doc);
    expect(JSON.stringify(doc)).toBe(before);
    expect(out.info).toEqual({ title: "<p>t</p>", description: "About `x`." });
    expect(out.paths["/a"].get).toEqual({ summary: "**S**", description: "D", responses: {} });
    expect(out.components.schemas.Plain).toBe(untouched);
    expect(out.components.schemas.Obj.properties.description).toEqual({
      type: "string",
      description: "p",
      example: "<p>e</p>",
      default: "<p>d</p>",
      enum: ["<p>v</p>"],
    });
  });

  it("walks shared and cyclic nodes once", () => {
    const shared: Record<string, unknown> = { description: "<p>s</p>" };
    shared.self = shared;
    const out = readableDocs({ a: shared, b: shared, list: [shared] });
    expect(out.a).toBe(out.b);
    expect(out.list[0]).toBe(out.a);
    expect((out.a as Record<string, unknown>).description).toBe("s");
  });
});
