import fc from 'fast-check';

/** One operation of the OpenAPI document, as much of it as the fuzzer reads. */
export interface FuzzOperation {
  readonly route: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly spec: {
    readonly parameters?: ReadonlyArray<{ readonly name: string; readonly in: string }>;
    readonly requestBody?: {
      readonly content?: Record<string, { readonly schema?: JsonSchema }>;
    };
  };
}

interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Record<string, JsonSchema>;
  readonly items?: JsonSchema;
}

export interface FuzzRequest {
  readonly method: string;
  readonly url: string;
  readonly body: string | undefined;
  readonly contentType: string | undefined;
}

/** Strings that have broken directory and web code elsewhere. */
const NASTY = [
  '*',
  '(cn=*)',
  '*)(|(objectClass=*))',
  '\\2a\\28',
  'CN=Admin,CN=Users,DC=lab,DC=test',
  ',+"\\<>;=#',
  ' leading and trailing ',
  '\u0000',
  '\uD800',
  '\uDFFF\uD800',
  '\uFFFE\uFFFF',
  'e\u0301\u0301\u0301',
  '\u202Eevil',
  'ﬀ İ ß',
  '🙂👩‍👩‍👧‍👦',
  '../../etc/passwd',
  '%00%2e%2e',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  'admin@contoso.test\nX-Injected: 1',
  '00000000-0000-0000-0000-000000000000',
];

export const nastyString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 4 }).map((s) => s.repeat(5_000)) },
  { weight: 1, arbitrary: fc.constantFrom('', 'x'.repeat(300_000)) },
);

/** A JSON value of any type, with nasty strings at the leaves. */
export const anyValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nastyString,
    fc.integer(),
    fc.double(),
    fc.constantFrom(true, false, null, 1e308, -0, Number.MAX_SAFE_INTEGER + 2),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(nastyString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A value shaped like the schema asks (to get past the first check) or not at all. */
function valueFor(schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  const type = Array.isArray(schema?.type) ? schema?.type[0] : schema?.type;
  const typed =
    type === 'string'
      ? nastyString
      : type === 'boolean'
        ? fc.boolean()
        : type === 'integer' || type === 'number'
          ? fc.oneof(fc.integer(), fc.double())
          : type === 'array'
            ? fc.array(valueFor(schema?.items), { maxLength: 5 })
            : type === 'object' && schema?.properties
              ? objectFor(schema)
              : anyValue;
  return fc.oneof({ weight: 4, arbitrary: typed }, { weight: 1, arbitrary: anyValue });
}

function objectFor(schema: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  const shape = Object.fromEntries(
    Object.entries(schema.properties ?? {}).map(([key, property]) => [key, valueFor(property)]),
  );
  return fc
    .tuple(
      fc.record(shape, { requiredKeys: [] }),
      fc.dictionary(nastyString, anyValue, { maxKeys: 2 }),
    )
    .map(([known, extra]) => ({ ...extra, ...known }));
}

/** A request to the operation: nasty path and query values, a body from its schema or junk. */
export function fuzzRequest(operation: FuzzOperation): fc.Arbitrary<FuzzRequest> {
  const parameters = operation.spec.parameters ?? [];
  const pathNames = parameters.filter((p) => p.in === 'path').map((p) => p.name);
  const queryNames = parameters.filter((p) => p.in === 'query').map((p) => p.name);
  const schema = operation.spec.requestBody?.content?.['application/json']?.schema;
  const body = fc.oneof(
    { weight: 5, arbitrary: (schema ? objectFor(schema) : anyValue).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: anyValue.map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.constantFrom('{', '{"a":', '[1,]', 'null', '"x"', '\u0000') },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
  return fc
    .record({
      path: fc.tuple(...pathNames.map(() => nastyString)),
      query: fc.array(
        fc.tuple(
          queryNames.length > 0 ? fc.constantFrom(...queryNames, 'x') : fc.constant('x'),
          nastyString,
        ),
        { maxLength: 3 },
      ),
      body,
      contentType: fc.constantFrom(
        'application/json',
        'application/json',
        'application/json; charset=utf-8',
        'text/plain',
        'application/x-www-form-urlencoded',
      ),
    })
    .map(({ path, query, body: payload, contentType }) => {
      let index = 0;
      const route = operation.route.replace(/\{[^}]+\}/g, () =>
        encodeURIComponent(path[index++] ?? ''),
      );
      const search = new URLSearchParams(
        query.map(([k, v]): [string, string] => [k, v.slice(0, 2_000)]),
      );
      const url = search.size > 0 ? `${route}?${search.toString()}` : route;
      const sendsBody = operation.method !== 'GET' && operation.method !== 'DELETE';
      return {
        method: operation.method,
        url,
        body: sendsBody ? payload : undefined,
        contentType: sendsBody && payload !== undefined ? contentType : undefined,
      };
    });
}
