/** Prices in cents; quantities are whole units. */

export function lineTotal(priceCents, quantity) {
  if (!Number.isInteger(priceCents) || priceCents < 0) throw new RangeError('price must be a non-negative integer')
  if (!Number.isInteger(quantity) || quantity < 1) throw new RangeError('quantity must be a positive integer')
  return priceCents * quantity
}

export function subtotal(lines) {
  return lines.reduce((sum, line) => sum + lineTotal(line.priceCents, line.quantity), 0)
}

/** Percentage discount codes; unknown codes give no discount. */
const CODES = { WELCOME10: 10, LOYAL15: 15 }

export function discount(subtotalCents, code) {
  const percent = CODES[code] ?? 0
  return Math.round((subtotalCents * percent) / 100)
}

export function shipping(subtotalCents) {
  if (subtotalCents >= 5000) return 0
  return 499
}

export function total(lines, code) {
  const sub = subtotal(lines)
  const afterDiscount = sub - discount(sub, code)
  return afterDiscount + shipping(afterDiscount)
}

export function formatCents(cents) {
  const sign = cents < 0 ? '-' : ''
  const abs = Math.abs(cents)
  return `${sign}$${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}
