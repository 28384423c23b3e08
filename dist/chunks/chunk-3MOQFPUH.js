import { createRequire as __flowCreateRequire } from 'node:module'; import { fileURLToPath as __flowFileURLToPath } from 'node:url'; const require = __flowCreateRequire(import.meta.url); const __filename = __flowFileURLToPath(import.meta.url); const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));
var e="https://flow-actions.dev/schemas/flow-report.schema.json";export{e as a};
