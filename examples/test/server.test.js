import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from '../src/server.js'

describe('checkout service', () => {
  let server
  let base
  before(async () => {
    server = createServer()
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${server.address().port}`
  })
  after(() => server.close())

  it('prices a cart', async () => {
    const res = await fetch(`${base}/checkout`, { method: 'POST', body: JSON.stringify({ lines: [{ priceCents: 1000, quantity: 1 }] }) })
    assert.equal(res.status, 200)
    assert.deepEqual(await res.json(), { cents: 1499, display: '$14.99' })
  })

  it('answers 404 elsewhere', async () => {
    const res = await fetch(`${base}/`)
    assert.equal(res.status, 404)
  })
})
