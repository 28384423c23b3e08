/**
 * A small lexical scan of JavaScript/TypeScript source for shard planning: an estimate of how many
 * mutants each line will produce, and the lines where a line range may start without cutting a
 * statement in two.
 *
 * StrykerJS only mutates a node whose whole location lies inside a `file:from-to` range, so a
 * range boundary inside a statement would drop the mutants that span it (a block, a condition over
 * two lines). Boundaries are therefore only placed before a top-level statement: bracket depth 0,
 * outside strings, comments, templates and regular expressions, after a statement that ended.
 * When the scan is unsure (unbalanced brackets, an unterminated string, JSX) the file is not split.
 */

export interface SourceScan {
  /** Estimated mutants per line; index 0 is line 1. */
  lineWeights: number[]
  /** 1-based lines where a new range may start (always includes 1). Empty when the file must stay whole. */
  boundaries: number[]
}

const SPLITTABLE = /\.(?:[cm]?js|[cm]?ts)$/i
const SCANNED = /\.(?:[cm]?[jt]sx?)$/i

/** Keywords after which `/` starts a regular expression, not a division. */
const REGEX_AFTER_WORD = new Set([
  'return',
  'typeof',
  'case',
  'do',
  'else',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'yield',
  'await',
  'instanceof'
])
/** Words that start a top-level declaration or statement. */
const STATEMENT_START =
  /^(?:export|import|function|async|class|const|let|var|interface|type|enum|declare|abstract|namespace|module|if|for|while|do|switch|try|return|throw)\b/
