var e="https://flow-actions.dev/schemas/flow-report.schema.json";export{e as a};
