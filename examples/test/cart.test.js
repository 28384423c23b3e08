import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { discount, formatCents, lineTotal, shipping, subtotal, total } from '../src/cart.js'

describe('lineTotal', () => {
  it('multiplies price by quantity', () => assert.equal(lineTotal(250, 3), 750))
  it('rejects a negative price', () => assert.throws(() => lineTotal(-1, 1), RangeError))
  it('rejects a zero quantity', () => assert.throws(() => lineTotal(100, 0), RangeError))
})

describe('subtotal', () => {
  it('adds the lines', () => assert.equal(subtotal([{ priceCents: 100, quantity: 2 }, { priceCents: 50, quantity: 1 }]), 250))
  it('is zero for an empty cart', () => assert.equal(subtotal([]), 0))
})

describe('discount', () => {
  it('applies a known code', () => assert.equal(discount(1000, 'WELCOME10'), 100))
  it('ignores an unknown code', () => assert.equal(discount(1000, 'NOPE'), 0))
})

describe('shipping', () => {
  it('is free from $50', () => assert.equal(shipping(5000), 0))
  it('costs $4.99 below $50', () => assert.equal(shipping(4999), 499))
})

describe('total', () => {
  it('discounts, then adds shipping', () => assert.equal(total([{ priceCents: 2000, quantity: 2 }], 'LOYAL15'), 3400 + 499))
})

describe('formatCents', () => {
  it('formats dollars and cents', () => assert.equal(formatCents(1234), '$12.34'))
})
