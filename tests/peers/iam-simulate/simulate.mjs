// Runs each simulation of a JSON array on standard input through @cloud-copilot/iam-simulate;
// prints a JSON array of {"result": "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied"} or
// {"errors": ...}, one per simulation, in order, with the context keys it ignored.
// With `--repeat N` it runs them all N times in turn and prints {"per_second": decisions per
// second} instead (the benchmark's measure, taken inside one process).
import { runSimulation } from '@cloud-copilot/iam-simulate'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const simulations = JSON.parse(Buffer.concat(chunks).toString('utf8'))
const repeat = process.argv[2] === '--repeat' ? Number(process.argv[3]) : 0
if (repeat > 0) {
  for (const simulation of simulations) await runSimulation(simulation, {}) // warm-up
  const start = process.hrtime.bigint()
  for (let round = 0; round < repeat; round++) {
    for (const simulation of simulations) await runSimulation(simulation, {})
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  process.stdout.write(JSON.stringify({ per_second: (repeat * simulations.length) / seconds }))
  process.exit(0)
}
const results = []
for (const simulation of simulations) {
  const response = await runSimulation(simulation, {})
  if (response.resultType === 'error') {
    results.push({ errors: response.errors })
  } else {
    const ignored = response.resultType === 'single' ? response.result.ignoredContextKeys : []
    results.push({ result: response.overallResult, ignoredContextKeys: ignored ?? [] })
  }
}
process.stdout.write(JSON.stringify(results))
