import type { ErrorObject } from 'ajv'

/** The graph schema's validator, compiled ahead of time by scripts/compile-schemas.mjs. */
export declare const validate: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null }
export default validate
