import { describe, expect, it } from "vitest";
import {
  fixedZone,
  formatDuration,
  GoTime,
  loadLocation,
  parseDuration,
  UTC,
} from "../../../src/core/helm/gotime.ts";
import { type GoValue, sprigFunctions, TemplateSet } from "../../../src/core/helm/index.ts";

const funcs = sprigFunctions();
function render(text: string, data: GoValue = {}): string {
  return new TemplateSet({ funcs }).parse("t", text).execute("t", data);
}

describe("sprig: defaults and emptiness, as Go decides them", () => {
  it("defaults on Go's zero values, not on false-looking text", () => {
    expect(
      render(
        '{{default "d" .none}}|{{default "d" ""}}|{{default "d" 0}}|{{default "d" "0"}}|{{default "d" false}}',
      ),
    ).toBe("d|d|d|0|d");
    expect(
      render('{{empty .list}} {{empty .map}} {{coalesce "" .none "x"}} {{ternary "y" "n" true}}', {
        list: [],
        map: {},
      }),
    ).toBe("true true x y");
  });
});

describe("sprig: strings", () => {
  it("indents, quotes, trims and truncates as charts use them", () => {
    expect(
      render(
        '{{"a\\nb" | indent 2}}|{{"a" | nindent 4}}|{{quote "x" .none 1}}|{{squote "y"}}|{{trunc 3 "abcdef"}}|{{trunc -2 "abcdef"}}',
      ),
    ).toBe('  a\n  b|\n    a|"x" "1"|\'y\'|abc|ef');
    expect(
      render(
        '{{upper "ab"}} {{title "hello world"}} {{snakecase "FirstName"}} {{kebabcase "FirstName"}} {{camelcase "http_server"}}',
      ),
    ).toBe("AB Hello World first_name first-name HttpServer");
  });

  it("has sprig's older and smaller string functions, which real charts still call", () => {
    // goutils.SwapCase's own test, then a word start, a digraph's title case and Go's one-rune mappings.
    expect(render('{{ swapcase "This Is A.Test" }}|{{ "hello wORLD ǆx ß" | swapcase }}')).toBe(
      "tHIS iS a.tEST|HELLO World ǅX ß",
    );
    expect(render('{{ "$$5.00$" | trimall "$" }}|{{ trimall "ab" "abXba" }}|{{ trimAll "é" "éxé" }}')).toBe(
      "5.00|X|x",
    );
    expect(
      render(
        '{{ toDecimal "0777" }} {{ toDecimal 777 }} {{ toDecimal "8" }} {{ toDecimal "-10" }} {{ hello }}',
      ),
    ).toBe("511 511 0 -8 Hello!");
  });

  it("replaces with RE2 regular expressions and Go's $1 references", () => {
    expect(
      render(
        '{{regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W"}} {{regexMatch "^v[0-9]+$" "v12"}} {{regexFind "[0-9]+" "ab123c"}}',
      ),
    ).toBe("-W-xxW- true 123");
  });
});

