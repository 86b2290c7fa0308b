/**
 * values.schema.json failures in Helm 3.21.4's words. Helm validates with santhosh-tekuri/jsonschema v6
 * (go.mod: v6.0.2) and prints the error tree of output.go `display` without its first line
 * ("jsonschema validation failed with 'file:///values.schema.json#'", trimmed in pkg/chartutil/
 * jsonschema.go): one "- at '<instance pointer>': <text>" a failure, causes indented two spaces more.
 * Each expected <text> below is the LocalizedString of the kind/kind.go type named beside it; which
 * keyword yields which kind, and how causes nest, is validator.go's.
 */
import { describe, expect, it } from "vitest";
import { loadChart } from "../../../src/core/helm/index.ts";
import { validateValuesSchemas } from "../../../src/core/helm/schema.ts";

const DRAFT4 = "http://json-schema.org/draft-04/schema#";
const DRAFT7 = "http://json-schema.org/draft-07/schema#";

function failures(
  schema: object,
  values: Record<string, unknown>,
  files: Record<string, string> = {},
): string {
  const chart = loadChart({
    files: {
      "Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.0.0\n",
      "values.schema.json": JSON.stringify(schema),
      ...files,
    },
    fromDirectory: true,
  });
  return validateValuesSchemas(chart, values);
}

/** The failures of `value` against `schema` as property `a`'s schema. */
const at = (schema: object, value: unknown, extra: object = {}) =>
  failures({ ...extra, properties: { a: schema } }, { a: value });

const helm = (...lines: string[]) => `app:\n${lines.join("\n")}\n`;

