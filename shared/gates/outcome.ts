import type { RequirementResult } from '../report/types.js'

/** What a requirement check decides; the engine adds id, type, severity, location and waivers. */
export type CheckOutcome = Pick<RequirementResult, 'status' | 'check' | 'message' | 'evidence'> &
  Partial<Pick<RequirementResult, 'actual' | 'expected' | 'detail' | 'skipReason'>>