describe("sprig: lists and dicts", () => {
  it("builds lists without touching the original, and dicts that set and unset in place", () => {
    expect(
      render(
        "{{$l := list 1 2}}{{$m := append $l 3}}{{$l}} {{$m}} {{rest $m}} {{last $m}} {{has 2 $l}} {{without $m 2}}",
      ),
    ).toBe("[1 2] [1 2 3] [2 3] 3 true [1 3]");
    expect(
      render(
        '{{$d := dict "a" 1}}{{$_ := set $d "b" 2}}{{$_ := unset $d "a"}}{{$d}} {{hasKey $d "b"}} {{get $d "zz"}}|',
      ),
    ).toBe("map[b:2] true |");
  });

  it("merges into the first dict, keeping its values (merge) or replacing them (mergeOverwrite)", () => {
    const data = { dst: { a: "keep", n: { x: 1n } }, src: { a: "new", b: "add", n: { y: 2n } } };
    expect(render("{{merge .dst .src}}", structuredClone(data))).toBe("map[a:keep b:add n:map[x:1 y:2]]");
    expect(render("{{mergeOverwrite .dst .src}}", structuredClone(data))).toBe(
      "map[a:new b:add n:map[x:1 y:2]]",
    );
  });

  it("fills empty values in a merge, as mergo does: true always wins over false", () => {
    // opentelemetry-demo's jaeger image tag: merge .imageRoot (dict "tag" .Chart.AppVersion) with tag: "".
    expect(
      render(
        '{{ merge (dict "tag" "" "on" false "n" 0 "l" list "m" dict) (dict "tag" "1.2.3" "on" true "n" 5 "l" (list 1) "m" (dict "k" 1)) | toJson }}',
      ),
    ).toBe('{"l":[1],"m":{"k":1},"n":5,"on":true,"tag":"1.2.3"}');
    expect(render('{{ merge (dict "on" true) (dict "on" false) | toJson }}')).toBe('{"on":true}');
    // A nil in the source: merge skips it, mergeOverwrite assigns it; mergeOverwrite assigns "" too.
    expect(render('{{ merge (dict "a" "x") (dict "a" "y" "b" nil) | toJson }}')).toBe('{"a":"x"}');
    expect(render('{{ mergeOverwrite (dict "a" "x" "b" 1) (dict "a" "" "b" nil) | toJson }}')).toBe(
      '{"a":"","b":null}',
    );
  });

  it("digs, picks and omits", () => {
    const d = { a: { b: { c: "deep" } }, x: 1n, y: 2n };
    expect(
      render('{{dig "a" "b" "c" "none" .}} {{dig "a" "z" "none" .}} {{pick . "x"}} {{omit . "a" "x"}}', d),
    ).toBe("deep none map[x:1] map[y:2]");
  });
});

describe("sprig: numbers and encodings", () => {
  it("does integer math through int64 (floats truncate) and float math exactly in decimal", () => {
    expect(
      render(
        "{{add 1 2.9}} {{sub 10 3}} {{mul 2 3 4}} {{div 7 2}} {{max 3 9 1}} {{mulf 1.2 2.4 10 4}} {{addf 1.5 2.2 3}}",
      ),
    ).toBe("3 7 24 3 9 115.2 6.7");
  });

  it("encodes and hashes", () => {
    expect(
      render('{{b64enc "héllo"}} {{b64dec "aMOpbGxv"}} {{sha256sum "abc" | trunc 12}} {{toJson .}}', {
        a: [1n, "<x>"],
      }),
    ).toBe('aMOpbGxv héllo ba7816bf8f01 {"a":[1,"\\u003cx\\u003e"]}');
  });

  it("compares versions with Masterminds' constraint syntax", () => {
    expect(
      render(
        '{{semverCompare ">=1.2.0, <2.0.0" "1.4.0"}} {{semverCompare "^1.2" "2.0.0"}} {{semverCompare "~1.2.3" "v1.2.9"}}',
      ),
    ).toBe("true false true");
  });

  it("reads the version as Masterminds/semver does: partial, leading zeros and a v, but no spaces", () => {
    // traefik's chart checks its Helm version so: "v3.6" is 3.6.0, not an error that stops the render.
    expect(
      render(
        '{{semverCompare "<v3.6.0-0" "v3.6"}} {{semverCompare ">=1.2" "1"}} {{semverCompare ">=1.0.0" "1.02.3"}} {{semverCompare "<v3.19.3-0" "v3.99"}}',
      ),
    ).toBe("false false true false");
    expect(() => render('{{semverCompare ">=1.0.0" " 1.2.3"}}')).toThrow(
      "error calling semverCompare: invalid semantic version",
    );
    expect(() => render('{{semverCompare "nope" "1.2.3"}}')).toThrow("improper constraint: nope");
  });
});

