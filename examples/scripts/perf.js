// Measures the checkout service for real: starts it on loopback, sends a fixed number of
// requests, and writes flow-actions' generic performance JSON ({"metrics": {name: {p50, p95, p99, rps}}}).
import { writeFileSync } from 'node:fs'
import { createServer } from '../src/server.js'

const out = process.argv[2] ?? 'reports/perf.json'
const requests = Number(process.env.PERF_REQUESTS ?? 2000)
const concurrency = 8
const server = createServer()
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const { port } = server.address()
const body = JSON.stringify({ lines: [{ priceCents: 1999, quantity: 2 }, { priceCents: 500, quantity: 3 }], code: 'WELCOME10' })
const latencies = []
let sent = 0
let errors = 0
const started = performance.now()
async function worker() {
  while (sent < requests) {
    sent++
    const t0 = performance.now()
    const res = await fetch(`http://127.0.0.1:${port}/checkout`, { method: 'POST', body, headers: { 'content-type': 'application/json' } })
    await res.arrayBuffer()
    if (res.status !== 200) errors++
    latencies.push(performance.now() - t0)
  }
}
await Promise.all(Array.from({ length: concurrency }, worker))
const seconds = (performance.now() - started) / 1000
server.close()
latencies.sort((a, b) => a - b)
const pct = (p) => Number(latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)].toFixed(3))
const result = {
  metrics: {
    checkout: { p50: pct(50), p95: pct(95), p99: pct(99), rps: Number((latencies.length / seconds).toFixed(1)), error_rate: (errors / latencies.length) * 100, count: latencies.length }
  }
}
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
console.log(`perf: ${latencies.length} requests, p95 ${result.metrics.checkout.p95} ms, ${result.metrics.checkout.rps} req/s -> ${out}`)
