import { describe, expect, it } from "vitest";
import {
  clip,
  fileUrl,
  htmlInline,
  mdCode,
  mdFence,
  mdInline,
  mdLink,
  plainText,
} from "../../../src/core/report/markdown.ts";

const ZW = "&#8203;";

describe("core/report/markdown mdInline", () => {
  it.each([
    ["plain text", "apps/web/podinfo", "apps/web/podinfo"],
    ["HTML entities", "a & <b> c", "a &amp; &lt;b&gt; c"],
    ["closing details", "</details>", "&lt;/details&gt;"],
    ["HTML comment", "x <!-- hide", "x &lt;\\!-- hide"],
    ["Markdown punctuation", "a*b_c`d~e|f\\g$h", "a\\*b\\_c\\`d\\~e\\|f\\\\g\\$h"],
    ["a link", "[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"],
    ["an image", "![](https://t)", `\\!\\[\\](https:${ZW}//t)`],
    ["a mention", "ping @octocat and @org/team", `ping @${ZW}octocat and @${ZW}org/team`],
    ["an issue reference", "fixes #1 and GH-2, not #x", `fixes #${ZW}1 and GH-${ZW}2, not #x`],
    ["a heading at the start", "# title", "\\# title"],
    ["an issue reference at the start", "#12", `\\#${ZW}12`],
    ["a list marker at the start", "- item", "\\- item"],
    ["an ordered list marker at the start", "12. item", "12\\. item"],
    ["a version is not a list", "v1.2.3", "v1.2.3"],
    [
      "autolinks",
      "see https://evil.example and www.evil.example",
      `see https:${ZW}//evil.example and www${ZW}.evil.example`,
    ],
    ["CR/LF and tabs", "line1\r\nline2\rline3\nline4\tend", "line1  line2 line3 line4 end"],
    ["Unicode line separators", "a\u2028b\u2029c\u0085d", "a b c d"],
    ["bidi controls", "abc\u202Eevil\u2066x\u2069", "abc\\u{202E}evil\\u{2066}x\\u{2069}"],
    ["zero-width characters", "a\u200Bb\uFEFFc\u200Dd", "a\\u{200B}b\\u{FEFF}c\\u{200D}d"],
    ["control characters", "a\u0000b\u001Bc\u007F", "a\\u{0000}b\\u{001B}c\\u{007F}"],
    ["a lone surrogate", "a\uD800b", "a\\u{D800}b"],
    ["tag characters", "a\u{E0041}b", "a\\u{E0041}b"],
    ["emoji stay", "ok ✅ 🚀", "ok ✅ 🚀"],
  ])("escapes %s", (_, input, expected) => {
    expect(mdInline(input)).toBe(expected);
  });

  it("never leaves a line break", () => {
    expect(mdInline("a\n\n# b\n</details>\n")).not.toMatch(/[\r\n]/);
  });
});

describe("core/report/markdown htmlInline", () => {
  it("escapes for raw HTML without Markdown escapes", () => {
    expect(htmlInline(`</summary><img src=x onerror="a('b')"> *x* @octocat #1\n`)).toBe(
      `&lt;/summary&gt;&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt; *x* @${ZW}octocat #${ZW}1 `,
    );
  });

  it("makes bidi controls visible", () => {
    expect(htmlInline("a\u202Eb")).toBe("a\\u{202E}b");
  });
});

describe("core/report/markdown mdCode", () => {
  it.each([
    ["plain", "apps/web", "`apps/web`"],
    ["a backtick", "a`b", "``a`b``"],
    ["a run of backticks", "a```b``c", "````a```b``c````"],
    ["a leading backtick", "`a", "`` `a ``"],
    ["a trailing backtick", "a`", "`` a` ``"],
    ["spaces on both ends", " a ", "`  a  `"],
    ["empty text", "", "` `"],
    ["line breaks", "a\r\nb\nc", "`a b c`"],
    ["bidi controls", "a\u202Eb", "`a\\u{202E}b`"],
    ["HTML (inert in code)", "</details><!--", "`</details><!--`"],
    ["a pipe outside a table", "a|b", "`a|b`"],
  ])("wraps %s", (_, input, expected) => {
    expect(mdCode(input)).toBe(expected);
  });

  it("escapes pipes in table cells", () => {
    expect(mdCode("a|b", { table: true })).toBe("`a\\|b`");
  });
});

describe("core/report/markdown mdFence", () => {
  it("uses a three-backtick fence for plain content", () => {
    expect(mdFence("-a\n+b\n", "diff")).toBe("```diff\n-a\n+b\n```\n");
  });

  it("uses a fence longer than the longest backtick run", () => {
    expect(mdFence("x\n````\ny ``\n", "diff")).toBe("`````diff\nx\n````\ny ``\n`````\n");
  });

  it("adds the final newline and normalizes CR/LF", () => {
    expect(mdFence("a\r\nb\rc")).toBe("```\na\nb\nc\n```\n");
  });

  it("makes invisible characters visible and keeps tabs", () => {
    expect(mdFence("a\u202Eb\tc\u200B")).toBe("```\na\\u{202E}b\tc\\u{200B}\n```\n");
  });

  it("drops an info string that is not a plain language name", () => {
    expect(mdFence("x", "diff onload=1")).toBe("```\nx\n```\n");
  });
});

describe("core/report/markdown mdLink", () => {
  it("links http(s) URLs with an escaped label", () => {
    expect(mdLink("a_b.yaml:3", "https://github.com/o/r/blob/abc/a_b.yaml#L3")).toBe(
      "[a\\_b.yaml:3](https://github.com/o/r/blob/abc/a_b.yaml#L3)",
    );
  });

  it("percent-encodes characters that could end the destination", () => {
    expect(mdLink("x", 'https://h/a (b)<c> d"`é')).toBe("[x](https://h/a%20%28b%29%3Cc%3E%20d%22%60%C3%A9)");
  });

  it.each([["javascript:alert(1)"], ["data:text/html,x"], ["//evil.example"], ["ftp://h/x"], [undefined]])(
    "renders plain text for %s",
    (url) => {
      expect(mdLink("[x](y)", url)).toBe("\\[x\\](y)");
    },
  );
});

describe("core/report/markdown fileUrl", () => {
  it("encodes each path segment and adds the line anchor", () => {
    expect(fileUrl("https://github.com/o/r/blob/abc/", "apps/a b/#x?.yaml", 7)).toBe(
      "https://github.com/o/r/blob/abc/apps/a%20b/%23x%3F.yaml#L7",
    );
  });

  it("is undefined without a blob URL", () => {
    expect(fileUrl(undefined, "a.yaml", 1)).toBeUndefined();
  });
});

describe("core/report/markdown plainText and clip", () => {
  it("keeps line breaks and shows invisible characters", () => {
    expect(plainText("a\r\nb\u202Ec")).toBe("a\nb\\u{202E}c");
    expect(plainText("a\nb", false)).toBe("a b");
    expect(plainText("a\uD800b\u{E0041}c😀\u034Fd\u2028e\vf")).toBe("a\\u{D800}b\\u{E0041}c😀\\u{034F}d e f");
  });

  it("clips on a code point boundary", () => {
    expect(clip("abcdef", 4)).toBe("abc…");
    expect(clip("ab🚀cd", 4)).toBe("ab…");
    expect(clip("abc", 3)).toBe("abc");
  });
});