describe("sprig: dates, as Go's time package formats and parses them", () => {
  // Go's own time/format_test.go vectors: Unix(0, 1233810057012345600) in America/Los_Angeles.
  const t = new GoTime(1233810057, 12345600, loadLocation("America/Los_Angeles")!);
  const format = (layout: string, time: GoValue = t) =>
    render("{{ .t.Format .layout }}", { t: time, layout });

  it("formats every layout element of the reference time", () => {
    expect(format("Mon Jan _2 15:04:05 2006")).toBe("Wed Feb  4 21:00:57 2009");
    expect(format("Mon Jan _2 15:04:05 MST 2006")).toBe("Wed Feb  4 21:00:57 PST 2009");
    expect(format("Mon Jan 02 15:04:05 -0700 2006")).toBe("Wed Feb 04 21:00:57 -0800 2009");
    expect(format("Monday, 02-Jan-06 15:04:05 MST")).toBe("Wednesday, 04-Feb-09 21:00:57 PST");
    expect(format("2006-01-02T15:04:05.999999999Z07:00")).toBe("2009-02-04T21:00:57.0123456-08:00");
    expect(format("3:04PM 3pm 03")).toBe("9:00PM 9pm 09");
    expect(format("Jan _2 15:04:05.000000 ,000")).toBe("Feb  4 21:00:57.012345 ,012");
    expect(format("Jan  2 002 __2 2")).toBe("Feb  4 035  35 4");
    expect(format("Hi Janet, the Month is January")).toBe("Hi Janet, the Month is February");
    const lmt = new GoTime(-3124203418, 0, fixedZone("LMT", -(34 * 60 + 8)));
    expect(format("-070000 -07:00:00 Z07:00:00 -07 MST", lmt)).toBe("-003408 -00:34:08 -00:34:08 -00 LMT");
    expect(format("2006-01-02T15:04:05Z07:00", new GoTime(0, 0, UTC))).toBe("1970-01-01T00:00:00Z");
  });

  it("takes int seconds or a time, in a named zone (an unknown one is UTC, Local is UTC)", () => {
    const layout = "2006-01-02 15:04:05 MST -07:00";
    const at = (zone: string) => render(`{{ dateInZone "${layout}" 1560458379 "${zone}" }}`);
    expect(at("UTC")).toBe("2019-06-13 20:39:39 UTC +00:00");
    expect(at("Europe/Berlin")).toBe("2019-06-13 22:39:39 CEST +02:00");
    expect(at("Asia/Kolkata")).toBe("2019-06-14 02:09:39 IST +05:30");
    expect(at("America/Sao_Paulo")).toBe("2019-06-13 17:39:39 -03 -03:00");
    expect(at("America/New_York")).toBe("2019-06-13 16:39:39 EDT -04:00");
    expect(at("foobar")).toBe("2019-06-13 20:39:39 UTC +00:00");
    expect(render('{{ date "02 Jan 06 15:04 -0700" 1560458379 }} {{ htmlDate 1560458379 }}')).toBe(
      "13 Jun 19 20:39 +0000 2019-06-13",
    );
  });

  it("parses with toDate, prints times as Go's String does, and modifies them by durations", () => {
    expect(render('{{ toDate "2006-01-02" "2017-12-31" }}')).toBe("2017-12-31 00:00:00 +0000 UTC");
    expect(render('{{ toDate "2006-01-02T15:04:05.999Z07:00" "2017-12-31T10:00:00.5+02:00" }}')).toBe(
      "2017-12-31 10:00:00.5 +0200 +0200",
    );
    const gmt = { t: render('{{ toDate "02 Jan 06 15:04:05 MST" "13 Jun 19 20:39:39 GMT" | unixEpoch }}') };
    expect(gmt.t).toBe("1560458379");
    expect(render('{{ toDate "02 Jan 06 15:04:05 MST" "13 Jun 19 20:39:39 GMT" | dateModify "24h" }}')).toBe(
      "2019-06-14 20:39:39 +0000 GMT",
    );
    expect(render('{{ toDate "2006-01-02" "2017-12-31" | dateModify "1f" | date "2006-01-02" }}')).toBe(
      "2017-12-31",
    );
    // A value that does not parse is the zero time; the must… forms fail with Go's message.
    expect(render('{{ toDate "2006-01-02" "2017-13-31" }} {{ empty (toDate "x" "y") }}')).toBe(
      "0001-01-01 00:00:00 +0000 UTC true",
    );
    expect(() => render('{{ mustToDate "2006-01-02" "2017-13-31" }}')).toThrow(
      'error calling mustToDate: parsing time "2017-13-31": month out of range',
    );
    expect(() => render('{{ toDate "2006-01-02" "2017-12-31" | mustDateModify "1f" }}')).toThrow(
      'error calling mustDateModify: time: unknown unit "f" in duration "1f"',
    );
    expect(render('{{ toDate "2006-01-02" "2017-12-31" | toJson }} {{ typeOf now }} {{ kindOf now }}')).toBe(
      '"2017-12-31T00:00:00Z" time.Time struct',
    );
  });

  it("prints durations as time.Duration.String does, and rounds them as sprig does", () => {
    expect(render('{{ duration "93784" }} {{ duration "61" }} {{ duration "0" }} {{ duration "x" }}')).toBe(
      "26h3m4s 1m1s 0s 0s",
    );
    expect(
      [1n, 1100n, 2_200_000n, 3_300_000_000n, 18_367_001_000_000n, -5_000_000_000n].map(formatDuration),
    ).toEqual(["1ns", "1.1µs", "2.2ms", "3.3s", "5h6m7.001s", "-5s"]);
    expect(parseDuration("1h2m3.5s")).toBe(3_723_500_000_000n);
    expect(() => parseDuration("1d")).toThrow('time: unknown unit "d" in duration "1d"');
    expect(render('{{ durationRound "2400h5s" }} {{ durationRound "24h5s" }} {{ durationRound "1h" }}')).toBe(
      "3mo 1d 60m",
    );
  });

  it("reads the clock only through the `now` option, and reports what depends on it", () => {
    expect(render("{{ now }} {{ now | unixEpoch }}")).toBe("1970-01-01 00:00:00 +0000 UTC 0");
    const marks: string[] = [];
    const funcs = sprigFunctions({
      now: () => new Date("2024-03-10T12:34:56.789Z"),
      onNondeterministic: (name) => marks.push(name),
    });
    const out = new TemplateSet({ funcs })
      .parse("t", '{{ now }}|{{ ago 1710074000 }}|{{ date "2006" "" }}|{{ htmlDate 0 }}|{{ now.Year }}')
      .execute("t", {});
    expect(out).toBe("2024-03-10 12:34:56.789 +0000 UTC|1m37s|2024|1970-01-01|2024");
    expect(marks).toEqual(["now", "ago", "date", "now"]);
  });
});