describe("each keyword's message (kind/kind.go LocalizedString)", () => {
  it("type: kind.Type `got %s, want %s` (want in schema.go's type order, joined by ' or ')", () => {
    expect(at({ type: ["boolean", "null"] }, "yes")).toBe(
      helm("- at '/a': got string, want null or boolean"),
    );
    expect(at({ type: "string" }, 1)).toBe(helm("- at '/a': got number, want string"));
    // An integral number is still a "number" (schema.go typeOf never says "integer").
    expect(at({ type: ["string", "integer"] }, 1.5)).toBe(
      helm("- at '/a': got number, want integer or string"),
    );
    expect(at({ type: "array" }, { x: 1 })).toBe(helm("- at '/a': got object, want array"));
    expect(at({ type: "object" }, null)).toBe(helm("- at '/a': got null, want object"));
  });

  it("type, const, enum and format stop the schema: only the first that fails is reported", () => {
    expect(at({ type: "string", enum: ["x"], minimum: 3 }, 1)).toBe(
      helm("- at '/a': got number, want string"),
    );
  });

  it("enum: kind.Enum `value must be one of %s` / `value must be %s` / `enum failed`", () => {
    expect(at({ enum: ["a", "b"] }, "z")).toBe(helm("- at '/a': value must be one of 'a', 'b'"));
    expect(at({ enum: ["only"] }, "z")).toBe(helm("- at '/a': value must be 'only'"));
    // display(): strings quoted, other primitives with Go's %v (nil is <nil>).
    expect(at({ enum: [1, null, true, 2.5] }, "z")).toBe(
      helm("- at '/a': value must be one of 1, <nil>, true, 2.5"),
    );
    expect(at({ enum: ["a", [1]] }, "z")).toBe(helm("- at '/a': enum failed"));
  });

  it("const: kind.Const `value must be %s` / `const failed`", () => {
    expect(at({ const: "x" }, "y")).toBe(helm("- at '/a': value must be 'x'"));
    expect(at({ const: 3 }, 4)).toBe(helm("- at '/a': value must be 3"));
    expect(at({ const: { k: 1 } }, 4)).toBe(helm("- at '/a': const failed"));
  });

  it("required: kind.Required `missing property %s` / `missing properties %s`", () => {
    expect(failures({ required: ["must"] }, {})).toBe(helm("- at '': missing property 'must'"));
    expect(failures({ required: ["b", "a", "c"] }, { c: 1 })).toBe(
      helm("- at '': missing properties 'b', 'a'"),
    );
  });

  it("minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf: `<keyword>: got %v, want %v`", () => {
    expect(at({ maximum: 1 }, 2)).toBe(helm("- at '/a': maximum: got 2, want 1"));
    expect(at({ minimum: 2.5 }, 1)).toBe(helm("- at '/a': minimum: got 1, want 2.5"));
    expect(at({ exclusiveMinimum: 1 }, 1)).toBe(helm("- at '/a': exclusiveMinimum: got 1, want 1"));
    expect(at({ exclusiveMaximum: 1 }, 1)).toBe(helm("- at '/a': exclusiveMaximum: got 1, want 1"));
    expect(at({ multipleOf: 2 }, 3)).toBe(helm("- at '/a': multipleOf: got 3, want 2"));
    // The numbers go through float64 and Go's %v: %e form from an exponent of 6 or below -4.
    expect(at({ maximum: 100000 }, 12345678)).toBe(
      helm("- at '/a': maximum: got 1.2345678e+07, want 100000"),
    );
    expect(at({ minimum: 0.001 }, 0.00001)).toBe(helm("- at '/a': minimum: got 1e-05, want 0.001"));
    // santhosh checks them in this order: minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf
    // (the Group they make at '/a' is the root's only error, so Schema.validate lifts its causes).
    expect(at({ multipleOf: 5, maximum: 1, exclusiveMaximum: 2 }, 3)).toBe(
      helm(
        "- at '/a': maximum: got 3, want 1",
        "- at '/a': exclusiveMaximum: got 3, want 2",
        "- at '/a': multipleOf: got 3, want 5",
      ),
    );
  });

  it("draft-04's boolean exclusiveMaximum is kind.ExclusiveMaximum (objcompiler.go)", () => {
    expect(at({ maximum: 5, exclusiveMaximum: true }, 5, { $schema: DRAFT4 })).toBe(
      helm("- at '/a': exclusiveMaximum: got 5, want 5"),
    );
    expect(at({ minimum: 5 }, 4, { $schema: DRAFT4 })).toBe(helm("- at '/a': minimum: got 4, want 5"));
  });

  it("minLength, maxLength: `minLength: got %d, want %d` (runes, not bytes)", () => {
    expect(at({ minLength: 3 }, "ée")).toBe(helm("- at '/a': minLength: got 2, want 3"));
    expect(at({ maxLength: 1 }, "ab")).toBe(helm("- at '/a': maxLength: got 2, want 1"));
  });

  it("minItems, maxItems, uniqueItems: `minItems: got %d, want %d`, `items at %d and %d are equal`", () => {
    expect(at({ minItems: 2 }, [1])).toBe(helm("- at '/a': minItems: got 1, want 2"));
    expect(at({ maxItems: 1 }, [1, 2])).toBe(helm("- at '/a': maxItems: got 2, want 1"));
    // util.go duplicates: the first item equal to one before it, and the first such earlier item.
    expect(at({ uniqueItems: true }, [1, 2, 2, 1])).toBe(helm("- at '/a': items at 1 and 2 are equal"));
    expect(at({ uniqueItems: true }, [{ k: [1] }, 0, { k: [1] }])).toBe(
      helm("- at '/a': items at 0 and 2 are equal"),
    );
  });

  it("minProperties, maxProperties: `minProperties: got %d, want %d`", () => {
    expect(at({ minProperties: 2 }, { x: 1 })).toBe(helm("- at '/a': minProperties: got 1, want 2"));
    expect(at({ maxProperties: 1 }, { x: 1, y: 2 })).toBe(helm("- at '/a': maxProperties: got 2, want 1"));
  });

  it("pattern: kind.Pattern `%s does not match pattern %s`, both quoted by kind.go quote()", () => {
    expect(at({ pattern: "^x" }, "y")).toBe(helm("- at '/a': 'y' does not match pattern '^x'"));
    // quote(): Go's %q, then \" unescaped and ' escaped.
    expect(at({ pattern: "^'\"\\d$" }, 'it\'s "q"\n\t\u00a0')).toBe(
      helm("- at '/a': 'it\\'s \"q\"\\n\\t\\u00a0' does not match pattern '^\\'\"\\\\d$'"),
    );
  });

  it("additionalProperties false: kind.AdditionalProperties `additional properties %s not allowed`", () => {
    expect(failures({ properties: { a: {} }, additionalProperties: false }, { a: 1, b: 2, c: 3 })).toBe(
      helm("- at '': additional properties 'b', 'c' not allowed"),
    );
    expect(
      failures({ patternProperties: { "^x-": {} }, additionalProperties: false }, { "x-ok": 1, other: 2 }),
    ).toBe(helm("- at '': additional properties 'other' not allowed"));
  });

  it("format (asserted for draft-07): kind.Format `%s is not valid %s: %v`", () => {
    const d7 = { $schema: DRAFT7 };
    expect(at({ format: "ipv4" }, "1.2.3", d7)).toBe(
      helm("- at '/a': '1.2.3' is not valid ipv4: expected four decimals"),
    );
    expect(at({ format: "ipv4" }, "1.2.3.256", d7)).toBe(
      helm("- at '/a': '1.2.3.256' is not valid ipv4: decimal must be between 0 and 255"),
    );
    expect(at({ format: "hostname" }, "a_b", d7)).toBe(
      helm("- at '/a': 'a_b' is not valid hostname: invalid character '_'"),
    );
    expect(at({ format: "hostname" }, "-a", d7)).toBe(
      helm("- at '/a': '-a' is not valid hostname: label starts with hyphen"),
    );
    expect(at({ format: "json-pointer" }, "a/b", d7)).toBe(
      helm("- at '/a': 'a/b' is not valid json-pointer: not starting with /"),
    );
    // Formats whose reason comes from Go's parsers (email, date-time, uri, ...) keep cfworker's words.
    expect(at({ format: "email" }, "nope", d7)).toBe(
      helm(`- at '/a': String does not match format "email".`),
    );
    // From 2019-09 on (and without $schema) format is only an annotation.
    expect(at({ format: "ipv4" }, "1.2.3")).toBe("");
  });

  it("dependencies and dependentRequired: `properties %s required, if %s exists`", () => {
    expect(at({ dependencies: { b: ["c", "d"] } }, { b: 1, d: 1 }, { $schema: DRAFT7 })).toBe(
      helm("- at '/a': properties 'c' required, if 'b' exists"),
    );
    expect(at({ dependentRequired: { b: ["c", "d"] } }, { b: 1 })).toBe(
      helm("- at '/a': properties 'c', 'd' required, if 'b' exists"),
    );
  });

  it("additionalItems false: kind.AdditionalItems `last %d additionalItem(s) not allowed`", () => {
    expect(at({ items: [{}], additionalItems: false }, ["x", 1, 2], { $schema: DRAFT7 })).toBe(
      helm("- at '/a': last 2 additionalItem(s) not allowed"),
    );
  });

  it("contains: kind.Contains `no items match contains schema`, the items' errors its causes", () => {
    expect(at({ contains: { type: "string" } }, [1, true])).toBe(
      helm(
        "- at '/a': no items match contains schema",
        "  - at '/a/0': got number, want string",
        "  - at '/a/1': got boolean, want string",
      ),
    );
    expect(at({ contains: { type: "string" }, minContains: 2 }, ["x", 1])).toBe(
      helm(
        "- at '/a': min 2 items required to match contains schema, but matched 1 items at 0",
        "  - at '/a/1': got number, want string",
      ),
    );
  });

  it("propertyNames: kind.PropertyNames `invalid propertyName %s`, at '' as v6.0.x places it", () => {
    expect(at({ propertyNames: { pattern: "^[a-z]+$" } }, { ABC: 1 })).toBe(
      helm("- at '': invalid propertyName 'ABC'", "  - at '': 'ABC' does not match pattern '^[a-z]+$'"),
    );
  });

  it("false schema: kind.FalseSchema `false schema`", () => {
    expect(failures({ properties: { a: false } }, { a: 1 })).toBe(helm("- at '/a': false schema"));
  });
});

