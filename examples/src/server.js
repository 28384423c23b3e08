import http from 'node:http'
import { total, formatCents } from './cart.js'

/** A tiny checkout service: POST /checkout with {lines, code} returns the total. */
export function createServer() {
  return http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/checkout') {
      res.writeHead(404).end()
      return
    }
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      try {
        const { lines, code } = JSON.parse(body)
        const cents = total(lines, code)
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ cents, display: formatCents(cents) }))
      } catch (error) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error.message) }))
      }
    })
  })
}
