import type { ErrorObject } from 'ajv'

/** A JSON Schema validator, compiled ahead of time by scripts/compile-schemas.mjs. */
export declare const validate: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null }
export default validate