describe("how failures nest (validator.go, output.go display)", () => {
  it("a property's several failures are a kind.Group `validation failed`, lifted when it is the only one", () => {
    const schema = { properties: { a: { required: ["x"], additionalProperties: false } } };
    // The root's single error is the Group, which Schema.validate replaces by its causes.
    expect(failures(schema, { a: { y: 1 } })).toBe(
      helm("- at '/a': missing property 'x'", "- at '/a': additional properties 'y' not allowed"),
    );
    expect(failures({ ...schema, required: ["z"] }, { a: { y: 1 } })).toBe(
      helm(
        "- at '': missing property 'z'",
        "- at '/a': validation failed",
        "  - at '/a': missing property 'x'",
        "  - at '/a': additional properties 'y' not allowed",
      ),
    );
  });

  it("a schema's own checks come first, then its properties one by one, then additionalProperties", () => {
    const schema = { required: ["must"], additionalProperties: false, properties: { a: { type: "string" } } };
    expect(failures(schema, { a: 1, b: 2 })).toBe(
      helm(
        "- at '': missing property 'must'",
        "- at '/a': got number, want string",
        "- at '': additional properties 'b' not allowed",
      ),
    );
  });

  it("instance pointers escape ~ and / (jsonPtr) and are quoted", () => {
    expect(failures({ properties: { "a/b~c": { type: "string" } } }, { "a/b~c": 1 })).toBe(
      helm("- at '/a~1b~0c': got number, want string"),
    );
    expect(failures({ properties: { l: { items: { type: "string" } } } }, { l: ["x", 2] })).toBe(
      helm("- at '/l/1': got number, want string"),
    );
  });

  it("anyOf: kind.AnyOf `anyOf failed`, each subschema's errors its causes", () => {
    expect(at({ anyOf: [{ type: "string" }, { type: "integer", minimum: 5 }] }, 1)).toBe(
      helm(
        "- at '/a': anyOf failed",
        "  - at '/a': got number, want string",
        "  - at '/a': minimum: got 1, want 5",
      ),
    );
  });

  it("oneOf: kind.OneOf `oneOf failed, none matched` / `oneOf failed, subschemas %d, %d matched`", () => {
    expect(at({ oneOf: [{ type: "string" }, { type: "boolean" }] }, 1)).toBe(
      helm(
        "- at '/a': oneOf failed, none matched",
        "  - at '/a': got number, want string",
        "  - at '/a': got number, want boolean",
      ),
    );
    expect(at({ oneOf: [{ type: "string" }, { type: "number" }, { type: "integer" }] }, 1)).toBe(
      helm("- at '/a': oneOf failed, subschemas 1, 2 matched"),
    );
  });

  it("allOf: kind.AllOf `allOf failed`; a subschema's several errors are a Group beneath it", () => {
    expect(at({ allOf: [{ type: "integer" }, { minimum: 3, multipleOf: 2 }, { maximum: 9 }] }, 1.5)).toBe(
      helm(
        "- at '/a': allOf failed",
        "  - at '/a': got number, want integer",
        "  - at '/a': validation failed",
        "    - at '/a': minimum: got 1.5, want 3",
        "    - at '/a': multipleOf: got 1.5, want 2",
      ),
    );
  });

  it("not: kind.Not `not failed`, without causes", () => {
    expect(at({ not: { type: "string" } }, "s")).toBe(helm("- at '/a': not failed"));
  });

  it("if/then/else: the branch's errors stand in the schema's own list", () => {
    const schema = JSON.parse('{"if": {"type": "string"}, "then": {"minLength": 2}, "else": {"minimum": 2}}');
    expect(at(schema, 1)).toBe(helm("- at '/a': minimum: got 1, want 2"));
    expect(at(schema, "x")).toBe(helm("- at '/a': minLength: got 1, want 2"));
  });

  it("$ref: kind.Reference `validation failed`, skipped by display when it has one cause", () => {
    const defs = { p: { type: "object", required: ["q", "r"], minProperties: 3 }, n: { minimum: 1 } };
    expect(failures({ $defs: defs, properties: { a: { $ref: "#/$defs/n" } } }, { a: 0 })).toBe(
      helm("- at '/a': minimum: got 0, want 1"),
    );
    expect(failures({ $defs: defs, properties: { a: { $ref: "#/$defs/p" } } }, { a: {} })).toBe(
      helm(
        "- at '/a': validation failed",
        "  - at '/a': minProperties: got 0, want 3",
        "  - at '/a': missing properties 'q', 'r'",
      ),
    );
    // Before 2019-09 the keywords beside a $ref are ignored.
    expect(
      failures(
        { $schema: DRAFT7, definitions: defs, properties: { a: { $ref: "#/definitions/n", maximum: -1 } } },
        { a: 0 },
      ),
    ).toBe(helm("- at '/a': minimum: got 0, want 1"));
  });

  it("a $ref into the chart's own files nests the same way", () => {
    const schema = {
      $id: "https://example.com/charts/app/values.schema.json",
      properties: { replicas: { $ref: "schemas/defs.json#/count" } },
    };
    const files = { "schemas/defs.json": JSON.stringify({ count: { type: "integer", minimum: 1 } }) };
    expect(failures(schema, { replicas: 0 }, files)).toBe(helm("- at '/replicas': minimum: got 0, want 1"));
    expect(failures(schema, { replicas: "x" }, files)).toBe(
      helm("- at '/replicas': got string, want integer"),
    );
  });

  it("passes what the schema allows", () => {
    expect(at({ type: "integer", minimum: 1 }, 2)).toBe("");
  });
});