/** Each counts as a place a mutator applies (EqualityOperator, LogicalOperator, ArithmeticOperator...). */
const OPERATORS = [
  '===',
  '!==',
  '>>>',
  '**',
  '??',
  '&&',
  '||',
  '==',
  '!=',
  '<=',
  '>=',
  '++',
  '--',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '%',
  '!'
]
const CONDITIONAL_WORDS = /\b(?:if|while|for)\b/g
const BOOLEAN_WORDS = /\b(?:true|false)\b/g
const METHOD_CALLS =
  /\.(?:filter|map|some|every|slice|substring|substr|trim|trimStart|trimEnd|toUpperCase|toLowerCase|startsWith|endsWith|sort|reverse|min|max|charAt|at|concat|includes)\s*\(/g

/** Scans a source file; files that are not JS/TS get one unit of weight per non-blank line and no boundaries. */
export function scanSource(file: string, text: string): SourceScan {
  if (!SCANNED.test(file)) {
    const lines = text.split('\n')
    return { lineWeights: lines.map((l) => (l.trim() === '' ? 0 : 1)), boundaries: [] }
  }
  return scanScript(text, SPLITTABLE.test(file))
}

type Mode =
  | 'code'
  | 'line-comment'
  | 'block-comment'
  | 'single'
  | 'double'
  | 'template'
  | 'regex'
  | 'regex-class'

function scanScript(text: string, splittable: boolean): SourceScan {
  const lineCount = text.split('\n').length
  const lineWeights = new Array<number>(lineCount).fill(0)
  const startState: Array<{ depth: number; mode: Mode }> = new Array(lineCount)
  // Code text per line with strings, comments and regexes blanked, for the weight estimate.
  const codeLines: string[] = new Array<string>(lineCount).fill('')
  let mode: Mode = 'code'
  let depth = 0
  // For each open `${` in a template, the depth to return to the template at.
  const templateStack: number[] = []
  let lastSignificant = '' // the last non-space code character
  let lastWord = ''
  let line = 0
  let balanced = true
  startState[0] = { depth: 0, mode: 'code' }
  let code = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    const next = text[i + 1]
    if (c === '\n') {
      codeLines[line] = code
      code = ''
      line++
      if (mode === 'line-comment') mode = 'code'
      if (mode === 'single' || mode === 'double' || mode === 'regex' || mode === 'regex-class') {
        // A string or regex cannot span lines (except an escaped newline in a string).
        if (!(text[i - 1] === '\\' && (mode === 'single' || mode === 'double'))) balanced = false
      }
      startState[line] = { depth, mode }
      continue
    }
    switch (mode) {
      case 'line-comment':
        break
      case 'block-comment':
        if (c === '*' && next === '/') {
          mode = 'code'
          i++
        }
        break
      case 'single':
      case 'double':
        if (c === '\\') i++
        else if ((c === "'" && mode === 'single') || (c === '"' && mode === 'double')) {
          mode = 'code'
          code += ' "" '
          lastSignificant = '"'
        }
        break
      case 'template':
        if (c === '\\') i++
        else if (c === '`') {
          mode = 'code'
          code += ' "" '
          lastSignificant = '"'
        } else if (c === '$' && next === '{') {
          templateStack.push(depth)
          depth++
          mode = 'code'
          i++
          lastSignificant = '{'
        }
        break
      case 'regex':
        if (c === '\\') i++
        else if (c === '[') mode = 'regex-class'
        else if (c === '/') {
          mode = 'code'
          while (/[a-z]/i.test(text[i + 1] ?? '')) i++
          code += ' /r/ '
          lastSignificant = 'r'
        }
        break
      case 'regex-class':
        if (c === '\\') i++
        else if (c === ']') mode = 'regex'
        break
      case 'code': {
        if (c === '/' && next === '/') {
          mode = 'line-comment'
          i++
          break
        }
        if (c === '/' && next === '*') {
          mode = 'block-comment'
          i++
          break
        }
        if (c === "'") {
          mode = 'single'
          break
        }
        if (c === '"') {
          mode = 'double'
          break
        }
        if (c === '`') {
          mode = 'template'
          break
        }
        if (c === '/') {
          const regexStart =
            lastSignificant === '' ||
            '(,=:[!&|?{};+-*%<>~^'.includes(lastSignificant) ||
            (/[A-Za-z_$]/.test(lastSignificant) && REGEX_AFTER_WORD.has(lastWord))
          if (regexStart) {
            mode = 'regex'
            break
          }
        }
        if (c === '(' || c === '[' || c === '{') depth++
        else if (c === ')' || c === ']') depth--
        else if (c === '}') {
          if (templateStack.length > 0 && templateStack[templateStack.length - 1] === depth - 1) {
            templateStack.pop()
            depth--
            mode = 'template'
            break
          }
          depth--
        }
        if (depth < 0) balanced = false
        if (/[A-Za-z0-9_$]/.test(c)) {
          lastWord = /[A-Za-z0-9_$]/.test(text[i - 1] ?? '') ? lastWord + c : c
        }
        if (c !== ' ' && c !== '\t' && c !== '\r') lastSignificant = c
        code += c
        break
      }
    }
  }
  codeLines[line] = code
  if (mode !== 'code' && mode !== 'line-comment') balanced = false
  if (depth !== 0 || templateStack.length > 0) balanced = false

  for (let l = 0; l < lineCount; l++) lineWeights[l] = estimateLine(codeLines[l])

  const boundaries: number[] = []
  if (balanced && splittable) {
    const lines = text.split('\n')
    let previousEnd = '' // last significant character of the previous code line
    let previousStart = ''
    for (let l = 0; l < lineCount; l++) {
      const raw = lines[l]
      const state = startState[l]
      const trimmed = raw.trim()
      const codeText = codeLines[l].trim()
      if (l === 0) boundaries.push(1)
      else if (state.depth === 0 && state.mode === 'code' && /^\S/.test(raw) && codeText !== '') {
        const ended = previousEnd === ';' || previousEnd === '}'
        const declares =
          STATEMENT_START.test(trimmed) &&
          !'=,(.[+-*/%&|?:<>!'.includes(previousEnd) &&
          !previousStart.startsWith('@')
        const continues =
          /^[.?:)\]},=+\-*/%&|<>]/.test(trimmed) || /^(?:else|catch|finally)\b/.test(trimmed)
        if ((ended || declares) && !continues) boundaries.push(l + 1)
      }
      if (codeText !== '') {
        previousEnd = codeText[codeText.length - 1]
        previousStart = codeText
      }
    }
  }
  return { lineWeights, boundaries }
}

/** Rough count of the mutants Stryker's mutators would create on one line of blanked code. */
function estimateLine(code: string): number {
  if (code.trim() === '') return 0
  let n = 0
  let rest = code.replace(/=>/g, ' ')
  for (const op of OPERATORS) {
    const parts = rest.split(op)
    n += parts.length - 1
    rest = parts.join(' ')
  }
  n += (code.match(/""/g) ?? []).length // string and template literals
  n += (code.match(/\/r\//g) ?? []).length // regular expressions
  n += (code.match(/\{/g) ?? []).length // block statements and object literals
  n += (code.match(/\[/g) ?? []).length // array literals
  n += 2 * (code.match(CONDITIONAL_WORDS) ?? []).length // condition true / false
  n += (rest.match(/\?/g) ?? []).length // conditional expressions and optional chains
  n += (code.match(BOOLEAN_WORDS) ?? []).length
  n += (code.match(METHOD_CALLS) ?? []).length
  return n
}