describe("sprig: derivePassword, AES and semver", () => {
  it("derives Master Password passwords (sprig's vectors)", () => {
    expect(render('{{derivePassword 1 "long" "password" "user" "example.com"}}')).toBe("ZedaFaxcZaso9*");
    expect(render('{{derivePassword 2 "long" "password" "user" "example.com"}}')).toBe("Fovi2@JifpTupx");
    expect(render('{{derivePassword 1 "maximum" "password" "user" "example.com"}}')).toBe(
      "pf4zS1LjCg&LjhsZ7T2~",
    );
    expect(render('{{derivePassword 1 "pin" "password" "user" "example.com"}}')).toBe("6685");
    expect(render('{{derivePassword 1 "nope" "password" "user" "example.com"}}')).toBe(
      "cannot find password template nope",
    );
  });

  it("encrypts with AES-256-CBC, the IV from the random source, and decrypts", () => {
    const marks: string[] = [];
    const funcs = sprigFunctions({
      randomBytes: (n) => Uint8Array.from({ length: n }, (_, i) => i),
      onNondeterministic: (name) => marks.push(name),
    });
    const run = (text: string) => new TemplateSet({ funcs }).parse("t", text).execute("t", {});
    // openssl enc -aes-256-cbc -K <"secretkey" zero-padded to 32 bytes> -iv 000102…0f, IV first.
    expect(run('{{ encryptAES "secretkey" "plaintext" }}')).toBe(
      "AAECAwQFBgcICQoLDA0OD4aChIkqfhLglmmHSXlA6r0=",
    );
    expect(marks).toEqual(["encryptAES"]);
    expect(run('{{ decryptAES "secretkey" "AAECAwQFBgcICQoLDA0OD4aChIkqfhLglmmHSXlA6r0=" }}')).toBe(
      "plaintext",
    );
    expect(
      render('{{ "héllo, two blocks and more" | encryptAES "k" | decryptAES "k" }}|{{ encryptAES "k" "" }}'),
    ).toBe("héllo, two blocks and more|");
    expect(() => render('{{ decryptAES "k" "abc" }}')).toThrow("illegal base64 data at input byte 0");
  });

  it("builds a certificate object from a given certificate and key, with sprig's errors", () => {
    // Structure only: a DER SEQUENCE is what a certificate and a key are at the outside.
    const block = (type: string, der: number[]) =>
      `-----BEGIN ${type}-----\n${Buffer.from(der).toString("base64")}\n-----END ${type}-----\n`;
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    const cert = block("CERTIFICATE", [0x30, 0x03, 0x02, 0x01, 0x00]);
    const key = block("RSA PRIVATE KEY", [0x30, 0x03, 0x02, 0x01, 0x01]);
    const build = (c: string, k: string) =>
      render("{{ $c := buildCustomCert .c .k }}{{ $c.Cert }}{{ $c.Key }}", { c, k });
    expect(build(b64(cert), b64(key))).toBe(cert + key);
    expect(build(b64(cert), b64(block("PRIVATE KEY", [0x30, 0x00])))).toContain("BEGIN PRIVATE KEY");
    expect(() => build("not base64!", b64(key))).toThrow("unable to decode base64 certificate");
    expect(() => build(b64(cert), "%%")).toThrow("unable to decode base64 private key");
    expect(() => build(b64("no pem here"), b64(key))).toThrow("unable to decode certificate");
    expect(() => build(b64(block("CERTIFICATE", [0x30, 0x05, 0x02])), b64(key))).toThrow(
      "error parsing certificate: decodedCert.Bytes: x509: malformed certificate",
    );
    expect(() => build(b64(cert), b64(cert))).toThrow(
      "error parsing private key: no private key data in PEM block of type CERTIFICATE",
    );
    expect(() => build(b64(cert), b64(block("FOO PRIVATE KEY", [0x30, 0x00])))).toThrow(
      "error parsing private key: invalid private key type FOO PRIVATE KEY",
    );
  });

  it("stands a documentation address in for getHostByName, and says the value is not known", () => {
    const marks: string[] = [];
    const funcs = sprigFunctions({ onNondeterministic: (name) => marks.push(name) });
    const out = new TemplateSet({ funcs })
      .parse("t", '{{ getHostByName "db.example.com" }}')
      .execute("t", {});
    expect(out).toBe("192.0.2.1");
    expect(marks).toEqual(["getHostByName"]);
  });

  it("parses versions as Masterminds/semver does, with their methods", () => {
    expect(
      render(
        '{{ $s := semver "v1.2.3-beta.1+c0ff33" }}{{ $s }} {{ $s.Original }} {{ $s.Major }}.{{ $s.Minor }}.{{ $s.Patch }} {{ $s.Prerelease }} {{ $s.Metadata }} {{ typeOf $s }}',
      ),
    ).toBe("1.2.3-beta.1+c0ff33 v1.2.3-beta.1+c0ff33 1.2.3 beta.1 c0ff33 *semver.Version");
    expect(
      render(
        '{{ semver "1.2.3" | (semver "1.3.3").Compare }} {{ (semver "1.2.3").LessThan (semver "1.10.0") }} {{ semver "1.2" }} {{ (semver "1.2.3").IncMinor }} {{ semver "2.0.0" | toJson }}',
      ),
    ).toBe('1 true 1.2.0 1.3.0 "2.0.0"');
    expect(() => render('{{ semver "bad" }}')).toThrow("error calling semver: invalid semantic version");
  });
});
