/**
 * Input generators for the reader fuzz tests: a seed damaged at random, JSON of a seed's own shape
 * with arbitrary values, and line-delimited event streams made of a seed's keys.
 */
import fc from 'fast-check'

const TOKENS = [
  '<',
  '>',
  '</',
  '"',
  "'",
  '&',
  '&amp;',
  '&#0;',
  '&#xFFFFFF;',
  '<!DOCTYPE a [<!ENTITY e "x">]>',
  '<![CDATA[',
  ']]>',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  'null',
  '-1',
  'NaN',
  '1e400',
  '-0',
  '"__proto__"',
  '\u0000',
  '\uFFFF',
  '\ud800',
  '\n',
  'ok 1',
  'not ok 2 # TODO',
  '1..3',
  'Bail out!',
  'mode: set\n',
  '"Action":"fail"',
  '"type":"testDone"',
  '"result":"error"',
  'end_of_record\n',
  'DA:',
  'LH:',
  'SF:'
]

/** A seed damaged at random: cut, spliced with junk or a hostile token, a slice duplicated, a number replaced. */
export function damaged(seed: string): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.nat(),
      fc.nat(),
      fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom(...TOKENS)),
      fc.constantFrom('cut', 'splice', 'dup', 'number')
    )
    .map(([a, b, junk, how]) => {
      const x = a % (seed.length + 1)
      const y = b % (seed.length + 1)
      const [lo, hi] = x < y ? [x, y] : [y, x]
      if (how === 'cut') return seed.slice(0, lo)
      if (how === 'splice') return seed.slice(0, lo) + junk + seed.slice(hi)
      if (how === 'dup') return seed.slice(0, hi) + seed.slice(lo)
      let i = 0
      return seed.replace(/-?\d+(\.\d+)?/g, (m) => (i++ === a % 50 ? junk : m))
    })
}

/** The keys and string values of a JSON document (or of each line of a JSON event stream). */
export function keysOf(seed: string, lines = false): { keys: string[]; strings: string[] } {
  const keys = new Set<string>(['__proto__', 'constructor'])
  const strings = new Set<string>()
  const walk = (v: unknown): void => {
    if (typeof v === 'string' && v.length < 40) strings.add(v)
    if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        keys.add(k)
        walk(x)
      }
    }
  }
  for (const text of lines ? seed.split('\n') : [seed]) {
    try {
      walk(JSON.parse(text))
    } catch {
      // not JSON: no keys from it
    }
  }
  return { keys: [...keys].slice(0, 60), strings: [...strings].slice(0, 60) }
}

function value(keys: string[], strings: string[]): fc.Arbitrary<unknown> {
  return fc.letrec<{ v: unknown }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small', maxDepth: 5 },
      fc.oneof(
        fc.integer({ min: -3, max: 20 }),
        fc.double(),
        fc.string({ maxLength: 8 }),
        fc.constantFrom(...(strings.length > 0 ? strings : [''])),
        fc.boolean(),
        fc.constant(null)
      ),
      fc.array(tie('v'), { maxLength: 4 }),
      fc.dictionary(fc.constantFrom(...keys), tie('v'), { maxKeys: 6 })
    )
  })).v
}

/** JSON values shaped like the seed: its own keys with arbitrary values, nested. */
export function reshaped(seed: string): fc.Arbitrary<string> {
  const { keys, strings } = keysOf(seed)
  return value(keys, strings).map((v) => JSON.stringify(v))
}

/** Event streams: lines of objects built from the seed's keys, each with an event-kind key. */
export function events(
  { keys, strings }: { keys: string[]; strings: string[] },
  kindKey: string
): fc.Arbitrary<string> {
  const event = fc.tuple(
    fc.constantFrom(...(strings.length > 0 ? strings : [''])),
    fc.dictionary(fc.constantFrom(...keys), value(keys, strings), { maxKeys: 6 })
  )
  return fc
    .array(event, { maxLength: 30 })
    .map((list) =>
      list.map(([kind, rest]) => JSON.stringify({ ...rest, [kindKey]: kind })).join('\n')
    )
}

/**
 * Expression-shaped text: operators, names, literals, brackets and hostile bits joined at random,
 * for the parser's "only ExpressionError, never a hang" properties.
 */
export function expressionSoup(maxLength: number): fc.Arbitrary<string> {
  return fc
    .array(
      fc.constantFrom(
        '(',
        ')',
        'a',
        'b.c',
        '1',
        '2.5',
        '"x"',
        "'",
        '"',
        '&&',
        'and',
        'or',
        'not',
        '!',
        '-',
        '+',
        '*',
        '/',
        '%',
        '?',
        ':',
        '[',
        ']',
        ',',
        'in',
        'has(',
        'size(',
        'min(',
        'max(',
        'abs(',
        '==',
        '!=',
        '<',
        '<=',
        '>',
        '>=',
        '.',
        '\\',
        ' ',
        '1e',
        '__proto__',
        'constructor',
        'true',
        'false',
        'null',
        '0',
        '\n',
        '\u0000',
        'has',
        'size',
        'min',
        '=',
        'else'
      ),
      { maxLength }
    )
    .map((parts) => parts.join(''))
}
