import { describe, expect, it } from '@jest/globals'
import { ConfigurationError } from '../../shared/errors.js'
import {
  booleanInput,
  choiceInput,
  durationInput,
  integerInput,
  listInput,
  parseInteger,
  parsePercent,
  percentInput,
  requiredInput
} from '../../shared/inputs.js'

const io = (inputs: Record<string, string>) => ({ getInput: (name: string) => inputs[name] ?? '' })

describe('one input toolkit for actions and the CLI', () => {
  it('reads whole numbers within bounds and names the input or flag when they are not', () => {
    expect(integerInput(io({ n: '7' }), 'n', 3, { min: 1, max: 10 })).toBe(7)
    expect(integerInput(io({}), 'n', 3, { min: 1, max: 10 })).toBe(3)
    expect(() => integerInput(io({ n: '11' }), 'n', 3, { min: 1, max: 10 })).toThrow(
      'Input "n" must be a whole number from 1 to 10, not "11".'
    )
    expect(() => integerInput(io({ n: '1.5' }), 'n', 3)).toThrow(ConfigurationError)
    expect(() => parseInteger('0', '--shards', { min: 1 })).toThrow(
      '--shards must be a whole number of at least 1, not "0".'
    )
    expect(() => parseInteger('99999999999999999999', '--n')).toThrow(ConfigurationError)
  })

  it('reads percentages from 0 to 100, with or without a % sign', () => {
    expect(percentInput(io({ t: '80' }), 't')).toBe(80)
    expect(percentInput(io({ t: '62.5 %' }), 't')).toBe(62.5)
    expect(percentInput(io({}), 't')).toBeUndefined()
    expect(() => percentInput(io({ t: '101' }), 't')).toThrow(
      'Input "t" must be a number from 0 to 100'
    )
    expect(() => parsePercent('-1', '--threshold')).toThrow(
      '--threshold must be a number from 0 to 100'
    )
  })

  it('reads lists, durations, booleans, choices and required inputs', () => {
    expect(listInput(io({ g: 'a, b\nc,,\n' }), 'g')).toEqual(['a', 'b', 'c'])
    expect(durationInput(io({ d: '1m30s' }), 'd', '10s')).toBe(90_000)
    expect(durationInput(io({}), 'd', '10s')).toBe(10_000)
    expect(() => durationInput(io({ d: '2h' }), 'd', '10s', { maxMs: 60_000 })).toThrow('Input "d"')
    expect(booleanInput(io({ b: 'TRUE' }), 'b', false)).toBe(true)
    expect(() => booleanInput(io({ b: 'yes' }), 'b', false)).toThrow(
      'Input "b" must be true or false, not "yes".'
    )
    expect(choiceInput(io({ c: 'head' }), 'c', ['base', 'head'] as const, 'base')).toBe('head')
    expect(() => choiceInput(io({ c: 'x' }), 'c', ['base', 'head'] as const, 'base')).toThrow(
      'Input "c" must be one of base, head'
    )
    expect(requiredInput(io({ r: 'x' }), 'r')).toBe('x')
    expect(() => requiredInput(io({ r: ' ' }), 'r', 'name the stage to check')).toThrow(
      'Input "r" is required: name the stage to check'
    )
  })
})
